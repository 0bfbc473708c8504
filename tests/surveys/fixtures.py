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
