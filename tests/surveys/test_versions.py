"""Issue 20: a questionnaire is identified by its form_id; a new version of its XLSForm adds a version (an identical
file is recognised), measures carry over by question name, and a round accepts rows of every version, the preview
saying per version which questions are missing or added and how they are treated."""
import io

import pytest
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.surveys.models import SurveyInstrument, SurveyMeasure
from cpms.surveys.service import create_instrument, instrument_questions, instrument_versions, results
from tests.conftest import english
from tests.surveys.fixtures import HEADER, QUESTIONS, csv_data, do_import, response_row, xlsform_bytes

# version 2016-1 adds the question `visit`; version 2017-1 drops `score` and adds `patrol`
V2 = QUESTIONS + [("select_one yn", "visit", "Did the police visit?", "La police est-elle passée ?")]
V3 = [q for q in V2 if q[1] != "score"] + [("integer", "patrol", "Patrols seen", "Patrouilles vues")]


def upload(app, questions, version):
    with english(app):
        instrument = create_instrument(stream=io.BytesIO(xlsform_bytes(questions=questions, version=version)))
        _db.session.commit()
        return instrument


def test_a_new_version_is_added_to_the_questionnaire_of_its_form_id(app, make_instrument):
    first = make_instrument()
    measures = {m.id: m.question_id for m in _db.session.scalars(select(SurveyMeasure))}
    second = upload(app, V2, "2016-1")
    assert (second.upload_outcome, second.added_questions) == ("version", ["visit"])
    assert second.changed_questions == []
    third = upload(app, V3, "2017-1")
    assert third.changed_questions == [] and third.added_questions == ["patrol"] and third.form_version == "2017-1"
    fourth = upload(app, [q if q[1] != "age" else ("select_one agree", "age", "Age", "Âge") for q in V3], "2018-1")
    assert fourth.changed_questions == ["age (integer → select_one)"]
    assert next(q.type for q in instrument_questions(first) if q.name == "age") == "integer"
    assert first.id == second.id == third.id and _db.session.scalar(select(func.count(SurveyInstrument.id))) == 1
    assert [(v.version, "score" in v.names, "visit" in v.names) for v in instrument_versions(first)] == [
        ("2015-1", True, False), ("2016-1", True, True), ("2017-1", False, True), ("2018-1", False, True)]
    names = [q.name for q in instrument_questions(first)]
    assert {"score", "visit", "patrol"} <= set(names) and len(names) == len(set(names))
    # measures keep their questions (same ids: matched by name)
    assert {m.id: m.question_id for m in _db.session.scalars(select(SurveyMeasure))} == measures


def test_an_identical_file_is_recognised_and_a_changed_file_with_the_same_version_refused(app, make_instrument):
    first = make_instrument()
    again = upload(app, [q for q in QUESTIONS], "2015-1")
    assert again.id == first.id and again.upload_outcome == "identical" and len(instrument_versions(first)) == 1
    upload(app, V2, "2016-1")
    again = upload(app, QUESTIONS, "2015-1")  # an earlier version uploaded again is recognised too
    assert (again.upload_outcome, again.uploaded_version, again.form_version) == ("identical", "2015-1", "2016-1")
    with english(app), pytest.raises(DomainError, match="Version 2015-1 of the form perception is already here"):
        create_instrument(stream=io.BytesIO(xlsform_bytes(questions=V2, version="2015-1")))
    _db.session.rollback()
    assert len(instrument_versions(first)) == 2


def test_an_export_mixing_three_versions_imports_with_no_manual_step(app, make_instrument, make_round):
    instrument = make_instrument()
    upload(app, V2, "2016-1")
    upload(app, V3, "2017-1")
    survey_round = make_round(instrument)
    header = HEADER + ["visit", "patrol"]
    rows = []
    for n in range(12):  # four rows of each version, as KoBoToolbox exports them (columns of every version)
        version = ("2015-1", "2016-1", "2017-1")[n % 3]
        row = response_row(n, version=version, trust=("agree", "disagree", "strongly_agree", "disagree")[n % 4],
                           score="" if version == "2017-1" else n)
        rows.append(row + ["" if version == "2015-1" else ("yes" if n % 2 else "no"),
                           n if version == "2017-1" else ""])
    summary, record = do_import(app, survey_round, csv_data(rows, header=header))
    assert not summary["has_errors"], summary["problems"]
    assert record.rows_added == 12
    details = {d["version"]: d for d in summary["version_details"]}
    assert {v: d["rows"] for v, d in details.items()} == {"2015-1": 4, "2016-1": 4, "2017-1": 4}
    assert details["2017-1"]["current"] and not details["2017-1"]["missing"] and not details["2017-1"]["added"]
    assert [q["name"] for q in details["2015-1"]["missing"]] == ["visit", "patrol"]
    assert [(q["name"], q["treatment"]) for q in details["2015-1"]["added"]] == [("score", "stored")]
    assert [q["name"] for q in details["2016-1"]["missing"]] == ["patrol"]
    # the figures, computed here from the rows: trust counts agree/strongly_agree; the score only where answered
    trusting = sum(1 for row in rows if row[HEADER.index("trust")] in ("agree", "strongly_agree"))
    scores = [row[HEADER.index("score")] for row in rows if row[HEADER.index("score")] != ""]
    with english(app):
        by_name = {r.measure.name_en: r.overall.later for r in results.round_results(survey_round, Scope.national())}
    assert (by_name["Trusts the police"].n, by_name["Trusts the police"].value) == (12, pytest.approx(trusting / 12))
    assert by_name["Safety score"].n == len(scores) == 8
    assert by_name["Safety score"].value == pytest.approx(sum(scores) / len(scores))


def test_a_version_never_uploaded_is_read_by_column_name(app, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    rows = [response_row(1), response_row(2, version="vQxW2015", score="")]
    summary, record = do_import(app, survey_round, csv_data(rows))
    assert record.rows_added == 2
    details = {d["version"]: d for d in summary["version_details"]}
    assert details["2015-1"]["known"] and not details["vQxW2015"]["known"]
    assert [(q["name"], q["treatment"]) for q in details["vQxW2015"]["missing"]] == [
        ("score", "no answer in these rows; they are not counted in the results that need it")]
