"""Survey services: XLSForm parsing, imports (preview, confirm, duplicates, dropped columns), statistics."""
import io
import math

import pytest
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.surveys import imports
from cpms.surveys.models import SurveyAnswer, SurveyQuestion, SurveyResponse
from cpms.surveys.service import instrument_choices, instrument_questions, results, stats
from tests.conftest import english
from tests.surveys.fixtures import HEADER, csv_data, do_import, keep_free_text, response_row, xlsform_bytes


def golden(app, make_instrument, make_round):
    """Baseline: 4 of 10 trust the police; endline: 7 of 10."""
    instrument = make_instrument()
    baseline = make_round(instrument)
    endline = make_round(instrument, name="Endline 2017", kind="endline", start=__import__("datetime").date(2017, 6, 1))
    do_import(app, baseline, csv_data([response_row(i, trust="agree" if i < 4 else "disagree",
                                                    unsafe="yes" if i < 6 else "no", score=i + 1) for i in range(10)]))
    do_import(app, endline, csv_data([response_row(100 + i, trust="strongly_agree" if i < 7 else "disagree",
                                                   unsafe="yes" if i < 2 else ("dont_know" if i == 9 else "no"),
                                                   score=5) for i in range(10)]))
    return instrument, baseline, endline


def test_xlsform_questions_labels_and_choices(app, make_instrument):
    instrument = make_instrument(with_measures=False)
    questions = {q.name: q for q in instrument_questions(instrument)}
    # metadata, locations and groups never become questions
    assert set(questions) == {"sex", "age", "full_name", "commune", "trust", "unsafe", "score", "comment"}
    assert questions["trust"].type == "select_one" and questions["trust"].list_name == "agree"
    assert questions["trust"].label_fr == "J'ai confiance en la police"
    assert instrument.form_version == "2015-1" and instrument.name == "Perception de la sécurité"
    assert [c.name for c in instrument_choices(instrument)["yn"]] == ["yes", "no", "dont_know"]


def test_xlsform_with_short_language_columns(app, make_instrument):
    instrument = make_instrument(with_measures=False, label_style="short")
    assert {q.name: q.label_en for q in instrument_questions(instrument)}["sex"] == "Sex"


@pytest.mark.parametrize("data, message", [
    (b"not a workbook", "not an XLSForm"),
    (xlsform_bytes(choices=[]), "There should be a choices sheet"),  # pyxform's own messages, with their row
    (xlsform_bytes(questions=[("text", "a", "A", "A"), ("integer", "a", "A", "A")]),
     r"\[row : 3\] On the 'survey' sheet, the 'name' value 'a' is invalid"),
    (xlsform_bytes(questions=[("select_one nolist", "a", "A", "A")]), r"\[row : 2\] List name not in choices sheet"),
    (xlsform_bytes(questions=[("begin_group", "g", "G", "G"), ("text", "a", "A", "A"), ("end_group", "", "", ""),
                              ("integer", "a", "A", "A")]), "Two questions are named a"),
    (xlsform_bytes(questions=[("note", "intro", "Hello", "Bonjour")]), "no question CPMS can analyse"),
])
def test_bad_xlsforms_are_refused(app, db, data, message):
    from cpms.surveys.service import create_instrument
    with english(app), pytest.raises(DomainError, match=message):
        create_instrument(stream=io.BytesIO(data))


