"""The training rule book (docs/rules/training.md): cohort life cycle, enrolment dates, completion only after the
end, the register's "not taken", plausible dates. Each test fails without the rule it names."""
import re
from contextlib import contextmanager
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from cpms.auth.service import create_api_token
from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Attendance, Cohort, TrainingSession
from cpms.training.service import attendance
from tests.conftest import english

TODAY = date.today()


@contextmanager
def refused(app, match):
    """The service refuses, saying (in English) `match`."""
    with english(app), pytest.raises(DomainError, match=match):
        yield


def _session(cohort, day, hour=8):
    session = TrainingSession(cohort_id=cohort.id, session_date=day, start_time=time(hour), end_time=time(hour + 4))
    _db.session.add(session)
    _db.session.commit()
    return session


def _running_cohort(make_cohort, **kwargs):
    """A cohort running today: started 4 weeks ago, ends in 4 weeks (the factory's programme covers its dates)."""
    return make_cohort(start=TODAY - timedelta(days=28), end=TODAY + timedelta(days=28), **kwargs)


# --- cohort life cycle ------------------------------------------------------------------------------------------

def test_cohort_phase_follows_the_dates_and_the_close(make_cohort, make_trainee):
    cohort = make_cohort(start=date(2016, 3, 29), end=date(2016, 8, 28))
    assert cohort.phase(date(2016, 3, 28)) == "planned"
    assert cohort.phase(date(2016, 3, 29)) == "running"
    assert cohort.phase(date(2016, 8, 28)) == "running"
    assert cohort.phase(date(2016, 8, 29)) == "ended"
    assert cohort.status == "completed"  # the stored cache follows the dates
    service.close_cohort(cohort, None)
    assert cohort.phase() == "closed"


