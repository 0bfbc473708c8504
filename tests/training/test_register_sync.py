"""The phone register's save: marks replayed from a device change nothing twice, marks someone else changed
meanwhile are reported and kept, the answer carries the counts shown on the same page."""
from datetime import date, time, timedelta

from sqlalchemy import func, select

from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Attendance, TrainingSession
from cpms.training.service import attendance


def _register(make_cohort, make_trainee, trainer, n=4):
    cohort = make_cohort(trainers=[trainer])
    enrolments = service.enrol_trainees(cohort, [make_trainee().id for _ in range(n)])
    session = TrainingSession(cohort_id=cohort.id, session_date=date(2016, 4, 4), start_time=time(8), end_time=time(12))
    _db.session.add(session)
    _db.session.commit()
    return session, [e.id for e in enrolments]


def _post(client, web, session, body):
    url = f"/training/sessions/{session.id}/register"
    return client.post(url, json=body, headers={"X-CSRFToken": web.token(url)})


def _stored(session):
    return dict(_db.session.execute(select(Attendance.enrolment_id, Attendance.status)
                                    .where(Attendance.session_id == session.id)).all())


def _audits():
    return _db.session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.detail == "attendance saved"))


def test_a_replayed_batch_changes_nothing_the_second_time(client, web, login_as, make_cohort, make_trainee):
    trainer = login_as("trainer", "Kasaï-Oriental", locale="en")
    session, ids = _register(make_cohort, make_trainee, trainer)
    body = {"batch": "b-1", "marks": {str(i): "absent" for i in ids[:3]}, "base": {str(i): None for i in ids[:3]}}
    first = _post(client, web, session, body).get_json()
    assert (first["saved"], first["unchanged"], first["conflicts"]) == (3, 0, {})
    assert first["counts"] == {"present": 0, "late": 0, "excused": 0, "absent": 3, "unmarked": 1}
    assert first["message"] == "Register saved. Present: 0 · late: 0 · excused: 0 · absent: 3 · not marked: 1."
    audits = _audits()
    again = _post(client, web, session, body).get_json()  # the answer was lost; the device sends the batch again
    assert (again["saved"], again["unchanged"], again["conflicts"]) == (0, 3, {})
    assert _audits() == audits  # no second effect, not even in the audit log
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == 3


def test_a_mark_changed_by_someone_else_is_reported_not_overwritten(client, web, login_as, make_cohort, make_trainee,
                                                                   make_user):
    trainer = login_as("trainer", "Kasaï-Oriental", locale="en")
    session, ids = _register(make_cohort, make_trainee, trainer)
    # the device loaded the register with nobody marked; meanwhile a colleague marked the first trainee excused
    attendance.record_attendance(make_user("project_officer"), session, {ids[0]: "excused"})
    _db.session.commit()
    answer = _post(client, web, session, {"batch": "b-2", "marks": {str(ids[0]): "absent", str(ids[1]): "absent"},
                                          "base": {str(ids[0]): None, str(ids[1]): None}}).get_json()
    assert answer["conflicts"] == {str(ids[0]): {"theirs": "excused", "mine": "absent"}}
    assert answer["saved"] == 1
    assert _stored(session) == {ids[0]: "excused", ids[1]: "absent"}
    # "keep my marks": the device sends again, now knowing their version
    answer = _post(client, web, session, {"batch": "b-3", "marks": {str(ids[0]): "absent"},
                                          "base": {str(ids[0]): "excused"}}).get_json()
    assert answer["conflicts"] == {} and _stored(session)[ids[0]] == "absent"


def test_register_page_is_phone_first(client, login_as, make_cohort, make_trainee):
    trainer = login_as("trainer", "Kasaï-Oriental")
    session, ids = _register(make_cohort, make_trainee, trainer)
    attendance.record_attendance(trainer, session, {ids[0]: "late"})
    _db.session.commit()
    html = client.get(f"/training/sessions/{session.id}/register").get_data(as_text=True)
    assert 'id="rg-search"' in html and 'class="rg-bar"' in html
    assert "Late <b data-c=\"late\">1</b>" in html and "Not marked <b data-c=\"\">3</b>" in html
    assert html.count('class="un"') == 3  # not marked is not present


def test_register_page_in_french(client, login_as, make_cohort, make_trainee):
    trainer = login_as("trainer", "Kasaï-Oriental", locale="fr")
    session, _ids = _register(make_cohort, make_trainee, trainer)
    french = client.get(f"/training/sessions/{session.id}/register").get_data(as_text=True)
    assert ">R</label>" in french and "Non pointés <b" in french and "Enregistrer le registre" in french


def test_the_service_worker_is_served_at_the_root_so_it_controls_the_whole_site(client, login_as):
    login_as("trainer", "Kasaï-Oriental")
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert b"cpms-pages" in response.get_data()
    assert client.get("/training/sw.js").status_code == 404


def test_the_phone_keeps_the_registers_of_the_coming_week_of_own_cohorts(make_user, make_cohort, make_trainee):
    today = date(2016, 4, 4)
    trainer, other = make_user("trainer"), make_user("trainer")
    mine, theirs = make_cohort(trainers=[trainer]), make_cohort(trainers=[other])
    sessions = {day: TrainingSession(cohort_id=mine.id, session_date=today + timedelta(days=day), start_time=time(8),
                                     end_time=time(12)) for day in (-1, 0, 3, 7, 8)}
    elsewhere = TrainingSession(cohort_id=theirs.id, session_date=today, start_time=time(8), end_time=time(12))
    _db.session.add_all([*sessions.values(), elsewhere])
    _db.session.commit()
    assert attendance.upcoming_sessions(trainer, today=today) == [sessions[d].id for d in (0, 3, 7)]
