"""Training through the web pages and the API."""
import re
from datetime import date, time

from sqlalchemy import func, select

from cpms.auth.service import create_api_token
from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Attendance, Trainee, TrainingSession
from tests.conftest import commune_id, english


def _cohort_with_session(make_cohort, make_trainee, trainer=None, n=6, commune="Bipemba"):
    cohort = make_cohort(trainers=[trainer] if trainer else [], commune=commune)
    trainees = [make_trainee(commune=commune) for _ in range(n)]
    enrolments = service.enrol_trainees(cohort, [t.id for t in trainees])
    session = TrainingSession(cohort_id=cohort.id, session_date=date(2016, 4, 4), start_time=time(8), end_time=time(12))
    _db.session.add(session)
    _db.session.commit()
    return cohort, session, enrolments


def test_trainer_saves_a_register_and_the_rates_change(client, web, login_as, make_cohort, make_trainee):
    trainer = login_as("trainer", "Kasaï-Oriental")
    cohort, session, enrolments = _cohort_with_session(make_cohort, make_trainee, trainer)
    page = client.get(f"/training/sessions/{session.id}/register").get_data(as_text=True)
    assert page.count('type="radio"') == 6 * 4
    marks = {f"m{e.id}": "present" for e in enrolments}
    for e in enrolments[:3]:
        marks[f"m{e.id}"] = "absent"
    response = web.post(f"/training/sessions/{session.id}/register", marks, page=f"/training/sessions/{session.id}/register")
    assert response.status_code == 302
    html = client.get(f"/training/cohorts/{cohort.id}").get_data(as_text=True)
    assert re.search(r'id="cohort-rate">50 %', html)  # 3 of 6 present
    # saving again (a retry) changes nothing
    web.post(f"/training/sessions/{session.id}/register", marks, page=f"/training/sessions/{session.id}/register")
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == 6


def test_cohort_page_charts_attendance_per_session_against_the_course_threshold(client, login_as, make_cohort,
                                                                             make_trainee):
    trainer = login_as("trainer", "Kasaï-Oriental")
    cohort, first, enrolments = _cohort_with_session(make_cohort, make_trainee, trainer, n=4)
    second = TrainingSession(cohort_id=cohort.id, session_date=date(2016, 4, 5), start_time=time(8), end_time=time(12))
    later = TrainingSession(cohort_id=cohort.id, session_date=date(2099, 4, 6), start_time=time(8), end_time=time(12))
    _db.session.add_all([second, later])
    _db.session.flush()
    marks = {first.id: ["present", "late", "absent", "excused"], second.id: ["present", "absent", "absent", "absent"]}
    for session_id, statuses in marks.items():
        _db.session.add_all(Attendance(session_id=session_id, enrolment_id=e.id, status=status)
                            for e, status in zip(enrolments, statuses, strict=True))
    _db.session.commit()
    html = client.get(f"/training/cohorts/{cohort.id}").get_data(as_text=True)
    chart = html[html.index('id="attendance-chart"'):html.index("</svg>", html.index('id="attendance-chart"'))]
    # 2 of the 3 counted (the excused one does not count), then 1 of 4; the later session is not drawn
    assert "4 Apr – Attended: 66.7 %" in chart and "5 Apr – Attended: 25 %" in chart
    assert chart.count('class="actual-dot"') == 2
    threshold = cohort.course.attendance_threshold
    assert f"4 Apr – Required: {threshold} %" in chart and 'class="target"' in chart