def test_absurd_cohort_dates_are_refused_with_a_message(client, web, login_as, make_cohort):
    login_as("project_officer", "Kasaï-Oriental")
    cohort = make_cohort()
    page = f"/training/cohorts/{cohort.id}/edit"
    html = client.get(page).get_data(as_text=True)
    fields = {name: value for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', html)}
    fields.update(start_date="1850-01-01", end_date="9999-12-31", name="Absurde")
    fields["trainer_ids"] = []
    response = web.post(page, fields, page=page)
    assert response.status_code in (200, 422)
    assert "must be between" in response.get_data(as_text=True)
    assert _db.session.get(Cohort, cohort.id).start_date == date(2016, 3, 29)


def test_cohort_dates_must_lie_within_the_programme(app, make_cohort):
    cohort = make_cohort()  # programme 2016–2019
    with refused(app, "within"):
        service.save_cohort(cohort, name=cohort.name, course_id=cohort.course_id, programme_id=cohort.programme_id,
                            training_centre="", commune_id=cohort.commune_id, start_date=date(2015, 6, 1),
                            end_date=date(2016, 8, 28), capacity=50)


def test_planning_sessions_is_bounded_even_on_absurd_stored_dates(app, make_cohort):
    cohort = make_cohort()
    cohort.start_date, cohort.end_date = date(1850, 1, 1), date(9999, 12, 31)  # as an old record might hold
    with refused(app, "must be between"):
        attendance.generate_sessions(cohort, weekdays={0, 1, 2, 3, 4}, start_time=time(8), end_time=time(12))
    cohort.start_date, cohort.end_date = date(2016, 1, 4), date(2019, 12, 31)  # plausible, but four years
    with refused(app, "at most 800"):
        attendance.generate_sessions(cohort, weekdays={0, 1, 2, 3, 4}, start_time=time(8), end_time=time(12))
    assert _db.session.scalar(select(func.count()).select_from(TrainingSession)) == 0


def test_the_schedule_page_answers_a_message_not_a_500(client, web, login_as, make_cohort):
    trainer = login_as("trainer", "Kasaï-Oriental")
    cohort = make_cohort(trainers=[trainer], start=date(2016, 1, 4), end=date(2019, 12, 31))
    page = f"/training/cohorts/{cohort.id}/schedule"
    response = web.post(page, {"weekdays": ["0", "1", "2", "3", "4", "5"], "start_time": "08:00", "end_time": "10:00",
                               "holidays": "", "topics": ""}, page=page)
    assert response.status_code in (200, 422)
    assert "at most 800" in response.get_data(as_text=True)


def test_closing_is_refused_before_the_end_and_with_a_register_not_taken(app, make_cohort, make_trainee):
    running = _running_cohort(make_cohort, provinces=("Kasaï-Oriental",))
    with refused(app, "can be closed the day after"):
        service.close_cohort(running, None)
    ended = make_cohort()
    service.enrol_trainees(ended, [make_trainee()])
    session = _session(ended, date(2016, 4, 4))
    with refused(app, "not taken"):
        service.close_cohort(ended, None)
    attendance.record_attendance(None, session, {e.id: "present" for e in
                                                 _db.session.scalars(select(service.cohorts.Enrolment))})
    service.close_cohort(ended, None)
    assert ended.closed_on == TODAY


def test_a_closed_cohort_refuses_enrolment_attendance_sessions_and_withdrawal(app, make_cohort, make_trainee):
    cohort = make_cohort()
    enrolment = service.enrol_trainees(cohort, [make_trainee()])[0]
    session = _session(cohort, date(2016, 4, 4))
    attendance.record_attendance(None, session, {enrolment.id: "present"})
    service.close_cohort(cohort, None)
    with refused(app, "closed"):
        service.enrol_trainees(cohort, [make_trainee()])
    with refused(app, "closed"):
        attendance.record_attendance(None, session, {enrolment.id: "absent"})
    with refused(app, "closed"):
        attendance.generate_sessions(cohort, weekdays={5}, start_time=time(8), end_time=time(12))
    with refused(app, "closed"):
        service.withdraw_enrolment(enrolment, date(2016, 5, 2), "Mutation")
    with refused(app, "closed"):
        attendance.record_scores(cohort, {enrolment.id: {"final_score": 70}})


# --- enrolment --------------------------------------------------------------------------------------------------

def test_enrolment_date_defaults_to_the_start_and_must_lie_within_the_cohort(app, make_cohort, make_trainee):
    cohort = make_cohort()
    first, late = make_trainee(), make_trainee()
    assert service.enrol_trainees(cohort, [first])[0].enrolled_on == cohort.start_date  # objects or ids
    with refused(app, "within the cohort"):
        service.enrol_trainees(cohort, [late.id], enrolled_on=date(2016, 9, 1))
    assert service.enrol_trainees(cohort, [late.id], enrolled_on=date(2016, 5, 2))[0].enrolled_on == date(2016, 5, 2)


def test_withdrawal_needs_a_date_within_the_enrolment_and_happens_once(app, make_cohort, make_trainee):
    cohort = make_cohort()
    enrolment = service.enrol_trainees(cohort, [make_trainee()], enrolled_on=date(2016, 4, 4))[0]
    with refused(app, "before the enrolment"):
        service.withdraw_enrolment(enrolment, date(2016, 4, 1), "Mutation")
    with refused(app, "after the end"):
        service.withdraw_enrolment(enrolment, date(2016, 9, 1), "Mutation")
    with refused(app, "reason"):
        service.withdraw_enrolment(enrolment, date(2016, 5, 2), " ")
    service.withdraw_enrolment(enrolment, date(2016, 5, 2), "Mutation")
    with refused(app, "already withdrawn"):
        service.withdraw_enrolment(enrolment, date(2016, 5, 3), "Mutation")


def test_nobody_completes_before_the_cohort_ends(app, make_cohort, make_trainee):
    """Observation 1: 237 of 450 counted "terminé" four sessions into a 127-session cohort."""
    cohort = _running_cohort(make_cohort, capacity=10)
    enrolments = service.enrol_trainees(cohort, [make_trainee() for _ in range(3)])
    session = _session(cohort, TODAY - timedelta(days=1))
    attendance.record_attendance(None, session, {e.id: "present" for e in enrolments})
    attendance.record_scores(cohort, {e.id: {"final_score": 90} for e in enrolments})
    with english(app):
        rows = attendance.cohort_completion(cohort)
    assert [row.completed for row in rows] == [False] * 3
    assert all(any("has not ended" in reason for reason in row.reasons) for row in rows)
    after = attendance.cohort_completion(cohort, today=cohort.end_date + timedelta(days=1))
    assert [row.completed for row in after] == [True] * 3


def test_rates_count_only_sessions_held_after_the_enrolment_date(make_cohort, make_trainee):
    cohort = make_cohort()
    early = service.enrol_trainees(cohort, [make_trainee()])[0]
    before = _session(cohort, date(2016, 4, 4))
    after = _session(cohort, date(2016, 4, 6))
    attendance.record_attendance(None, before, {early.id: "present"})
    late = service.enrol_trainees(cohort, [make_trainee()], enrolled_on=date(2016, 4, 5))[0]
    attendance.record_attendance(None, after, {early.id: "absent", late.id: "present"})
    counts = attendance.attendance_counts(cohort.id)
    assert counts[late.id]["rate"] == 100.0 and counts[late.id]["absent"] == 0
    assert counts[early.id]["rate"] == 50.0


def test_a_late_enrolment_through_the_page_shows_its_date(client, web, login_as, make_cohort, make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    cohort = make_cohort()
    trainee = make_trainee(last_name="Tardif")
    page = f"/training/cohorts/{cohort.id}?q=Tardif"
    response = web.post(f"/training/cohorts/{cohort.id}/enrol", {"trainee_ids": [str(trainee.id)],
                                                                "enrolled_on": "2016-05-02"}, page=page)
    assert response.status_code == 302
    html = client.get(f"/training/cohorts/{cohort.id}").get_data(as_text=True)
    assert re.search(r'class="enrolled-on">5/2/16 <span class="flag">late enrolment', html)
    refused = web.post(f"/training/cohorts/{cohort.id}/enrol", {"trainee_ids": [str(make_trainee().id)],
                                                               "enrolled_on": "2017-01-01"}, page=page,
                       follow_redirects=True)
    assert "within the cohort" in refused.get_data(as_text=True)


# --- the register -----------------------------------------------------------------------------------------------

def test_a_register_never_taken_shows_nobody_present(client, web, login_as, make_cohort, make_trainee):
    """Observation 7: every row was pre-set to "Présent"; one stray save recorded everyone present."""
    trainer = login_as("trainer", "Kasaï-Oriental")
    cohort = make_cohort(trainers=[trainer])
    enrolments = service.enrol_trainees(cohort, [make_trainee() for _ in range(5)])
    session = _session(cohort, date(2016, 4, 4))
    url = f"/training/sessions/{session.id}/register"
    html = client.get(url).get_data(as_text=True)
    assert " checked" not in html and "Register not taken yet" in html and "Mark everyone not yet marked present" in html
    web.post(url, {}, page=url)  # a stray save of the untouched register
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    web.post(url, {f"m{enrolments[0].id}": "present", f"m{enrolments[1].id}": "absent"}, page=url)
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == 2
    assert "Register partly taken: 2 of 5 marked" in client.get(url).get_data(as_text=True)


def test_the_cohort_page_shows_each_register_status_in_a_fixed_number_of_queries(
        client, login_as, make_cohort, make_trainee, count_queries):
    trainer = login_as("trainer", "Kasaï-Oriental")
    cohort = make_cohort(trainers=[trainer])
    enrolments = service.enrol_trainees(cohort, [make_trainee() for _ in range(4)])
    taken, partly, untaken = (_session(cohort, date(2016, 4, d)) for d in (4, 5, 6))
    attendance.record_attendance(None, taken, {e.id: "present" for e in enrolments})
    attendance.record_attendance(None, partly, {enrolments[0].id: "late"})
    _db.session.commit()
    with count_queries() as few:
        html = client.get(f"/training/cohorts/{cohort.id}").get_data(as_text=True)
    states = re.findall(r'data-state="(\w+)"', html)
    assert states == ["taken", "partly", "not_taken"]
    assert "Partly taken</span> (1 of 4 marked)" in html and "Not taken</span> (0 of 4 marked)" in html
    for d in range(7, 27):
        _session(cohort, date(2016, 4, d))
    with count_queries() as many:
        client.get(f"/training/cohorts/{cohort.id}")
    assert len(many) == len(few)
    assert len(attendance.register_status(cohort.id)) == 23


# --- the API ----------------------------------------------------------------------------------------------------

def test_api_enrols_with_a_date_and_withdraws_with_a_date_and_reason(app, client, make_user, make_cohort,
                                                                      make_trainee):
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"])
    cohort = make_cohort()
    trainee = make_trainee()
    with english(app):
        _t, raw = create_api_token(officer)
    _db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    url = f"/api/v1/cohorts/{cohort.id}/enrolments"
    bad = client.post(url, json={"trainee_ids": [trainee.id], "enrolled_on": "02/05/2016"}, headers=headers)
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.get_json()["error"]["message"]
    outside = client.post(url, json={"trainee_ids": [trainee.id], "enrolled_on": "2016-12-01"}, headers=headers)
    assert outside.status_code == 422 and "within the cohort" in outside.get_json()["error"]["message"]
    made = client.post(url, json={"trainee_ids": [trainee.id], "enrolled_on": "2016-05-02"}, headers=headers)
    assert made.status_code == 201
    enrolment_id = made.get_json()["items"][0]["id"]
    withdrawal = client.put(f"/api/v1/enrolments/{enrolment_id}/withdrawal",
                            json={"withdrawn_on": "2016-06-01", "reason": "Mutation"}, headers=headers)
    assert withdrawal.status_code == 200
    listed = client.get(url, headers=headers).get_json()["items"]
    assert listed[0]["enrolled_on"] == "2016-05-02" and listed[0]["withdrawn_on"] == "2016-06-01"
    assert listed[0]["withdrawal_reason"] == "Mutation"


def test_a_cancelled_cohort_refuses_enrolment_until_it_is_reinstated(app, make_cohort, make_trainee):
    cohort = make_cohort()
    fields = dict(name=cohort.name, course_id=cohort.course_id, programme_id=cohort.programme_id,
                  training_centre="", commune_id=cohort.commune_id, start_date=cohort.start_date,
                  end_date=cohort.end_date, capacity=50)
    service.save_cohort(cohort, status="cancelled", **fields)
    assert cohort.phase() == "cancelled"
    with refused(app, "cancelled"):
        service.enrol_trainees(cohort, [make_trainee()])
    service.save_cohort(cohort, status=None, **fields)
    assert cohort.phase() == "ended" and cohort.status == "completed"
    assert service.enrol_trainees(cohort, [make_trainee()])


def test_the_daily_job_brings_the_stored_status_in_line_with_the_dates(app, make_cohort):
    from cpms.core.scheduler import registered_jobs

    cohort = make_cohort()
    cohort.status = "running"  # as stored while it ran, in 2016
    _db.session.commit()
    assert "training.cohort-statuses" in registered_jobs()
    assert service.refresh_cohort_statuses() == 1
    assert cohort.status == "completed"


def test_moving_a_cohort_moves_the_enrolments_of_its_first_day(app, make_cohort, make_trainee):
    cohort = make_cohort()
    first = service.enrol_trainees(cohort, [make_trainee()])[0]
    late = service.enrol_trainees(cohort, [make_trainee()], enrolled_on=date(2016, 4, 11))[0]
    fields = dict(name=cohort.name, course_id=cohort.course_id, programme_id=cohort.programme_id,
                  training_centre="", commune_id=cohort.commune_id, end_date=cohort.end_date, capacity=50)
    service.save_cohort(cohort, start_date=date(2016, 4, 4), **fields)
    assert first.enrolled_on == date(2016, 4, 4) and late.enrolled_on == date(2016, 4, 11)
    with refused(app, "enrolments are dated outside"):  # the late one
        service.save_cohort(cohort, start_date=date(2016, 4, 18), **fields)


def test_the_close_out_page_of_a_running_cohort_says_nobody_has_completed(client, login_as, make_cohort,
                                                                          make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    cohort = _running_cohort(make_cohort)
    service.enrol_trainees(cohort, [make_trainee()])
    _db.session.commit()
    html = client.get(f"/training/cohorts/{cohort.id}/close-out").get_data(as_text=True)
    assert "nobody completes it before then" in html and "0 of 1 trainees completed" in html
    assert "the cohort has not ended" in html