def test_xlsform_read_by_pyxform_groups_repeats_or_other_languages_and_filters(app, db):
    from cpms.surveys.service import create_instrument
    from cpms.surveys.service.xlsform import parse_xlsform
    questions = [("begin_group", "household", "Household", "Ménage"), ("select_one commune", "commune", "Commune", "Commune"),
                 ("select_one quartier", "quartier", "Quartier", "Quartier", "commune=${commune}"),
                 ("select_multiple agree or_other", "reasons", "Reasons", "Raisons"), ("end_group", "", "", ""),
                 ("begin_repeat", "members", "Members", "Membres"), ("integer", "member_age", "Age", "Âge"),
                 ("text", "member_name", "Name", "Nom"), ("end_repeat", "", "", "")]
    choices = [("commune", "bipemba", "Bipemba", "Bipemba"), ("quartier", "q1", "Quartier 1", "Quartier 1"),
               ("agree", "agree", "Agree", "D'accord"), ("agree", "disagree", "Disagree", "Pas d'accord")]
    data = xlsform_bytes(questions=questions, choices=choices, label_style="native")
    form = parse_xlsform(io.BytesIO(data))
    by_name = {q["name"]: q for q in form["questions"]}
    assert list(by_name) == ["commune", "quartier", "reasons", "reasons_other"]
    assert by_name["reasons"]["type"] == "select_multiple" and by_name["reasons"]["label_fr"] == "Raisons"
    assert by_name["reasons_other"]["type"] == "text" and by_name["reasons_other"]["is_identifying"]
    assert ("agree", "other") in {(c["list_name"], c["name"]) for c in form["choices"]}
    assert form["repeat_questions"] == 2 and form["form_id"] == "perception" and form["version"] == "2015-1"
    instrument = create_instrument(stream=io.BytesIO(data))
    assert [q.name for q in instrument_questions(instrument)] == ["commune", "quartier", "reasons", "reasons_other"]


def test_an_xlsform_too_large_is_refused_before_it_is_read(app, db, monkeypatch):
    from cpms.surveys.service import xlsform
    monkeypatch.setattr(xlsform, "MAX_BYTES", 1000)
    with english(app), pytest.raises(DomainError, match="larger than"):
        xlsform.parse_xlsform(io.BytesIO(xlsform_bytes()))


def test_golden_dataset_shares_intervals_and_change(app, make_instrument, make_round):
    _instrument, baseline, endline = golden(app, make_instrument, make_round)
    with english(app):
        measures = results.round_results(endline, Scope.national(), baseline)
    trust = measures[0].overall
    assert trust.earlier.n == 10 and trust.earlier.value == pytest.approx(0.4)
    # Wilson 95 % for 4/10, by hand: (0.4 + z²/20 ± z·sqrt(0.024 + z²/400)) / (1 + z²/10)
    assert trust.earlier.low == pytest.approx(0.1682, abs=1e-4)
    assert trust.earlier.high == pytest.approx(0.6873, abs=1e-4)
    assert trust.later.value == pytest.approx(0.7)
    assert trust.change.difference == pytest.approx(0.30)
    assert trust.change.relative == pytest.approx(0.75)
    # pooled p = 0.55, se = sqrt(0.55·0.45·(1/10 + 1/10)) = 0.22249, z = 1.3484
    assert trust.change.p_value == pytest.approx(0.1775, abs=1e-3)
    with english(app):
        header, rows = results.export_table(endline, measures, baseline)
        assert results.format_p(0.0004) == "p < 0.001"
    assert header[-2:] == ["p-value", "Exact p-value"]
    overall = next(r for r in rows if r[0] == "Trusts the police" and r[3] == "Endline 2017")
    assert overall[-2] == "p = 0.178" and overall[-1] == trust.change.p_value  # not rounded to 4 places
    unsafe = measures[1].overall
    # "don't know" is not a valid answer: 2 of 9
    assert unsafe.later.n == 9 and unsafe.later.value == pytest.approx(2 / 9)
    assert unsafe.change.relative == pytest.approx((2 / 9 - 0.6) / 0.6)
    score = measures[2].overall
    assert score.earlier.value == pytest.approx(5.5)
    sd = math.sqrt(sum((x - 5.5) ** 2 for x in range(1, 11)) / 9)
    assert score.earlier.high - score.earlier.value == pytest.approx(stats.Z95 * sd / math.sqrt(10))
    communes = measures[0].breakdowns["commune"]
    assert [c.label for c in communes] == ["Bipemba"] and communes[0].later.n == 10


