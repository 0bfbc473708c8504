"""Survey pages: upload an XLSForm, define measures and rounds, import with preview, results, exports, webhook."""
import io
from datetime import date

from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.surveys.models import SurveyChoice, SurveyInstrument, SurveyMeasure, SurveyResponse, SurveyRound
from tests.conftest import commune_id
from tests.surveys.fixtures import HEADER, csv_data, do_import, keep_free_text, response_row, xlsform_bytes


def upload(web, url, data, filename="export.csv", page=None):
    token = web.token(page or url)
    return web.client.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")


def confirm_action(html):
    import re
    match = re.search(r'action="(/surveys/rounds/\d+/import/[^"]+)"', html)
    assert match, html[-2000:]
    return match.group(1)


def import_file(web, client, survey_round, data, filename="export.csv"):
    url = f"/surveys/rounds/{survey_round.id}/import"
    preview = upload(web, url, data, filename)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[-3000:]
    action = confirm_action(html)
    return client.post(action, data={"csrf_token": web.token(url), "action": "confirm"})


def test_me_officer_uploads_an_xlsform_and_defines_a_measure(web, client, login_as):
    login_as("me_officer")
    response = upload(web, "/surveys/instruments/new", xlsform_bytes(), "perception.xlsx")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "I trust the police" in html and "J&#39;ai confiance en la police" in html and "select_one" in html
    assert "deviceid" not in html and "gps" not in html
    instrument = _db.session.scalar(select(SurveyInstrument))
    trust = next(q for q in _db.session.scalars(select(SurveyInstrument.questions.property.mapper.class_))
                 if q.name == "trust")
    url = f"/surveys/instruments/{instrument.id}/measures/new"
    form = client.get(url).get_data(as_text=True)
    assert "trust: Strongly agree (strongly_agree)" in form and "full_name" not in form  # picked, not typed
    choice = {(c.list_name, c.name): c.id for c in _db.session.scalars(select(SurveyChoice))}
    bad = web.post(url, {"question_id": trust.id, "kind": "share", "name_en": "Trust", "name_fr": "Confiance",
                         "values": [choice["agree", "agree"], choice["yn", "yes"]], "direction": "higher"})
    assert bad.status_code == 422 and "not in the question&#39;s list: yes" in bad.get_data(as_text=True)
    good = web.post(url, {"question_id": trust.id, "kind": "share", "name_en": "Trust", "name_fr": "Confiance",
                          "values": [choice["agree", "agree"], choice["agree", "strongly_agree"]],
                          "direction": "higher"})
    assert good.status_code == 302
    assert _db.session.scalar(select(SurveyMeasure.values)) == "agree strongly_agree"


def test_a_bad_xlsform_is_explained(web, login_as):
    login_as("me_officer")
    response = upload(web, "/surveys/instruments/new", b"hello", "form.xlsx")
    assert response.status_code == 422 and "not an XLSForm" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(SurveyInstrument)) == 0


def test_round_form_checks_dates_and_communes(web, login_as, make_instrument, make_programme):
    instrument = make_instrument()
    programme = make_programme(provinces=["Kasaï-Oriental"])
    login_as("me_officer")
    data = {"instrument_id": instrument.id, "programme_id": programme.id, "name": "Baseline 2015", "kind": "baseline",
            "start_date": "2015-05-01", "end_date": "2015-04-01", "communes": [commune_id("Bipemba")],
            "sex_question": "sex", "age_question": "age", "commune_question": "commune", "weight_column": "",
            "sampling_notes": ""}
    response = web.post("/surveys/rounds/new", data)
    assert response.status_code == 422 and "on or after the start date" in response.get_data(as_text=True)
    response = web.post("/surveys/rounds/new", {**data, "end_date": "", "communes": [commune_id("Kampemba")]})
    assert response.status_code == 422 and "outside the programme" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(SurveyRound)) == 0
    response = web.post("/surveys/rounds/new", {**data, "end_date": "2015-06-30"})
    assert response.status_code == 302
    assert [c.name for c in _db.session.scalar(select(SurveyRound)).communes] == ["Bipemba"]