def test_register_save_as_json_for_the_offline_queue(client, web, login_as, make_cohort, make_trainee):
    trainer = login_as("trainer", "Kasaï-Oriental")
    _cohort, session, enrolments = _cohort_with_session(make_cohort, make_trainee, trainer, n=2)
    token = web.token(f"/training/sessions/{session.id}/register")
    response = client.post(f"/training/sessions/{session.id}/register", json={"marks": {str(enrolments[0].id): "late"}},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["saved"] == 1
    bad = client.post(f"/training/sessions/{session.id}/register", json={"marks": {"999999": "present"}},
                      headers={"X-CSRFToken": token})
    assert bad.status_code == 422 and "not enrolled" in bad.get_json()["error"]


def test_trainers_see_only_their_own_cohorts(client, login_as, make_cohort, make_trainee, make_user):
    other = make_user("trainer", provinces=["Kasaï-Oriental"])
    cohort, session, _e = _cohort_with_session(make_cohort, make_trainee, other)
    login_as("trainer", "Kasaï-Oriental")
    assert client.get(f"/training/cohorts/{cohort.id}").status_code == 404
    assert client.get(f"/training/sessions/{session.id}/register").status_code == 404
    assert "No cohort in your area yet" in client.get("/training/").get_data(as_text=True)


def test_lists_contain_only_the_users_area(client, login_as, make_trainee):
    for _ in range(3):
        make_trainee(commune="Bipemba")
    for _ in range(2):
        make_trainee(commune="Kampemba")
    login_as("project_officer", "Haut-Katanga")
    html = client.get("/training/trainees").get_data(as_text=True)
    assert "2 results" in html


def test_viewer_sees_aggregates_only(client, login_as, make_cohort, make_trainee):
    cohort, _s, _e = _cohort_with_session(make_cohort, make_trainee)
    login_as("viewer")
    listing = client.get("/training/").get_data(as_text=True)
    assert cohort.name in listing and f'/training/cohorts/{cohort.id}"' not in listing
    assert ">6 / 450<" in listing.replace("\u202f", "").replace("\xa0", "")
    assert client.get("/training/trainees").status_code == 403
    assert client.get(f"/training/cohorts/{cohort.id}").status_code == 403


def test_bad_trainee_input_is_explained_and_nothing_saved(web, login_as, ranks):
    login_as("project_officer", "Kasaï-Oriental")
    data = {"matricule": "", "last_name": "Mutombo", "sex": "M", "rank_id": "0", "specialty": "community",
            "commune_id": str(commune_id("Muya")), "birth_date": "1890-01-01"}
    response = web.post("/training/trainees/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter the service number" in html
    data["matricule"] = "77-001"
    response = web.post("/training/trainees/new", data)
    assert response.status_code == 422 and "between 1940 and 16 years ago" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Trainee)) == 0
    data["birth_date"] = "1988-05-17"
    assert web.post("/training/trainees/new", data).status_code == 302
    assert _db.session.scalar(select(Trainee.matricule)) == "77001"


def test_vetting_refusal_is_shown_when_enrolling(client, web, login_as, make_cohort, make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    cohort = make_cohort(requires_vetting=True)
    trainee = make_trainee(last_name="Kalonji")
    response = web.post(f"/training/cohorts/{cohort.id}/enrol", {"trainee_ids": [str(trainee.id)]},
                        page=f"/training/cohorts/{cohort.id}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "KALONJI" in html and "never submitted" in html
    assert "Nobody is enrolled yet" in html


def test_register_page_query_count_does_not_grow_with_the_cohort(client, login_as, make_cohort, make_trainee,
                                                                  count_queries):
    trainer = login_as("trainer", "Kasaï-Oriental")
    cohort, session, _e = _cohort_with_session(make_cohort, make_trainee, trainer, n=3)
    url = f"/training/sessions/{session.id}/register"
    client.get(url)
    with count_queries() as small:
        client.get(url)
    more = [make_trainee() for _ in range(40)]
    service.enrol_trainees(cohort, [t.id for t in more], enrolled_on=date(2016, 4, 1))
    _db.session.commit()
    with count_queries() as large:
        assert client.get(url).get_data(as_text=True).count('type="radio"') == 43 * 4
    assert len(large) == len(small) <= 11  # + the registers of the coming days kept for offline use


def test_cohort_page_query_count_does_not_grow_and_officers_are_joined_once(client, login_as, make_cohort,
                                                                            make_trainee, count_queries):
    trainer = login_as("trainer", "Kasaï-Oriental")
    cohort, _session, _e = _cohort_with_session(make_cohort, make_trainee, trainer, n=3)
    url = f"/training/cohorts/{cohort.id}"
    client.get(url)
    with count_queries() as small:
        client.get(url)
    more = [make_trainee(last_name=f"Mbuyi{n:02d}") for n in range(40)]
    service.enrol_trainees(cohort, [t.id for t in more], enrolled_on=date(2016, 4, 1))
    _db.session.commit()
    with count_queries() as large:
        html = client.get(url).get_data(as_text=True)
    assert html.count("MBUYI") >= 40
    assert len(large) == len(small)
    # the enrolment list reads each officer through one join (not a second, eager-loaded copy of trainees)
    listing = [s for s in large if "FROM enrolments JOIN trainees" in s and "ORDER BY trainees.last_name" in s]
    assert len(listing) == 1 and "trainees AS " not in listing[0]


def test_api_put_register_is_idempotent(app, client, make_user, make_cohort, make_trainee):
    trainer = make_user("trainer", provinces=["Kasaï-Oriental"])
    _cohort, session, enrolments = _cohort_with_session(make_cohort, make_trainee, trainer, n=3)
    with english(app):
        _t, raw = create_api_token(trainer)
    _db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    marks = {"marks": {str(e.id): "present" for e in enrolments}}
    for _ in range(2):
        assert client.put(f"/api/v1/sessions/{session.id}/attendance", json=marks, headers=headers).get_json() == {"saved": 3}
    body = client.get(f"/api/v1/sessions/{session.id}/attendance", headers=headers).get_json()
    assert [item["status"] for item in body["items"]] == ["present"] * 3
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == 3
    assert client.put(f"/api/v1/sessions/{session.id}/attendance", json={"marks": []}, headers=headers).status_code == 400