def test_weighted_share_uses_the_effective_sample_size(app, make_instrument, make_round):
    instrument = make_instrument()
    weighted = make_round(instrument, weight_column="weight")
    rows = [response_row(i, trust="agree" if i < 2 else "disagree") + [3 if i < 2 else 1] for i in range(6)]
    do_import(app, weighted, csv_data(rows, header=HEADER + ["weight"]))
    with english(app):
        trust = results.round_results(weighted, Scope.national())[0].overall.later
    # Σw = 10, Σw² = 22, n_eff = 100/22; p = 6/10
    assert trust.value == pytest.approx(0.6) and trust.n_eff == pytest.approx(100 / 22)
    low, high = stats.wilson(0.6, 100 / 22)
    assert (trust.low, trust.high) == (pytest.approx(low), pytest.approx(high))


def test_small_cells_are_suppressed_when_asked(app, make_instrument, make_round):
    instrument = make_instrument()
    survey_round = make_round(instrument)
    do_import(app, survey_round, csv_data([response_row(i, commune="muya" if i < 3 else "bipemba") for i in range(8)]))
    with english(app):
        measures = results.round_results(survey_round, Scope.national(), suppress=True)
    by_commune = {c.label: c.later for c in measures[0].breakdowns["commune"]}
    assert by_commune["Muya"].suppressed and by_commune["Muya"].value is None
    assert by_commune["Bipemba"].value == pytest.approx(1.0)


def test_reimport_and_overlapping_export_add_no_duplicates(app, make_instrument, make_round):
    instrument = make_instrument()
    survey_round = make_round(instrument)
    do_import(app, survey_round, csv_data([response_row(i) for i in range(5)]))
    summary, record = do_import(app, survey_round, csv_data([response_row(i) for i in range(3, 8)] + [response_row(7)]))
    assert summary["already_imported"] == 2 and summary["duplicates_in_file"] == 1
    assert record.rows_added == 3
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 8


def test_semicolon_csv_with_bom_labels_and_xlsx(app, make_instrument, make_round):
    from openpyxl import Workbook
    instrument = make_instrument()
    survey_round = make_round(instrument)
    header = [h.replace("respondent/", "") for h in HEADER]
    rows = [response_row(i, sex="Femme", trust="Tout à fait d'accord", commune="Dibindi") for i in range(3)]
    do_import(app, survey_round, csv_data(rows, header=header, delimiter=";", bom=True))
    workbook = Workbook()
    for row in [HEADER] + [response_row(10 + i) for i in range(2)]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    do_import(app, survey_round, buffer.getvalue(), "export.xlsx")
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 5
    stored = set(_db.session.scalars(select(SurveyAnswer.value_text).join(SurveyQuestion).where(SurveyQuestion.name == "trust")))
    assert stored == {"strongly_agree", "agree"}


def test_dropped_columns_are_nowhere_in_the_database(app, make_instrument, make_round):
    instrument = make_instrument()
    keep_free_text(instrument)
    survey_round = make_round(instrument)
    summary, _record = do_import(app, survey_round, csv_data([response_row(i, comment="Les patrouilles sont rares")
                                                              for i in range(3)]))
    assert "deviceid" in summary["dropped_columns"] and "respondent/full_name" in summary["dropped_columns"]
    dump, cells = [], set()
    for table in _db.metadata.sorted_tables:
        for row in _db.session.execute(select(table)):
            dump.append(" ".join(str(v) for v in row))
            cells.update(str(v) for v in row)
    everything = "\n".join(dump)
    for secret in ("imei:35", "+24381", "Mbuyi Kalala", "-6.1 23.6", "enumerator7", "photo.jpg", "00000001-aaaa"):
        assert secret not in everything, secret
    # the respondent's latitude as a value of its own (the communes' reference positions, -6.14, are no answer)
    assert "-6.1" not in cells
    assert "Les patrouilles sont rares" in everything