def test_round_form_lists_its_questionnaire_questions_with_breakdowns_preselected(client, login_as, make_instrument):
    import re
    other = make_instrument(with_measures=False, form_id="autre", questions=[
        ("select_one agree", "trust", "Trust", "Confiance"), ("integer", "safety_score", "Score", "Note")])
    instrument = make_instrument(with_measures=False)
    login_as("me_officer")
    html = client.get(f"/surveys/rounds/new?instrument={instrument.id}").get_data(as_text=True)
    sex = re.search(r'<select[^>]*name="sex_question".*?</select>', html, re.S).group(0)
    assert '<option selected value="sex">sex – Sex</option>' in sex and "safety_score" not in html
    assert "full_name" not in sex and "comment" not in sex  # not stored, so never a breakdown
    assert re.search(r'<option selected value="age">', html) and re.search(r'<option selected value="commune">', html)
    # communes listed by province, each box beside its commune and city
    kasai = re.search(r'<legend>Kasaï-Oriental</legend>(.*?)</fieldset>', html, re.S).group(1)
    assert re.search(rf'value="{commune_id("Bipemba")}"> <label[^>]*>Bipemba – Mbuji-Mayi</label>', kasai)
    html = client.get(f"/surveys/rounds/new?instrument={other.id}").get_data(as_text=True)
    assert "safety_score" in html and 'value="sex"' not in html


def test_import_preview_then_confirm_then_results_with_change(web, client, login_as, make_instrument, make_round):
    instrument = make_instrument()
    baseline = make_round(instrument)
    endline = make_round(instrument, name="Endline 2017", kind="endline", start=date(2017, 6, 1))
    login_as("me_officer")
    preview = upload(web, f"/surveys/rounds/{baseline.id}/import",
                     csv_data([response_row(i, trust="agree" if i < 4 else "disagree") for i in range(10)]))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="new-rows">10<' in html and "Import 10 responses" in html
    assert "deviceid" in html  # listed among the dropped personal columns
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0  # nothing saved yet
    import_file(web, client, baseline, csv_data([response_row(i, trust="agree" if i < 4 else "disagree")
                                                 for i in range(10)]))
    response = import_file(web, client, endline, csv_data([response_row(100 + i, trust="agree" if i < 7 else "disagree")
                                                           for i in range(10)]))
    assert response.status_code == 302
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 20
    html = client.get(f"/surveys/rounds/{endline.id}/results").get_data(as_text=True)
    assert "+75.0 %" in html and "+30.0 pts" in html and "40.0 %" in html and "70.0 %" in html
    assert "[16.8 % – 68.7 %]" in html and "p = 0.178" in html and "<svg" in html


