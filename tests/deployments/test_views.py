"""Deployment pages through the test client: postings, the officer's history, bulk posting, retention for each
role, coaching visits, and a fixed number of queries per page."""
import io
import re
from datetime import date

import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from cpms.deployments.models import CoachingVisit, FollowUpAction, Posting
from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD, commune_id


def posting_form(**overrides):
    data = {"station_id": "0", "commune_id": str(commune_id("Muya")), "function": "Chef de patrouille",
            "start_date": "2016-09-01", "end_date": "", "end_reason": "", "end_note": ""}
    data.update(overrides)
    return data


def test_project_officer_posts_an_officer_then_ends_the_posting(web, client, login_as, make_trainee):
    trainee = make_trainee(last_name="Kalala")
    login_as("project_officer", "Kasaï-Oriental")
    url = f"/deployments/officers/{trainee.id}/postings/new"
    response = web.post(url, posting_form(commune_id="0"))
    assert response.status_code == 422 and "Choose the station or the commune" in response.get_data(as_text=True)
    response = web.post(url, posting_form())
    assert response.status_code == 302
    posting = _db.session.scalar(select(Posting))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "KALALA Jean" in html and "Muya" in html and "Chef de patrouille" in html and "in post" in html

    edit = f"/deployments/postings/{posting.id}/edit"
    form_page = client.get(edit).get_data(as_text=True)
    assert 'value="Chef de patrouille"' in form_page
    response = web.post(edit, posting_form(end_date="2017-05-31", end_reason="other"))
    assert response.status_code == 422 and "Say in the note why the posting ended" in response.get_data(as_text=True)
    response = web.post(edit, posting_form(end_date="2017-05-31", end_reason="resignation"))
    assert response.status_code == 302
    html = client.get(f"/deployments/officers/{trainee.id}").get_data(as_text=True)
    assert "Resignation" in html and "in post" not in html
    _db.session.expire_all()
    assert (posting.end_date, posting.end_reason) == (date(2017, 5, 31), "resignation")


def test_an_overlapping_posting_is_refused_on_the_form(web, login_as, make_trainee, make_posting):
    trainee = make_trainee(last_name="Kalala")
    make_posting(trainee, "Bipemba", date(2016, 9, 1))
    login_as("project_officer", "Kasaï-Oriental")
    response = web.post(f"/deployments/officers/{trainee.id}/postings/new", posting_form(start_date="2017-01-01"))
    assert response.status_code == 422
    assert "KALALA Jean already has a posting on these dates (Bipemba, since 2016-09-01)" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Posting)) == 1


def test_postings_outside_the_area_answer_404(client, login_as, make_trainee, make_posting):
    here, there = make_trainee(), make_trainee(commune="Kampemba")
    mine, theirs = make_posting(here, "Bipemba"), make_posting(there, "Kampemba")
    login_as("project_officer", "Kasaï-Oriental")
    assert client.get(f"/deployments/officers/{there.id}").status_code == 404
    assert client.get(f"/deployments/postings/{theirs.id}/edit").status_code == 404
    assert client.get(f"/deployments/postings/{mine.id}/edit").status_code == 200
    listing = client.get("/deployments/").get_data(as_text=True)
    assert here.full_name in listing and there.full_name not in listing


def test_an_officer_from_elsewhere_posted_in_the_area_is_visible(client, login_as, make_trainee, make_posting):
    visitor = make_trainee(commune="Kampemba", last_name="Ngoy")
    make_posting(visitor, "Kampemba", date(2016, 9, 1), date(2017, 1, 31))
    make_posting(visitor, "Dibindi", date(2017, 2, 1))
    login_as("me_officer", "Kasaï-Oriental")
    html = client.get(f"/deployments/officers/{visitor.id}").get_data(as_text=True)
    assert "Dibindi" in html and "Kampemba" in html  # the whole history of an officer of the area


def test_trainers_read_the_postings_of_their_own_cohorts_only(app, web, client, make_user, make_trainee,
                                                               make_cohort, make_posting, graduate):
    trainer = make_user("trainer", provinces=["Kasaï-Oriental"])
    mine, other = make_trainee(last_name="Mutombo"), make_trainee(last_name="Kazadi")
    graduate(make_cohort(trainers=[trainer]), [mine])
    make_posting(mine, "Bipemba")
    make_posting(other, "Muya")
    assert web.post("/login", {"email": trainer.email, "password": TEST_PASSWORD}).status_code == 302
    listing = client.get("/deployments/").get_data(as_text=True)
    assert "MUTOMBO" in listing and "KAZADI" not in listing
    assert client.get(f"/deployments/officers/{other.id}").status_code == 404
    # the hook on the trainee's page in training shows the postings only where the trainer may read them
    assert "Posting history and coaching visits" in client.get(f"/training/trainees/{mine.id}").get_data(as_text=True)
    assert "Posting history and coaching visits" not in client.get(f"/training/trainees/{other.id}").get_data(as_text=True)


