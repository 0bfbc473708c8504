"""Perception surveys: instruments from XLSForms, measures, rounds, webhook tokens, visibility."""
import hashlib
import hmac
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from cpms.core.audit import record_event
from cpms.core.dashboard import Card, dashboard_provider
from cpms.core.erasure import wipe_after_commit
from cpms.core.errors import DomainError
from cpms.core.permissions import ADMIN, ME_OFFICER, PROJECT_OFFICER, VIEWER
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.surveys.models import (
    MEASURE_KINDS,
    ROUND_KINDS,
    SurveyChoice,
    SurveyInstrument,
    SurveyInstrumentVersion,
    SurveyMeasure,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
    survey_round_communes,
)
from cpms.surveys.service.xlsform import NUMERIC_TYPES, SELECT_TYPES, name_words, parse_xlsform, stored_by_default

READERS = frozenset({ADMIN, ME_OFFICER, PROJECT_OFFICER, VIEWER})
MANAGERS = frozenset({ADMIN, ME_OFFICER})
TEXT_READERS = frozenset({ADMIN, ME_OFFICER, PROJECT_OFFICER})  # free-text answers: never viewers

ROUND_KIND_LABELS = {"baseline": _l("Baseline"), "midline": _l("Midline"), "endline": _l("Endline"),
                     "custom": _l("Custom")}
MEASURE_KIND_LABELS = {"share": _l("Share of answers"), "mean": _l("Mean score"), "rate": _l("Yes/no rate")}


# --- Instruments ---------------------------------------------------------------------------

def create_instrument(*, stream, name=""):
    """Create an instrument from an XLSForm, or add a version to the instrument of its form_id.

    The outcome is in `instrument.upload_outcome`: "created"; "version" (a new version: its new questions and choices
    are added, the others keep their ids, so measures and rounds carry over by question name; `added_questions`
    names the new ones); "identical" (this version of the form is already here, unchanged). Errors: unreadable file,
    no survey sheet, unknown choice list, a version already here with other content."""
    form = parse_xlsform(stream)
    existing = None
    if form["form_id"]:  # the newest questionnaire of this form (older ones may predate versions: migration 0031)
        existing = db.session.scalar(select(SurveyInstrument).where(SurveyInstrument.form_id == form["form_id"])
                                     .order_by(SurveyInstrument.id.desc()).limit(1))
    if existing is not None:
        return _add_version(existing, form)
    name = (name or "").strip() or form["name"] or form["form_id"]
    if not name:
        raise DomainError(_("Enter a name for the questionnaire."), field="name")
    instrument = SurveyInstrument(name=name[:200], form_id=form["form_id"], form_version=form["version"])
    db.session.add(instrument)
    db.session.flush()
    db.session.add_all(SurveyQuestion(instrument_id=instrument.id, position=i, **q) for i, q in enumerate(form["questions"]))
    db.session.add_all(SurveyChoice(instrument_id=instrument.id, position=i, **c) for i, c in enumerate(form["choices"]))
    _add_version_row(instrument, form)
    db.session.flush()
    instrument.upload_outcome, instrument.added_questions = "created", []
    instrument.repeat_questions = form["repeat_questions"]  # counted, not analysed (not in the export's main sheet)
    return instrument


def _add_version_row(instrument, form):
    db.session.add(SurveyInstrumentVersion(instrument_id=instrument.id, version=form["version"],
                                           content_hash=form["content_hash"],
                                           question_names=" ".join(q["name"] for q in form["questions"])))


def instrument_versions(instrument):
    return db.session.scalars(select(SurveyInstrumentVersion).where(
        SurveyInstrumentVersion.instrument_id == instrument.id).order_by(SurveyInstrumentVersion.id)).all()