def test_cancelled_preview_and_bad_file_save_nothing(web, client, login_as, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    login_as("me_officer")
    url = f"/surveys/rounds/{survey_round.id}/import"
    bad = upload(web, url, csv_data([response_row(1, trust="maybe")]))
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Unknown answer maybe to question trust" in html and "Nothing was saved" in html
    preview = upload(web, url, csv_data([response_row(1)])).get_data(as_text=True)
    action = confirm_action(preview)
    client.post(action, data={"csrf_token": web.token(url), "action": "cancel"})
    again = client.post(action, data={"csrf_token": web.token(url), "action": "confirm"})
    assert again.status_code == 302
    assert "expired" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_viewer_sees_small_cells_suppressed_and_no_free_text(web, client, login_as, make_instrument, make_round, app):
    instrument = make_instrument()
    keep_free_text(instrument)
    survey_round = make_round(instrument)
    do_import(app, survey_round, csv_data([response_row(i, commune="muya" if i < 3 else "bipemba",
                                                        comment="Patrouilles la nuit") for i in range(8)]))
    login_as("viewer")
    html = client.get(f"/surveys/rounds/{survey_round.id}/results").get_data(as_text=True)
    assert "fewer than 5 answers" in html and "100.0 %" in html
    assert "Patrouilles la nuit" not in client.get(f"/surveys/rounds/{survey_round.id}").get_data(as_text=True)


def test_free_text_with_script_is_shown_as_text(client, login_as, make_instrument, make_round, app):
    instrument = make_instrument()
    keep_free_text(instrument)
    survey_round = make_round(instrument)
    do_import(app, survey_round, csv_data([response_row(1, comment="<script>alert(1)</script>")]))
    login_as("project_officer", "Kasaï-Oriental")
    html = client.get(f"/surveys/rounds/{survey_round.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_exports_suppress_small_cells_and_neutralise_formulas(client, login_as, make_instrument, make_round, app):
    from openpyxl import load_workbook

    instrument = make_instrument()
    _db.session.execute(SurveyMeasure.__table__.update().values(name_en="=HYPERLINK(1)"))
    _db.session.commit()
    survey_round = make_round(instrument)
    do_import(app, survey_round, csv_data([response_row(i, commune="muya" if i < 3 else "bipemba") for i in range(8)]))
    login_as("me_officer")
    answer = client.get(f"/surveys/rounds/{survey_round.id}/results.csv")
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"  # issue 20: the charset was given twice
    text = answer.get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text
    muya = [line for line in text.splitlines() if ",Muya," in line]
    assert muya and all("suppressed" in line for line in muya)
    workbook = load_workbook(io.BytesIO(client.get(f"/surveys/rounds/{survey_round.id}/results.xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Measure" and any(row[2] == "Muya" and row[5] == "suppressed" for row in rows)
    from cpms.core.audit import AuditEntry
    assert _db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "export")) == 2


def test_lists_and_api_show_only_rounds_of_the_users_area(web, client, login_as, make_instrument, make_round,
                                                          make_programme, make_user):
    from cpms.auth.service import create_api_token
    instrument = make_instrument()
    make_round(instrument, name="KOR baseline")
    make_round(instrument, name="HKT baseline", communes=("Kampemba",),
               programme=make_programme(provinces=["Haut-Katanga"], code="HKT"))
    hkt = _db.session.scalar(select(SurveyRound).where(SurveyRound.name == "HKT baseline"))
    user = login_as("project_officer", "Kasaï-Oriental")
    html = client.get("/surveys/").get_data(as_text=True)
    assert "KOR baseline" in html and "HKT baseline" not in html and "1 result" in html
    assert client.get(f"/surveys/rounds/{hkt.id}/results").status_code == 404
    assert client.get(f"/surveys/rounds/{hkt.id}/results.csv").status_code == 404
    _t, token = create_api_token(user)
    _db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    listing = client.get("/api/v1/survey-rounds", headers=headers).get_json()
    assert listing["total"] == 1 and [r["name"] for r in listing["items"]] == ["KOR baseline"]
    assert client.get(f"/api/v1/survey-rounds/{hkt.id}/results", headers=headers).status_code == 404


def test_api_results(client, make_user, make_instrument, make_round, app):
    from cpms.auth.service import create_api_token
    from tests.conftest import english
    survey_round = make_round(make_instrument())
    do_import(app, survey_round, csv_data([response_row(i, trust="agree" if i < 3 else "disagree") for i in range(6)]))
    user = make_user("viewer")
    with english(app):
        _t, token = create_api_token(user)
    _db.session.commit()
    answer = client.get(f"/api/v1/survey-rounds/{survey_round.id}/results",
                        headers={"Authorization": f"Bearer {token}"}).get_json()
    trust = answer["measures"][0]
    assert trust["name_en"] == "Trusts the police" and trust["breakdowns"]["overall"][0]["estimate"]["estimate"] == 0.5
    # groups: a stable kind and code, a label in the request's language
    for lang, header, female, overall in (("fr", {}, "Femme", "Tous les répondants"),
                                          ("en", {}, "Female", "All respondents"),
                                          ("", {"Accept-Language": "fr-CD,fr;q=0.9"}, "Femme", "Tous les répondants")):
        answer = client.get(f"/api/v1/survey-rounds/{survey_round.id}/results?lang={lang}",
                            headers={"Authorization": f"Bearer {token}", **header}).get_json()
        groups = answer["measures"][0]["breakdowns"]
        assert answer["language"] == (lang or "fr")
        assert (groups["overall"][0]["kind"], groups["overall"][0]["code"], groups["overall"][0]["label"]) == (
            "overall", "all", overall)
        assert [(g["kind"], g["code"], g["label"]) for g in groups["sex"]] == [("sex", "female", female)]
        assert [g["code"] for g in groups["commune"]] == [str(commune_id("Bipemba"))]
    listed = client.get("/api/v1/survey-rounds", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [(r["id"], r["responses"]) for r in listed["items"]] == [(survey_round.id, 6)]


def test_webhook_token_shown_once_and_submissions_idempotent(web, client, login_as, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    login_as("me_officer")
    html = web.post(f"/surveys/rounds/{survey_round.id}/token", page=f"/surveys/rounds/{survey_round.id}").get_data(as_text=True)
    token = html.split('id="round-token">')[1].split("<")[0]
    assert token not in client.get(f"/surveys/rounds/{survey_round.id}").get_data(as_text=True)
    assert _db.session.scalar(select(SurveyRound.webhook_token_hash)) != token
    url = f"/api/v1/survey-rounds/{survey_round.id}/submissions"
    submission = dict(zip(HEADER, response_row(1)))
    assert client.post(url, json=submission, headers={"X-Round-Token": "wrong"}).status_code == 404
    assert client.post(url, json=submission).status_code == 404
    first = client.post(url, json=submission, headers={"X-Round-Token": token})
    assert first.status_code == 201 and first.get_json()["status"] == "created"
    again = client.post(url, json=submission, headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 200 and again.get_json()["status"] == "already_received"
    bad = client.post(url, json={**submission, "unsafe": "perhaps", "meta/instanceID": "uuid:x"},
                      headers={"X-Round-Token": token})
    assert bad.status_code == 422 and "perhaps" in bad.get_json()["problems"][0]
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    # marked "Not approved" in KoBoToolbox: left out, and said so (not "already_received")
    refused = client.post(url, json={**dict(zip(HEADER, response_row(2))),
                                     "_validation_status": {"uid": "validation_status_not_approved",
                                                            "label": "Not Approved"}},
                          headers={"X-Round-Token": token})
    assert refused.status_code == 200 and refused.get_json()["status"] == "not_approved"
    approved = client.post(url, json={**dict(zip(HEADER, response_row(3))),
                                      "_validation_status": {"uid": "validation_status_approved"}},
                           headers={"X-Round-Token": token})
    assert approved.status_code == 201 and approved.get_json()["status"] == "created"
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 2


def test_results_page_issues_a_fixed_number_of_queries(client, login_as, make_instrument, make_round, app,
                                                       count_queries):
    instrument = make_instrument()
    small = make_round(instrument)
    large = make_round(instrument, name="Endline 2017", kind="endline", start=date(2017, 6, 1))
    do_import(app, small, csv_data([response_row(i) for i in range(3)]))
    do_import(app, large, csv_data([response_row(100 + i, commune=["muya", "bipemba", "dibindi"][i % 3],
                                                 sex=["male", "female"][i % 2], age=20 + i) for i in range(60)]))
    login_as("me_officer")
    urls = [f"/surveys/rounds/{survey_round.id}/results?compare=0" for survey_round in (small, large)]
    client.get(urls[0])  # warm-up: first-request lookups
    counts = []
    for url in urls:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_exports_larger_than_the_general_upload_limit_are_accepted(web, app, login_as, make_instrument, make_round):
    survey_round = make_round(make_instrument())
    login_as("me_officer")
    rows = [response_row(i, comment="x" * 200) for i in range(60)]
    data = csv_data(rows)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = len(data) // 2
    try:
        response = upload(web, f"/surveys/rounds/{survey_round.id}/import", data)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 200 and 'id="new-rows">60<' in response.get_data(as_text=True)


def test_import_counts_are_true_in_preview_and_result(web, client, login_as, make_instrument, make_round):
    """Issue 20: "Import 0 responses" was offered, a blocked preview said "New responses 20", the result said
    "0 already there" after a preview saying 3 were."""
    survey_round = make_round(make_instrument())
    login_as("me_officer")
    url = f"/surveys/rounds/{survey_round.id}/import"
    bad = upload(web, url, csv_data([response_row(i, trust="maybe") for i in range(20)])).get_data(as_text=True)
    assert "Nothing was saved" in bad and "New responses" not in bad
    rows = [response_row(i, version="vQxW2015" if i % 2 else "2024-05-02 10:00") for i in range(3)]
    import_file(web, client, survey_round, csv_data(rows))
    again = upload(web, url, csv_data(rows)).get_data(as_text=True)
    assert "there is nothing new to import" in again and "Import 0 responses" not in again
    response = import_file(web, client, survey_round, csv_data(rows + [response_row(9)]))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 response imported. 3 were already there." in page
    preview = upload(web, url, csv_data(rows)).get_data(as_text=True)
    assert "vQxW2015 (1 row)" in preview and "2024-05-02 10:00 (2 rows)" in preview


def test_uploading_the_same_xlsform_again_reuses_its_questionnaire(web, client, login_as):
    """Issue 20: the same XLSForm (same form_id and version) uploaded twice made two identical questionnaires."""
    login_as("me_officer")
    first = upload(web, "/surveys/instruments/new", xlsform_bytes(), "perception.xlsx")
    second = upload(web, "/surveys/instruments/new", xlsform_bytes(), "perception.xlsx")
    assert first.headers["Location"] == second.headers["Location"]
    assert "already here, unchanged: its questionnaire is kept" in client.get(second.headers["Location"]).get_data(
        as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(SurveyInstrument)) == 1


def test_a_new_version_of_the_xlsform_is_added_and_its_rows_previewed_per_version(web, client, login_as,
                                                                                 make_programme):
    """Issue 20: a new version adds to the questionnaire; the preview lists per version what is missing or added."""
    from tests.surveys.fixtures import QUESTIONS, create_test_round
    login_as("me_officer")
    first = upload(web, "/surveys/instruments/new", xlsform_bytes(), "perception.xlsx")
    extra = ("select_one yn", "visit", "Did the police visit?", "La police est-elle passée ?")
    second = upload(web, "/surveys/instruments/new", xlsform_bytes(questions=QUESTIONS + [extra], version="2016-1"),
                    "perception-v2.xlsx")
    assert first.headers["Location"] == second.headers["Location"]
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Version 2016-1 added to the questionnaire" in page and "1 new question: visit." in page
    instrument = _db.session.scalar(select(SurveyInstrument))
    survey_round = create_test_round(instrument, make_programme(provinces=["Kasaï-Oriental"]))
    rows = [response_row(1) + [""], response_row(2, version="2016-1") + ["yes"]]
    preview = upload(web, f"/surveys/rounds/{survey_round.id}/import", csv_data(rows, header=HEADER + ["visit"]))
    html = preview.get_data(as_text=True)
    assert "Versions of the form in the file" in html and "Import 2 responses" in html
    assert "<code>visit</code> (left empty in these rows)" in html


def test_a_large_export_is_checked_by_a_job_and_its_preview_confirmed_from_the_job(web, client, login_as, make_instrument,
                                                                                  make_round, monkeypatch):
    """Issue 18: the preview of a large export parsed the file inside the request (10–49 s for 100,000 rows); now
    the request keeps the file and answers at once with the job's page, which leads to the same preview."""
    from cpms.core.jobs import Job, run_queued_jobs
    from cpms.surveys import imports
    monkeypatch.setattr(imports, "PREVIEW_DIRECT_BYTES", 1000)
    survey_round = make_round(make_instrument())
    login_as("me_officer")
    url = f"/surveys/rounds/{survey_round.id}/import"
    data = csv_data([response_row(i) for i in range(40)])
    assert len(data) > 1000
    response = upload(web, url, data)
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_url = response.headers["Location"]
    assert "Waiting to start" in client.get(job_url).get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
    assert run_queued_jobs() == 1
    job_page = client.get(job_url).get_data(as_text=True)
    assert "Continue to see the preview and import it." in job_page
    preview_url = _db.session.scalars(select(Job.back_url)).one()
    assert f'href="{preview_url}"' in job_page
    preview = client.get(preview_url).get_data(as_text=True)
    assert 'id="new-rows">40<' in preview
    result = client.post(confirm_action(preview), data={"csrf_token": web.token(url), "action": "confirm"})
    assert result.status_code == 302
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 40
    web.post("/logout", page="/")
    login_as("me_officer")  # someone else: neither the job nor its preview
    assert client.get(preview_url).status_code == 404


def test_the_preview_says_how_many_rows_not_approved_are_left_out_and_can_include_them(web, client, login_as,
                                                                                      make_round):
    """Issue 20: KoBoToolbox rows marked "not approved" are left out by default, and the preview says how many."""
    from tests.surveys.fixtures import create_export_instrument, export_rows, kobo_export
    survey_round = make_round(create_export_instrument())
    rows = export_rows(12)
    refused = sum(1 for r in rows if r["review"] == "not_approved")
    login_as("me_officer")
    url = f"/surveys/rounds/{survey_round.id}/import"
    html = upload(web, url, kobo_export(rows)).get_data(as_text=True)
    assert f'<dd id="not-approved">{refused}</dd>' in html
    assert f"Import {len(rows) - refused} responses" in html
    token = web.token(url)
    html = web.client.post(url, data={"csrf_token": token, "include_not_approved": "y",
                                      "file": (io.BytesIO(kobo_export(rows)), "export.csv")},
                           content_type="multipart/form-data").get_data(as_text=True)
    assert 'id="not-approved"' not in html and f"Import {len(rows)} responses" in html