def test_the_trainee_page_in_training_shows_the_postings(client, login_as, make_trainee, make_posting):
    trainee = make_trainee()
    make_posting(trainee, "Dibindi", function="Officier SGBV")
    login_as("project_officer", "Kasaï-Oriental")
    html = client.get(f"/training/trainees/{trainee.id}").get_data(as_text=True)
    assert "Postings" in html and "Dibindi" in html and "Officier SGBV" in html


def test_bulk_posting_through_the_form(web, client, login_as, make_cohort, make_trainee, graduate, make_posting):
    cohort = make_cohort(start=date(2016, 3, 29), end=date(2016, 8, 28))
    passed = [make_trainee(last_name=f"Mbuyi{n}") for n in range(3)]
    graduate(cohort, passed)
    graduate(cohort, [make_trainee(last_name="Ilunga")], final_score=10)
    make_posting(passed[2], "Bipemba", date(2016, 9, 1))
    login_as("project_officer", "Kasaï-Oriental")
    assert cohort.name in client.get("/deployments/cohorts").get_data(as_text=True)
    url = f"/deployments/cohorts/{cohort.id}/post"
    page = client.get(url).get_data(as_text=True)
    assert "3 officers completed the course." in page and "ILUNGA" not in page
    assert len(re.findall(r'name="trainee_ids" value="\d+" id="t\d+" checked', page)) == 2  # the posted one is unticked
    assert 'value="2016-08-29"' in page
    data = {"station_id": "0", "commune_id": str(commune_id("Dibindi")), "function": "Patrouilleur",
            "start_date": "2016-09-05", "trainee_ids": [str(t.id) for t in passed]}
    response = web.post(url, data)
    assert response.status_code == 422
    assert "Nobody was posted" in response.get_data(as_text=True) and "MBUYI2 Jean (Bipemba, since 2016-09-01)" in response.get_data(as_text=True)
    response = web.post(url, {**data, "trainee_ids": [str(passed[0].id), str(passed[1].id)]})
    assert response.status_code == 302
    assert "2 graduates posted." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Posting).where(Posting.commune_id == commune_id("Dibindi"))) == 2


def _retention_fixture(make_cohort, make_trainee, graduate, make_posting, n):
    cohort = make_cohort(start=date(2016, 3, 29), end=date(2016, 8, 31))
    trainees = [make_trainee(last_name=f"Officer{i}", sex="F" if i % 2 else "M") for i in range(n)]
    graduate(cohort, trainees)
    for i, trainee in enumerate(trainees):
        if i == 0:
            make_posting(trainee, "Muya", date(2016, 9, 1), date(2017, 3, 31), "transfer_out")
        else:
            make_posting(trainee, "Bipemba", date(2016, 9, 1))
    return cohort, trainees


def test_viewers_see_retention_figures_without_names(client, login_as, make_cohort, make_trainee, graduate, make_posting):
    with time_machine.travel(date(2020, 1, 15), tick=False):
        _retention_fixture(make_cohort, make_trainee, graduate, make_posting, 4)
        login_as("viewer")
        html = client.get("/deployments/retention").get_data(as_text=True)
        export = client.get("/deployments/retention/export.xlsx")
    total = re.search(r'id="retention-total".*?</table>', html, re.S).group(0)
    # officer 0 left after seven months: still there at 6 months (4/4), gone at 12 (3/4)
    assert "100 %" in total and "4/4" in total and "75 %" in total and "3/4" in total
    assert "Transfer out of the area: <strong>1</strong>" in html
    assert "OFFICER0" not in html and "early-departures" not in html
    sheets = load_workbook(io.BytesIO(export.data)).sheetnames
    assert sheets == ["Retention"]


def test_staff_see_who_left_early_and_the_page_has_fixed_queries(client, login_as, make_cohort, make_trainee, graduate,
                                                                 make_posting, count_queries):
    with time_machine.travel(date(2020, 1, 15), tick=False):
        _retention_fixture(make_cohort, make_trainee, graduate, make_posting, 2)
        login_as("me_officer", "Kasaï-Oriental")
        with count_queries() as few:
            html = client.get("/deployments/retention").get_data(as_text=True)
        assert "OFFICER0 Jean" in html and "Transfer out of the area" in html
        early = re.search(r'id="early-departures".*?</table>', html, re.S).group(0)
        assert "OFFICER1" not in early
        _retention_fixture(make_cohort, make_trainee, graduate, make_posting, 6)
        with count_queries() as more:
            client.get("/deployments/retention")
        export = client.get("/deployments/retention/export.xlsx")
    assert len(more) == len(few)
    workbook = load_workbook(io.BytesIO(export.data))
    assert workbook.sheetnames == ["Retention", "Early departures"]
    rows = list(workbook["Early departures"].iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][1] == "OFFICER0 Jean" and rows[1][6] == "Transfer out of the area"