@pytest.mark.parametrize("change, message", [
    (lambda rows, header: ([r[:9] + ["maybe"] + r[10:] for r in rows], header), "Unknown answer maybe to question trust"),
    (lambda rows, header: ([r[:10] + r[11:] for r in rows], header[:10] + header[11:]), "Column unsafe is missing"),
    (lambda rows, header: ([r[:13] + r[15:] for r in rows], header[:13] + header[15:]), "No instance id column"),
    (lambda rows, header: ([r[:11] + ["beaucoup"] + r[12:] for r in rows], header), "is not a number"),
    (lambda rows, header: ([r[:6] + ["Kampemba"] + r[7:] for r in rows], header), "Unknown answer Kampemba to question commune"),
    (lambda rows, header: ([], header), "no data"),
])
def test_bad_files_are_refused_with_a_message_and_nothing_saved(app, make_instrument, make_round, change, message):
    instrument = make_instrument()
    survey_round = make_round(instrument)
    rows, header = change([response_row(i) for i in range(3)], list(HEADER))
    summary, record = do_import(app, survey_round, csv_data(rows, header=header))
    assert record is None and summary["has_errors"] and "token" not in summary
    assert any(message in p["message"] for p in summary["problems"]), summary["problems"]
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_rows_from_a_commune_outside_the_round_are_refused(app, make_instrument, make_round):
    survey_round = make_round(make_instrument(), communes=("Bipemba", "Muya"))
    summary, record = do_import(app, survey_round, csv_data([response_row(1, commune="dibindi")]))
    assert record is None and "Commune dibindi (row 2) is not a commune of this round." in summary["problems"][0]["message"]


