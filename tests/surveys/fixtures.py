"""Survey factories: an XLSForm in French and English, rounds, CSV exports, imports (a pytest plugin: every
test sees the fixtures; other domains get the files through `survey_files`)."""
import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from cpms.extensions import db as _db
from cpms.surveys import imports
from tests.conftest import commune_id, english

QUESTIONS = [
    ("start", "start", "", ""),
    ("deviceid", "deviceid", "", ""),
    ("phonenumber", "phonenumber", "", ""),
    ("begin_group", "respondent", "Respondent", "Répondant"),
    ("select_one sex", "sex", "Sex", "Sexe"),
    ("integer", "age", "Age", "Âge"),
    ("text", "full_name", "Name (optional)", "Nom (facultatif)"),
    ("end_group", "", "", ""),
    ("select_one commune", "commune", "Commune", "Commune"),
    ("geopoint", "gps", "Location", "Position"),
    ("select_one agree", "trust", "I trust the police", "J'ai confiance en la police"),
    ("select_one yn", "unsafe", "Do you feel unsafe at night?", "Vous sentez-vous en insécurité la nuit ?"),
    ("integer", "score", "Safety score (1-10)", "Note de sécurité (1-10)"),
    ("text", "comment", "Comment", "Commentaire"),
]
CHOICES = [
    ("sex", "female", "Female", "Femme"), ("sex", "male", "Male", "Homme"),
    ("commune", "bipemba", "Bipemba", "Bipemba"), ("commune", "muya", "Muya", "Muya"),
    ("commune", "dibindi", "Dibindi", "Dibindi"),
    ("agree", "strongly_disagree", "Strongly disagree", "Pas du tout d'accord"),
    ("agree", "disagree", "Disagree", "Pas d'accord"), ("agree", "agree", "Agree", "D'accord"),
    ("agree", "strongly_agree", "Strongly agree", "Tout à fait d'accord"),
    ("yn", "yes", "Yes", "Oui"), ("yn", "no", "No", "Non"), ("yn", "dont_know", "Don't know", "Ne sait pas"),
]


def xlsform_bytes(questions=QUESTIONS, choices=CHOICES, version="2015-1", label_style="long", form_id="perception"):
    en, fr = {"long": ("label::English (en)", "label::French (fr)"), "short": ("label::en", "label::fr"),
              "native": ("label::English (en)", "label::Français (fr)")}[label_style]
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", en, fr, "choice_filter"])  # a question's fifth item is its choice filter
    for row in questions:
        survey.append([row[0].replace("_group", " group"), *row[1:]])
    sheet = workbook.create_sheet("choices")
    sheet.append(["list_name", "name", en, fr])
    for row in choices:
        sheet.append(list(row))
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Perception de la sécurité", form_id, version])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = ["start", "deviceid", "phonenumber", "respondent/sex", "respondent/age", "respondent/full_name", "commune",
          "gps", "_gps_latitude", "trust", "unsafe", "score", "comment", "meta/instanceID", "_uuid", "__version__",
          "_submitted_by", "_attachments"]


def response_row(n, *, sex="female", age=30, commune="bipemba", trust="agree", unsafe="no", score=5, comment="",
                 version="2015-1", full_name="Mbuyi Kalala"):
    return ["2015-05-02T10:00:00", f"imei:35{n:08d}", f"+24381{n:07d}", sex, age, full_name, commune,
            "-6.1 23.6 0 5", "-6.1", trust, unsafe, score, comment, f"uuid:{n:08d}-aaaa", f"{n:08d}-aaaa", version,
            "enumerator7", "photo.jpg"]