def test_the_posting_list_runs_a_fixed_number_of_queries(client, login_as, make_trainee, make_posting, make_station,
                                                         count_queries):
    station = make_station(commune="Bipemba")
    make_posting(make_trainee(), station=station)
    login_as("me_officer")
    with count_queries() as few:
        client.get("/deployments/")
    for _ in range(5):
        make_posting(make_trainee(), station=station)
    with count_queries() as more:
        html = client.get("/deployments/").get_data(as_text=True)
    assert len(more) == len(few) and html.count(station.name) == 6


def test_coaching_visit_through_the_forms(web, client, login_as, make_trainee):
    seen = [make_trainee(matricule="1300001", last_name="Tshimanga"), make_trainee(matricule="1300002")]
    login_as("project_officer", "Kasaï-Oriental")
    data = {"visit_date": "2016-11-10", "station_id": "0", "commune_id": str(commune_id("Bipemba")),
            "coach_type": "civil_society", "coach_name": "Mama Thérèse Kapinga", "coach_organisation": "",
            "matricules": "1.300.001, 1300002\n", "observations": "Good contact with the market traders.",
            "actions-0-description": "Visit the girls' school with the SGBV desk", "actions-0-responsible": "Chef de poste",
            "actions-0-due_date": "2016-12-01", "actions-1-description": "", "actions-1-due_date": ""}
    response = web.post("/deployments/coaching/new", {**data, "coach_organisation": ""}, page="/deployments/coaching/new")
    assert response.status_code == 422 and "Enter the organisation" in response.get_data(as_text=True)
    response = web.post("/deployments/coaching/new", {**data, "coach_organisation": "Réseau des femmes de Bipemba"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "TSHIMANGA Jean" in html and "Réseau des femmes de Bipemba" in html and "Overdue" in html
    visit = _db.session.scalar(select(CoachingVisit))
    listing = client.get("/deployments/coaching/").get_data(as_text=True)
    assert "Mama Thérèse Kapinga" in listing and '<span class="late">1</span>' in listing

    edit_page = client.get(f"/deployments/coaching/{visit.id}/edit").get_data(as_text=True)
    assert "1300002\n1300001</textarea>" in edit_page  # by name: KABONGO2, TSHIMANGA
    action = _db.session.scalar(select(FollowUpAction))
    response = web.post(f"/deployments/coaching/{visit.id}/edit", {
        **data, "coach_organisation": "Réseau des femmes de Bipemba", "matricules": "1300001",
        "actions-0-id": str(action.id), "actions-0-is_done": "y"})
    assert response.status_code == 302
    html = client.get(f"/deployments/coaching/{visit.id}").get_data(as_text=True)
    assert "Done on" in html and "1300002" not in html
    officer_page = client.get(f"/deployments/officers/{seen[0].id}").get_data(as_text=True)
    assert f"/deployments/coaching/{visit.id}" in officer_page


def test_pages_speak_french(client, login_as, make_trainee, make_posting):
    make_posting(make_trainee(), "Muya", date(2016, 9, 1), date(2017, 1, 31), "death")
    login_as("project_officer", "Kasaï-Oriental", locale="fr")
    html = client.get("/deployments/").get_data(as_text=True)
    assert "Affectations des policiers formés" in html and "Décès" in html
    assert "Rétention des policiers formés" in client.get("/deployments/retention").get_data(as_text=True)


def test_the_coaching_list_runs_a_fixed_number_of_queries(client, login_as, make_trainee, make_visit, count_queries):
    officers = [make_trainee() for _ in range(3)]
    action = {"description": "Follow up", "responsible": "", "due_date": date(2016, 12, 1)}
    make_visit(officers[:1], actions=[action])
    login_as("me_officer", "Kasaï-Oriental")
    with count_queries() as few:
        client.get("/deployments/coaching/")
    for n in range(4):
        make_visit(officers, visit_date=date(2016, 11, 11 + n), actions=[action, action])
    with count_queries() as more:
        html = client.get("/deployments/coaching/").get_data(as_text=True)
    assert len(more) == len(few) and html.count('<span class="late">2</span>') == 4


def test_coaching_visits_outside_the_area_answer_404(client, login_as, make_trainee, make_visit):
    here = make_visit([make_trainee(matricule="1300001")], coach_name="Coach de Bipemba")
    there = make_visit([make_trainee(commune="Kampemba", matricule="1400001")], commune="Kampemba",
                       coach_name="Coach de Kampemba")
    login_as("me_officer", "Kasaï-Oriental")
    assert client.get(f"/deployments/coaching/{there.id}").status_code == 404
    assert client.get(f"/deployments/coaching/{here.id}").status_code == 200
    listing = client.get("/deployments/coaching/").get_data(as_text=True)
    assert "Coach de Bipemba" in listing and "Coach de Kampemba" not in listing
