"""Issue 19, item 4: the home page starts with a "today" list for the user's role, each line a link to the action,
the counts below; a fixed number of queries whatever the amount of data."""
import re
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.geo.reference import DEFAULT_ZONE
from cpms.geo.time import local_day


def today():
    return local_day(datetime.now(timezone.utc), DEFAULT_ZONE)


def today_lines(client):
    html = client.get("/").get_data(as_text=True)
    block = re.search(r'<ul class="today">(.*?)</ul>', html, re.S)
    assert "<h2>In figures</h2>" in html and 'class="cards"' in html  # the counts stay, below
    return [(href, re.sub(r"\s+", " ", text).strip()) for href, text in
            re.findall(r'<a href="([^"]+)">([^<]+)</a>', block.group(1))] if block else []


def trainers_cohort(make_cohort, make_trainee, trainer, name):
    from cpms.training.models import TrainingSession
    from cpms.training.service import enrol_trainees
    from cpms.training.service.attendance import generate_sessions, record_attendance

    day = today()
    cohort = make_cohort(trainers=[trainer], start=day - timedelta(days=3), end=day + timedelta(days=10))
    cohort.name = name
    enrolment, = enrol_trainees(cohort, [make_trainee().id])
    generate_sessions(cohort, weekdays=list(range(7)), start_time=time(8), end_time=time(12))
    _db.session.flush()
    sessions = {s.session_date: s for s in _db.session.scalars(
        select(TrainingSession).where(TrainingSession.cohort_id == cohort.id))}
    record_attendance(None, sessions[day - timedelta(days=1)], {enrolment.id: "present"})  # yesterday's entered
    _db.session.commit()
    return cohort, sessions


def test_trainer_sees_registers_to_enter_sessions_and_cohorts_ending(client, login_as, make_user, make_cohort,
                                                                      make_trainee, count_queries):
    trainer = login_as("trainer", "Kasaï-Oriental")
    cohort, sessions = trainers_cohort(make_cohort, make_trainee, trainer, "Mbuji-Mayi A")
    other = make_user("trainer", provinces=["Kasaï-Oriental"])
    trainers_cohort(make_cohort, make_trainee, other, "Not mine")
    day = today()
    lines = today_lines(client)
    texts = [text for _href, text in lines]
    # the registers of the past days never entered come first, linking to the register
    missed = sessions[day - timedelta(days=3)]  # the oldest first
    assert lines[0][0] == f"/training/sessions/{missed.id}/register"
    assert texts[0].startswith("Register not entered: Mbuji-Mayi A, ")
    assert sum(t.startswith("Register not entered") for t in texts) == 2  # three days ago and two days ago
    assert "Today at 08:00: Mbuji-Mayi A – register to enter" in texts
    assert (f"/training/sessions/{sessions[day].id}/register", "Today at 08:00: Mbuji-Mayi A – register to enter") in lines
    assert any(t.startswith("Mbuji-Mayi A ends on ") for t in texts)
    assert not any("Not mine" in t for t in texts)
    assert not any("action item" in t for t in texts)  # another role's lines
    with count_queries() as few:
        client.get("/")
    for n in range(3):
        trainers_cohort(make_cohort, make_trainee, trainer, f"More {n}")
    with count_queries() as more:
        client.get("/")
    assert len(more) == len(few)


def test_project_officer_sees_overdue_actions_and_this_weeks_meetings(client, login_as, make_programme,
                                                                      make_committee, make_meeting, make_action_item):
    login_as("project_officer", "Kasaï-Oriental")
    committee = make_committee(programme=make_programme(), commune="Bipemba")
    held = make_meeting(committee, when=datetime.now(timezone.utc) - timedelta(days=20))
    make_action_item(held, description="Éclairage", due_date=today() - timedelta(days=5))
    coming = make_meeting(committee, when=datetime.now(timezone.utc) + timedelta(days=2), status="planned")
    _db.session.commit()
    lines = today_lines(client)
    assert lines[0] == ("/committees/action-items?overdue=1", "1 action item overdue")
    assert any(href == f"/committees/meetings/{coming.id}" and text.startswith(f"Meeting of {committee.name}, ")
               for href, text in lines)