def csv_data(rows, header=HEADER, delimiter=",", bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def create_test_instrument(with_measures=True, **kwargs):
    from cpms.surveys.service import create_instrument, create_measure, instrument_questions

    instrument = create_instrument(stream=io.BytesIO(xlsform_bytes(**kwargs)))
    if with_measures:
        questions = {q.name: q.id for q in instrument_questions(instrument)}
        create_measure(instrument, question_id=questions["trust"], kind="share", name_en="Trusts the police",
                       name_fr="Fait confiance à la police", values=["agree", "strongly_agree"], excluded_values=[],
                       higher_is_better=True)
        create_measure(instrument, question_id=questions["unsafe"], kind="rate", name_en="Feels unsafe",
                       name_fr="Se sent en insécurité", values=["yes"], excluded_values=["dont_know"],
                       higher_is_better=False)
        create_measure(instrument, question_id=questions["score"], kind="mean", name_en="Safety score",
                       name_fr="Note de sécurité", values=[], excluded_values=[], higher_is_better=True)
    _db.session.commit()
    return instrument


def keep_free_text(instrument, names=("comment",), reason="Suggestions read for the quarterly report"):
    """Keep the answers of these questions (free text is not stored by default)."""
    from cpms.surveys.service import instrument_questions, keep_questions

    kept = [q.id for q in instrument_questions(instrument) if q.name in names or not q.is_identifying]
    keep_questions(instrument, kept, reason)
    _db.session.commit()


def create_test_round(instrument, programme, name="Baseline 2015", kind="baseline", start=date(2015, 5, 1),
                      communes=("Bipemba", "Muya", "Dibindi"), weight_column=""):
    from cpms.surveys.service import create_round

    survey_round = create_round(instrument_id=instrument.id, programme_id=programme.id, name=name, kind=kind,
                                start_date=start, end_date=None, sampling_notes="", weight_column=weight_column,
                                commune_ids=[commune_id(c) for c in communes], sex_question="sex",
                                age_question="age", commune_question="commune")
    _db.session.commit()
    return survey_round


def do_import(app, survey_round, data, filename="export.csv"):
    with english(app):
        summary = imports.preview_import(None, survey_round, io.BytesIO(data), filename)
        if summary["has_errors"]:
            _db.session.rollback()
            return summary, None
        record = imports.confirm_import(None, survey_round, summary["token"])
        _db.session.commit()
        return summary, record


@pytest.fixture
def make_instrument(db):
    return create_test_instrument


@pytest.fixture
def make_round(db, make_programme):
    state = {"programme": None}

    def factory(instrument, programme=None, **kwargs):
        if programme is None:
            if state["programme"] is None:
                state["programme"] = make_programme(provinces=["Kasaï-Oriental"])
            programme = state["programme"]
        return create_test_round(instrument, programme, **kwargs)

    return factory


@pytest.fixture
def survey_files():
    """The test questionnaire's files, for other domains' tests: xlsform_bytes(), response_row(n, …),
    csv_data(rows) of a KoBoToolbox export with HEADER."""
    return SimpleNamespace(xlsform_bytes=xlsform_bytes, response_row=response_row, csv_data=csv_data, HEADER=HEADER,
                           QUESTIONS=QUESTIONS, CHOICES=CHOICES)


# --- Real-export test set (issue 20, point 7) -----------------------------------------------------------------
# The exports are built here, row by row, the way KoBoToolbox and ODK Central write them; the tests compute the
# expected figures from the same rows. The questionnaire adds a select_multiple to the test form.
EXPORT_QUESTIONS = QUESTIONS + [("select_multiple problems", "problems", "Problems in your area",
                                 "Problèmes dans votre quartier")]
EXPORT_CHOICES = CHOICES + [("problems", "theft", "Theft", "Vol"), ("problems", "violence", "Violence", "Violence"),
                            ("problems", "gangs", "Youth gangs", "Gangs de jeunes")]
EXPORT_LABELS = {c[1]: c[2] for c in EXPORT_CHOICES}
PROBLEMS = ("theft", "violence", "gangs")
EXPORT_VERSIONS = ("vQxW2015aTn8", "2015-1", "2015-05-20 (fix)")  # a KoBo deployment id, a version, a date-like one


def export_rows(count=30):
    """The answers behind every export of the test set: plain dicts, varied deterministically."""
    rows = []
    for n in range(count):
        rows.append({
            "n": n, "sex": ("female", "male")[n % 2], "age": 18 + (n * 7) % 50,
            "commune": ("bipemba", "muya", "dibindi")[n % 3],
            "trust": ("strongly_disagree", "disagree", "agree", "strongly_agree", "agree")[n % 5],
            "unsafe": ("yes", "no", "no", "dont_know")[n % 4], "score": (n * 3) % 10 + 1,
            "problems": [p for i, p in enumerate(PROBLEMS) if (n >> i) & 1],
            "version": EXPORT_VERSIONS[n % 3],
            "review": ("approved", "not_approved", "on_hold", "", "approved", "approved")[n % 6],
            "uuid": f"{n:08d}-7c1e-4d2a-9f00-{n:012d}", "submitted": f"2015-05-{1 + n % 28:02d}T09:{n % 60:02d}:00",
        })
    return rows


KOBO_REVIEW = {"approved": ("validation_status_approved", "Approved"),
               "not_approved": ("validation_status_not_approved", "Not Approved"),
               "on_hold": ("validation_status_on_hold", "On Hold"), "": ("", "")}
CENTRAL_REVIEW = {"approved": "approved", "not_approved": "rejected", "on_hold": "hasIssues", "": ""}


def kobo_export(rows, *, labels=False, multiple="both", fmt="csv", delimiter=";"):
    """A KoBoToolbox export: `;` CSV by default (or XLSX), group prefixes `respondent/`, XML values or labels (then
    the headers are labels too), select_multiple as one space-separated column, split 0/1 columns `q/choice`, or
    both; `_uuid`, `_submission_time`, `_validation_status`, `__version__`."""
    def head(group, name, label):
        return "/".join(([group] if group else []) + [label if labels else name])

    def value(name):
        return EXPORT_LABELS.get(name, name) if labels else name

    header = ["start", "end", "deviceid", head("respondent", "sex", "Sex"), head("respondent", "age", "Age"),
              head("", "commune", "Commune"), head("", "trust", "I trust the police"),
              head("", "unsafe", "Do you feel unsafe at night?"), head("", "score", "Safety score (1-10)")]
    problems = head("", "problems", "Problems in your area")
    if multiple in ("both", "space"):
        header.append(problems)
    if multiple in ("both", "split"):
        header += [f"{problems}/{value(p)}" for p in PROBLEMS]
    header += ["_id", "_uuid", "_submission_time", "_validation_status", "_status", "_submitted_by", "__version__",
               "_index"]
    table = [header]
    for row in rows:
        line = ["2015-05-02T08:00:00", "2015-05-02T08:20:00", f"collect:{row['n']:016d}", value(row["sex"]), row["age"],
                value(row["commune"]), value(row["trust"]), value(row["unsafe"]), row["score"]]
        if multiple in ("both", "space"):
            line.append((", " if labels else " ").join(value(p) for p in row["problems"]))
        if multiple in ("both", "split"):
            line += [1 if p in row["problems"] else 0 for p in PROBLEMS]
        line += [1000 + row["n"], row["uuid"], row["submitted"], KOBO_REVIEW[row["review"]][1 if labels else 0],
                 "submitted_via_web", "enumerator_kalala", row["version"], row["n"] + 1]
        table.append(line)
    return _table_bytes(table, fmt, delimiter)


def central_export(rows, *, multiple="space", fmt="csv", delimiter=","):
    """An ODK Central export: `,` CSV, group prefixes `respondent-`, XML values, split select_multiple columns
    `q/choice` when asked, meta-instanceID and KEY (`uuid:…`), ReviewState, FormVersion, the submitter's name."""
    header = ["SubmissionDate", "start", "end", "deviceid", "respondent-sex", "respondent-age", "commune", "trust",
              "unsafe", "score"]
    if multiple in ("both", "space"):
        header.append("problems")
    if multiple in ("both", "split"):
        header += [f"problems/{p}" for p in PROBLEMS]
    header += ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
               "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    table = [header]
    for row in rows:
        line = [row["submitted"] + ".000Z", "2015-05-02T08:00:00.000+01:00", "2015-05-02T08:20:00.000+01:00",
                f"collect:{row['n']:016d}", row["sex"], row["age"], row["commune"], row["trust"], row["unsafe"],
                row["score"]]
        if multiple in ("both", "space"):
            line.append(" ".join(row["problems"]))
        if multiple in ("both", "split"):
            line += [1 if p in row["problems"] else 0 for p in PROBLEMS]
        line += [f"uuid:{row['uuid']}", f"uuid:{row['uuid']}", 7, "Kalala Mbuyi", 0, 0, "", CENTRAL_REVIEW[row["review"]],
                 f"collect:{row['n']:016d}", 0, row["version"]]
        table.append(line)
    return _table_bytes(table, fmt, delimiter)


def _table_bytes(table, fmt, delimiter):
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        for line in table:
            sheet.append(line)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(table)
    return buffer.getvalue().encode("utf-8")


def create_export_instrument():
    """The test form with its select_multiple, and four measures: trust (share), unsafe (rate, don't know not
    valid), score (mean), problems (share of theft or violence)."""
    from cpms.surveys.service import create_instrument, create_measure, instrument_questions

    instrument = create_instrument(stream=io.BytesIO(xlsform_bytes(questions=EXPORT_QUESTIONS, choices=EXPORT_CHOICES,
                                                                   form_id="perception_export")))
    ids = {q.name: q.id for q in instrument_questions(instrument)}
    for question, kind, name, values, excluded in (
            ("trust", "share", "Trusts the police", ["agree", "strongly_agree"], []),
            ("unsafe", "rate", "Feels unsafe", ["yes"], ["dont_know"]), ("score", "mean", "Safety score", [], []),
            ("problems", "share", "Theft or violence", ["theft", "violence"], [])):
        create_measure(instrument, question_id=ids[question], kind=kind, name_en=name, name_fr=name, values=values,
                       excluded_values=excluded, higher_is_better=kind != "rate")
    _db.session.commit()
    return instrument