def test_files_that_are_not_csv_are_refused(app, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    with english(app):
        with pytest.raises(DomainError, match="not UTF-8"):
            imports.preview_import(None, survey_round, io.BytesIO("trust,é\n".encode("latin-1")))
        with pytest.raises(DomainError, match="empty"):
            imports.preview_import(None, survey_round, io.BytesIO(b""))


def test_webhook_submission_is_idempotent(app, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    payload = dict(zip(HEADER, response_row(1)))
    with english(app):
        assert imports.receive_submission(survey_round, payload) == ("created", [])
        assert imports.receive_submission(survey_round, payload) == ("already_received", [])
        status, problems = imports.receive_submission(survey_round, {**payload, "trust": "maybe",
                                                                     "meta/instanceID": "uuid:other"})
    assert status is None and "Unknown answer maybe" in problems[0]
    _db.session.commit()
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_instance_ids_are_kept_only_as_keyed_hashes(app, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    do_import(app, survey_round, csv_data([response_row(1)]))
    stored = _db.session.scalar(select(SurveyResponse.instance_hash))
    with app.test_request_context():
        assert stored == imports.instance_hash("uuid:00000001-aaaa") == imports.instance_hash("00000001-aaaa")
    assert "00000001" not in stored and len(stored) == 64


def test_select_multiple_share_counts_each_respondent_once(app, make_instrument, make_round):
    from cpms.surveys.service import create_measure
    from tests.surveys.fixtures import CHOICES, QUESTIONS
    instrument = make_instrument(with_measures=False,
                                 questions=QUESTIONS + [("select_multiple problems", "problems", "Problems", "Problèmes")],
                                 choices=CHOICES + [("problems", "theft", "Theft", "Vol"),
                                                    ("problems", "violence", "Violence", "Violence"),
                                                    ("problems", "gangs", "Youth gangs", "Gangs de jeunes")])
    question = next(q for q in instrument_questions(instrument) if q.name == "problems")
    create_measure(instrument, question_id=question.id, kind="share", name_en="Theft or violence",
                   name_fr="Vol ou violence", values=["theft", "violence"], excluded_values=[], higher_is_better=False)
    _db.session.commit()
    survey_round = make_round(instrument)
    answers = ["theft violence", "Theft, Violence", "gangs", "violence gangs"]
    do_import(app, survey_round, csv_data([response_row(i) + [a] for i, a in enumerate(answers)],
                                          header=HEADER + ["problems"]))
    with english(app):
        share = results.round_results(survey_round, Scope.national())[0].overall.later
    assert share.n == 4 and share.value == pytest.approx(0.75)


def test_kobo_deployment_ids_in_the_version_column_are_not_a_different_version(app, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    summary, record = do_import(app, survey_round, csv_data([response_row(1, version="vbbVM2dQGZzqHyAh6cQEAi")]))
    assert record is not None and record.rows_added == 1 and summary["problems"] == []


def test_a_question_no_longer_kept_has_its_stored_answers_deleted(app, make_instrument, make_round):
    from cpms.surveys.service import keep_questions
    instrument = make_instrument()
    keep_free_text(instrument)
    survey_round = make_round(instrument)
    do_import(app, survey_round, csv_data([response_row(1, comment="Je m'appelle Kabongo, avenue 12")]))
    comment = next(q for q in instrument_questions(instrument) if q.name == "comment")
    assert _db.session.scalar(select(func.count()).select_from(SurveyAnswer).where(
        SurveyAnswer.question_id == comment.id)) == 1
    keep_questions(instrument, [], "")
    _db.session.commit()
    assert _db.session.scalar(select(func.count()).select_from(SurveyAnswer).where(
        SurveyAnswer.question_id == comment.id)) == 0


def test_a_round_with_responses_keeps_its_questionnaire(app, make_instrument, make_round):
    from cpms.surveys.service import update_round
    first, second = make_instrument(), make_instrument(with_measures=False, form_id="perception_2017")
    survey_round = make_round(first)
    do_import(app, survey_round, csv_data([response_row(1)]))
    fields = dict(instrument_id=second.id, programme_id=survey_round.programme_id, name=survey_round.name,
                  kind="baseline", start_date=survey_round.start_date, end_date=None, sampling_notes="",
                  commune_ids=sorted(survey_round.commune_ids), weight_column="", sex_question="sex",
                  age_question="age", commune_question="commune")
    with english(app), pytest.raises(DomainError, match="already has responses"):
        update_round(survey_round, **fields)


def test_rows_from_several_versions_of_the_form_are_all_accepted_and_counted(app, make_instrument, make_round):
    """Issue 20: a KoBo/ODK export mixes versions (a form redeployed during collection, ODK Central dates)."""
    survey_round = make_round(make_instrument())
    rows = [response_row(i, version=version) for i, version in
            enumerate(["vQxW2015", "2024-05-02", "2024-05-02", "vQxW2015"])]
    summary, record = do_import(app, survey_round, csv_data(rows))
    assert not summary["has_errors"], summary["problems"]
    assert summary["versions"] == [("2024-05-02", 2), ("vQxW2015", 2)]
    assert record.rows_added == 4


def test_rows_already_imported_are_counted_in_the_result(app, make_instrument, make_round):
    """Issue 20: after a preview saying "3 already imported", the result said "0 already there"."""
    survey_round = make_round(make_instrument())
    do_import(app, survey_round, csv_data([response_row(i) for i in range(3)]))
    summary, record = do_import(app, survey_round, csv_data([response_row(i) for i in range(5)]))
    assert summary["already_imported"] == 3 and summary["new"] == 2
    assert (record.rows_added, record.rows_skipped) == (2, 3)


def test_a_gps_column_is_dropped_as_personal(app, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    summary, _record = do_import(app, survey_round, csv_data([response_row(i) for i in range(2)]))
    assert "gps" in summary["dropped_columns"] and "gps" not in summary["ignored_columns"]


def test_an_export_of_another_form_is_refused_naming_both_form_ids(app, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    header = HEADER + ["_xform_id_string"]
    mixed = [response_row(1) + ["perception"], response_row(2, version="2016-3") + ["perception"],
             response_row(3) + ["registre_menages"]]
    summary, record = do_import(app, survey_round, csv_data(mixed, header=header))
    assert record is None and [p["message"] for p in summary["problems"]] == [
        "Row 4 was collected with the form registre_menages, but the form of this round is perception: upload an "
        "export of perception."]
    summary, record = do_import(app, survey_round, csv_data(mixed[:2], header=header))
    assert record.rows_added == 2 and summary["versions"] == [("2015-1", 1), ("2016-3", 1)]