def _add_version(instrument, form):
    """Add a version of the form to its instrument (see create_instrument)."""
    instrument.repeat_questions, instrument.uploaded_version = form["repeat_questions"], form["version"]
    known = {v.version: v for v in instrument_versions(instrument)}
    if form["version"] in known:
        if known[form["version"]].content_hash not in ("", form["content_hash"]):
            raise DomainError(_("Version %(version)s of the form %(form)s is already here with other questions or "
                                "choices: give the changed form a new version (settings sheet, column version) and "
                                "upload it again.", version=form["version"] or "—", form=form["form_id"]), field="file")
        instrument.upload_outcome, instrument.added_questions = "identical", []
        return instrument
    questions = {q.name: q for q in instrument_questions(instrument)}
    position = max((q.position for q in questions.values()), default=-1) + 1
    added, changed = [], []
    for fields in form["questions"]:
        question = questions.get(fields["name"])
        if question is None:  # a new question; a question kept keeps its id, type and storage setting
            db.session.add(SurveyQuestion(instrument_id=instrument.id, position=position, **fields))
            position, added = position + 1, added + [fields["name"]]
        else:
            question.label_en, question.label_fr = fields["label_en"], fields["label_fr"]
            if (question.type, question.list_name) != (fields["type"], fields["list_name"]):
                changed.append(f"{question.name} ({question.type} → {fields['type']})")
    choices = {(c.list_name, c.name): c for items in instrument_choices(instrument).values() for c in items}
    position = len(choices)
    for fields in form["choices"]:
        choice = choices.get((fields["list_name"], fields["name"]))
        if choice is None:
            db.session.add(SurveyChoice(instrument_id=instrument.id, position=position, **fields))
            position += 1
        else:
            choice.label_en, choice.label_fr = fields["label_en"], fields["label_fr"]
    instrument.form_version = form["version"]
    _add_version_row(instrument, form)
    db.session.flush()
    instrument.upload_outcome, instrument.added_questions, instrument.changed_questions = "version", added, changed
    return instrument


def instrument_questions(instrument):
    return db.session.scalars(select(SurveyQuestion).where(SurveyQuestion.instrument_id == instrument.id)
                              .order_by(SurveyQuestion.position)).all()


BREAKDOWN_WORDS = {"sex_question": {"sex", "sexe", "gender", "genre"}, "age_question": {"age", "ages", "âge"},
                   "commune_question": {"commune", "communes"}}


def breakdown_questions(questions):
    """{round field: question name} of the stored questions whose name or choice list says they give the
    respondent's sex, age or commune (the round form preselects them)."""
    found = {}
    for field, words in BREAKDOWN_WORDS.items():
        for question in questions:
            if not question.is_identifying and (name_words(question.name) | name_words(question.list_name or "")) & words:
                found[field] = question.name
                break
    return found


def instrument_choices(instrument):
    """{list_name: [SurveyChoice]}"""
    lists = {}
    for choice in db.session.scalars(select(SurveyChoice).where(SurveyChoice.instrument_id == instrument.id)
                                     .order_by(SurveyChoice.position)):
        lists.setdefault(choice.list_name, []).append(choice)
    return lists


def instrument_measures(instrument_id):
    return db.session.scalars(select(SurveyMeasure).where(SurveyMeasure.instrument_id == instrument_id)
                              .order_by(SurveyMeasure.id)).all()


def optional_questions(questions):
    """The questions whose answers are not stored unless the officer keeps them (free text, names, telephones…)."""
    return [q for q in questions if not stored_by_default(q.type, q.name)]


def keep_questions(instrument, question_ids, reason):
    """Choose which of the instrument's optional questions (`optional_questions`) have their answers stored.

    Keeping one needs a reason, logged in the audit log with the question's name; free text kept is scrubbed of
    telephone numbers and e-mail addresses at import. A question no longer kept has its stored answers deleted,
    and the database's files are cleaned of them after the commit. Error: a question newly kept without reason.
    """
    from cpms.surveys.models import SurveyAnswer

    chosen, reason = set(question_ids or []), " ".join((reason or "").split())[:500]
    changes = [(q, q.id in chosen) for q in optional_questions(instrument_questions(instrument))
               if (q.id in chosen) == q.is_identifying]
    if any(kept for _q, kept in changes) and not reason:
        raise DomainError(_("Say why the answers of these questions must be stored."), field="reason")
    for question, kept in changes:
        if kept:
            question.is_identifying, question.keep_reason = False, reason
            record_event("survey_question_kept", entity="survey_question", entity_id=question.id,
                         detail=f"{question.name}: {reason}")
        else:
            db.session.execute(SurveyAnswer.__table__.delete().where(SurveyAnswer.question_id == question.id))
            question.is_identifying, question.keep_reason = True, ""
            wipe_after_commit()
    db.session.flush()
    return len(changes)