def test_admin_and_viewer_lines(client, login_as, make_user, make_programme, web):
    make_user("trainer")  # an account never used
    login_as("admin")
    assert ("/users", "1 account not yet activated (never logged in)") in today_lines(client)
    web.post("/logout", {})
    programme = make_programme(provinces=["Kasaï-Oriental"], code="NOW", start_date=today() - timedelta(days=100),
                               end_date=today() + timedelta(days=300))
    login_as("viewer", "Kasaï-Oriental")
    assert (f"/indicators/programmes/{programme.id}/report", f"{programme.name}: progress against targets") \
        in today_lines(client)


def test_nothing_to_do_says_so_in_french(client, login_as):
    login_as("trainer", "Haut-Katanga", locale="fr")
    html = client.get("/").get_data(as_text=True)
    assert "Rien ne vous attend aujourd'hui." in html and "<h2>Aujourd'hui</h2>" in html


def test_a_meeting_s_time_is_the_committee_s_local_time(client, login_as, make_programme, make_committee,
                                                        make_meeting):
    """Kasaï-Oriental keeps Lubumbashi time (UTC+2): a meeting at 07:30 UTC is announced for 9:30."""
    login_as("project_officer", "Kasaï-Oriental")
    committee = make_committee(programme=make_programme(), commune="Bipemba")
    tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
    make_meeting(committee, when=datetime.combine(tomorrow, time(7, 30), tzinfo=timezone.utc), status="planned")
    _db.session.commit()
    line, = [text for _href, text in today_lines(client) if text.startswith("Meeting of")]
    assert "9:30" in line and "8:30" not in line and "7:30" not in line


def test_project_officer_sees_late_construction_and_works_awaiting_handover(client, login_as, make_project,
                                                                           make_station, count_queries):
    from cpms.stations.models import Handover, Milestone

    login_as("project_officer", "Kasaï-Oriental")
    late = make_project(station=make_station(name="Bipemba central"))  # 2016 milestones never reached
    finished = make_project(station=make_station(name="Dibindi"))
    for milestone in _db.session.scalars(select(Milestone).where(Milestone.project_id == finished.id)):
        milestone.actual_date = milestone.planned_date
    accepted = make_project(station=make_station(name="Muya"))
    _db.session.add(Handover(project_id=accepted.id, handover_date=today(), police_representative="X",
                             is_final_acceptance=True))
    make_project(station=make_station(commune="Kampemba", name="Elsewhere"))  # another province
    _db.session.commit()
    lines = today_lines(client)
    texts = [text for _href, text in lines]
    assert (f"/construction/{late.id}", "Bipemba central – New build: a milestone planned for Mar 15, 2016 is not "
            "reached") in lines or any(t.startswith("Bipemba central – ") and "is not reached" in t for t in texts)
    assert (f"/construction/{finished.id}/handover", "Dibindi – New build: works finished, awaiting handover") \
        in [(href, text) for href, text in lines]
    assert not any("Muya" in t or "Elsewhere" in t for t in texts)
    with count_queries() as few:
        client.get("/")
    for n in range(7):
        make_project(station=make_station(name=f"More {n}"))
    with count_queries() as more:
        client.get("/")
    assert len(more) == len(few)
    texts = [text for _href, text in today_lines(client)]
    assert sum("is not reached" in t for t in texts) == 5 and "3 more projects behind schedule" in texts


def test_m_and_e_officer_sees_the_quarter_to_lock_and_the_one_closing(client, login_as, make_programme):
    from babel.dates import format_date

    from cpms.core.permissions import Scope
    from cpms.indicators.service import periods as P
    from cpms.indicators.service.locking import lock_period

    officer = login_as("me_officer")
    day = today()
    programme = make_programme(code="NOW", start_date=day - timedelta(days=400), end_date=day + timedelta(days=400))
    current = P.containing(day, "quarter", 1)
    last = P.containing(current.start - timedelta(days=1), "quarter", 1)
    lines = today_lines(client)
    ended = format_date(last.end, "medium", locale="en")
    assert lines[0] == (f"/indicators/programmes/{programme.id}/report?period={last.key}",
                        f"{programme.name}: {last.label} ended on {ended} and is not locked yet")
    closing = [text for _href, text in lines if "closes on" in text]
    assert bool(closing) == ((current.end - day).days <= 14)
    lock_period(officer, Scope.national(), programme, last.key)  # locked: the line goes
    _db.session.commit()
    assert not any("is not locked yet" in text for _href, text in today_lines(client))