def _stored_question(instrument, question_id):
    question = db.session.get(SurveyQuestion, question_id) if question_id else None
    if question is None or question.instrument_id != instrument.id:
        raise DomainError(_("Choose a question of this questionnaire."), field="question_id")
    if question.is_identifying:
        raise DomainError(_("The answers to this question are not stored: keep the question first."),
                          field="question_id")
    return question


def create_measure(instrument, *, question_id, kind, name_en, name_fr, values, excluded_values,
                   higher_is_better):
    """Define a share, mean or yes/no rate on a question. Errors: wrong question type, values not in its list."""
    question = _stored_question(instrument, question_id)
    if kind not in MEASURE_KINDS:
        raise DomainError(_("Choose the kind of measure."), field="kind")
    if not (name_en or "").strip() or not (name_fr or "").strip():
        raise DomainError(_("Enter the measure's name in English and in French."), field="name_en")
    values, excluded = list(dict.fromkeys(values or [])), list(dict.fromkeys(excluded_values or []))
    if kind == "mean":
        if question.type not in NUMERIC_TYPES and question.type not in SELECT_TYPES:
            raise DomainError(_("A mean needs a number question or a list whose values are numbers."), field="question_id")
    else:
        if question.type not in SELECT_TYPES:
            raise DomainError(_("A share or a rate needs a question with a list of choices."), field="question_id")
        if not values:
            raise DomainError(_("Choose the answers that count (e.g. agree and strongly agree)."), field="values")
    known = {c.name for c in db.session.scalars(select(SurveyChoice).where(
        SurveyChoice.instrument_id == instrument.id, SurveyChoice.list_name == question.list_name))}
    unknown = [v for v in values + excluded if v not in known]
    if unknown:
        raise DomainError(_("These answers are not in the question's list: %(values)s.", values=", ".join(unknown)),
                          field="values")
    if set(values) & set(excluded):
        raise DomainError(_("An answer cannot both count and be excluded."), field="excluded_values")
    measure = SurveyMeasure(instrument_id=instrument.id, question_id=question.id, kind=kind,
                            name_en=name_en.strip()[:200], name_fr=name_fr.strip()[:200], values=" ".join(values),
                            excluded_values=" ".join(excluded), higher_is_better=bool(higher_is_better))
    db.session.add(measure)
    db.session.flush()
    return measure


# --- Rounds --------------------------------------------------------------------------------

def visible_rounds(scope, instrument_id=None):
    """Rounds with at least one commune in the scope, newest first."""
    stmt = select(SurveyRound).order_by(SurveyRound.start_date.desc(), SurveyRound.id.desc())
    if not scope.is_national:
        stmt = stmt.where(exists().where(survey_round_communes.c.round_id == SurveyRound.id,
                                         survey_round_communes.c.commune_id == Commune.id,
                                         scope.filter(Commune.province_id, Commune.id)))
    if instrument_id:
        stmt = stmt.where(SurveyRound.instrument_id == instrument_id)
    return stmt


def can_see_round(survey_round, scope):
    return any(scope.allows(c.province_id, c.id) for c in survey_round.communes)


def response_counts(round_ids):
    if not round_ids:
        return {}
    return dict(db.session.execute(select(SurveyResponse.round_id, func.count()).where(
        SurveyResponse.round_id.in_(list(round_ids)), SurveyResponse.visible()).group_by(SurveyResponse.round_id)).all())


def _apply_round(survey_round, *, instrument_id, programme_id, name, kind, start_date, end_date, sampling_notes,  # noqa: C901
                 commune_ids, weight_column, sex_question, age_question, commune_question):
    from cpms.programmes.models import Programme

    instrument = db.session.get(SurveyInstrument, instrument_id) if instrument_id else None
    if instrument is None:
        raise DomainError(_("Choose the questionnaire of this round."), field="instrument_id")
    if survey_round.id and survey_round.instrument_id != instrument.id and response_counts([survey_round.id]):
        raise DomainError(_("This round already has responses: its questionnaire cannot change."), field="instrument_id")
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme is None:
        raise DomainError(_("Choose the programme of this round."), field="programme_id")
    if not (name or "").strip():
        raise DomainError(_("Enter a name for the round."), field="name")
    if kind not in ROUND_KINDS:
        raise DomainError(_("Choose baseline, midline, endline or custom."), field="kind")
    if end_date is not None and end_date < start_date:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    communes = db.session.scalars(select(Commune).where(Commune.id.in_(list(commune_ids or [])))).all()
    if not communes:
        raise DomainError(_("Choose at least one commune surveyed in this round."), field="communes")
    outside = [c.name for c in communes if c.province_id not in programme.province_ids]
    if outside:
        raise DomainError(_("These communes are outside the programme's provinces: %(names)s.",
                            names=", ".join(outside)), field="communes")
    questions = {q.name: q for q in instrument_questions(instrument)}
    for field, question_name in (("sex_question", sex_question), ("age_question", age_question),
                                 ("commune_question", commune_question)):
        if question_name and question_name not in questions:
            raise DomainError(_("Question %(name)s is not in the questionnaire.", name=question_name), field=field)
        if question_name and questions[question_name].is_identifying:
            raise DomainError(_("The answers to question %(name)s are not stored: keep the question first.",
                                name=question_name), field=field)
    survey_round.instrument_id, survey_round.programme_id = instrument.id, programme.id
    survey_round.name, survey_round.kind = name.strip()[:200], kind
    survey_round.start_date, survey_round.end_date = start_date, end_date
    survey_round.sampling_notes = (sampling_notes or "").strip()
    survey_round.weight_column = (weight_column or "").strip()[:100]
    survey_round.sex_question, survey_round.age_question = sex_question or "", age_question or ""
    survey_round.commune_question = commune_question or ""
    survey_round.communes = list(communes)


def create_round(**fields):
    """Create a round. Errors: missing instrument/programme/name, end before start, communes outside the
    programme, unknown breakdown questions."""
    survey_round = SurveyRound()
    _apply_round(survey_round, **fields)
    db.session.add(survey_round)
    db.session.flush()
    return survey_round


def update_round(survey_round, **fields):
    _apply_round(survey_round, **fields)
    db.session.flush()
    return survey_round


def _hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def new_webhook_token(survey_round):
    """A new token for the round's KoBoToolbox REST service; returned once, stored hashed (the old one stops working)."""
    raw = secrets.token_urlsafe(32)
    survey_round.webhook_token_hash = _hash_token(raw)
    db.session.flush()
    return raw


def webhook_token_matches(survey_round, raw):
    if not raw or not survey_round.webhook_token_hash:
        return False
    return hmac.compare_digest(survey_round.webhook_token_hash, _hash_token(raw))


def free_text_answers(survey_round, limit=20):
    """The latest free-text answers of the round, per question (never identifying questions: not stored)."""
    from cpms.surveys.models import SurveyAnswer

    rows = db.session.execute(
        select(SurveyQuestion.name, SurveyAnswer.value_text)
        .join(SurveyAnswer, SurveyAnswer.question_id == SurveyQuestion.id)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.round_id == survey_round.id, SurveyQuestion.type == "text",
               SurveyQuestion.is_identifying.is_(False), SurveyResponse.visible())
        .order_by(SurveyAnswer.id.desc()).limit(limit)).all()
    return rows


@dashboard_provider(per_user=True)  # its cards: SQL figures of the user's area (and day)
def survey_cards(user, scope):
    if user.role not in READERS:
        return []  # not counted for a card the user would not see
    # counted by core with the page's other cards, in one statement
    count = select(func.count()).select_from(visible_rounds(scope).order_by(None).subquery()).scalar_subquery()
    return [Card(_l("Survey rounds in your area"), count, "surveys.index", roles=READERS)]
