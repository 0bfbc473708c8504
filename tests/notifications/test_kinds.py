"""Each kind of reminder finds what is due, for the right people, once; admins' settings change it."""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import time_machine
from flask_babel import force_locale
from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.notifications.models import Notification, OutboxMessage, ReminderSetting
from cpms.notifications.service.digest import send_digests
from cpms.notifications.service.mail import render_parts
from cpms.notifications.service.sweep import sweep_reminders


def at(day, hour=8):
    return datetime.combine(day, time(hour), timezone.utc)


def sweep(day, kind):
    with time_machine.travel(at(day), tick=False):
        return sweep_reminders(only={kind})


def received(kind):
    """{(recipient key, object key, due date)} of the notifications of a kind."""
    return {(n.recipient_key, n.object_key, n.due_on) for n in
            _db.session.scalars(select(Notification).where(Notification.kind == kind))}


def test_upcoming_meeting_reaches_the_area_officers_and_the_members_with_an_email(db, make_programme, make_user,
                                                                                  mail_settings, make_committee,
                                                                                  make_meeting, make_member):
    committee = make_committee(programme=make_programme(), commune="Bipemba", name="CLSP de Bipemba")
    make_member(committee, name="Mamie Tshibola")  # no e-mail
    member = make_member(committee, name="Jean Mutombo")
    member.email = "Jean.Mutombo@example.org"
    gone = make_member(committee, name="Albert Kalonji", end_date=date(2017, 1, 31))
    gone.email = "albert@example.org"
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"])
    make_user("project_officer", provinces=["Haut-Katanga"])
    make_user("trainer", provinces=["Kasaï-Oriental"])
    meeting = make_meeting(committee, when=datetime(2017, 6, 5, 9, 0, tzinfo=timezone.utc), status="planned",
                           agenda="1. Éclairage du marché")
    make_meeting(committee, when=datetime(2017, 6, 20, 9, 0, tzinfo=timezone.utc), status="planned")
    _db.session.commit()

    assert sweep(date(2017, 6, 1), "meeting_upcoming")["claimed"] == 0  # four days before: not yet (3 by default)
    assert sweep(date(2017, 6, 3), "meeting_upcoming")["claimed"] == 2
    key = f"committee_meeting:{meeting.id}"
    assert received("meeting_upcoming") == {(f"user:{officer.id}", key, date(2017, 6, 5)),
                                            ("email:jean.mutombo@example.org", key, date(2017, 6, 5))}
    to_member = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "jean.mutombo@example.org"))
    # someone without an account: in the default language, without links into the application
    assert to_member.subject == "Réunion de CLSP de Bipemba le 5 juin 2017"
    assert "1. Éclairage du marché" in to_member.body_text and "https://" not in to_member.body_text
    assert sweep(date(2017, 6, 4), "meeting_upcoming")["claimed"] == 0


def test_action_items_of_committees_and_plans_due_soon_then_overdue(db, make_programme, make_user, mail_settings,
                                                                    make_action_item, make_committee, make_meeting,
                                                                    make_plan):
    from cpms.plans import service as plans
    from cpms.plans.models import Problem

    committee = make_committee(programme=make_programme(), commune="Bipemba")
    meeting = make_meeting(committee, when=datetime(2017, 5, 8, 10, 0, tzinfo=timezone.utc))
    soon = make_action_item(meeting, description="Éclairage", due_date=date(2017, 6, 5))
    later = make_action_item(meeting, description="Patrouilles", due_date=date(2017, 7, 30))
    plan = make_plan(committee, actions=())  # only the action made below
    problem_id = _db.session.scalar(select(Problem.id))
    action = plans.add_plan_action(plan, problem_id=problem_id, activity="Lampadaires solaires", responsible="ONG",
                                   partners="", start_date=date(2017, 1, 1), end_date=date(2017, 6, 4),
                                   budget=Decimal(500), status="in_progress", success_measure="")
    _db.session.commit()
    officer = make_user("project_officer", communes=["Bipemba"])
    make_user("project_officer", communes=["Muya"])  # another commune of the same province

    sweep(date(2017, 6, 3), "action_due_soon")
    assert received("action_due_soon") == {(f"user:{officer.id}", f"committee_action_item:{soon.id}", date(2017, 6, 5)),
                                           (f"user:{officer.id}", f"plan_action:{action.id}", date(2017, 6, 4))}
    sweep(date(2017, 6, 6), "action_overdue")
    assert received("action_overdue") == {(f"user:{officer.id}", f"committee_action_item:{soon.id}", date(2017, 6, 5)),
                                          (f"user:{officer.id}", f"plan_action:{action.id}", date(2017, 6, 4))}
    # still open: reminded again every week (not twice in the same week), with no look-back limit
    assert sweep(date(2017, 6, 9), "action_overdue")["claimed"] == 0
    sweep(date(2017, 6, 13), "action_overdue")
    assert {(o, d) for _k, o, d in received("action_overdue")} == {
        (f"committee_action_item:{soon.id}", date(2017, 6, 5)), (f"plan_action:{action.id}", date(2017, 6, 4)),
        (f"committee_action_item:{soon.id}", date(2017, 6, 12)), (f"plan_action:{action.id}", date(2017, 6, 11))}
    # closed: no more reminders for it; the plan's action, still open, keeps coming back
    from cpms.committees.service import update_action_item
    for item in (soon, later):
        update_action_item(_db.session.get(type(item), item.id), status="done", closing_note="Fait",
                           today=date(2017, 7, 1))
    _db.session.commit()
    sweep(date(2017, 8, 2), "action_overdue")
    assert {(o, d) for _k, o, d in received("action_overdue") if d > date(2017, 6, 12)} == {
        (f"plan_action:{action.id}", date(2017, 7, 30))}
    # an item overdue for months is reminded too, once for the current week
    old = make_action_item(meeting, description="Ancienne action", due_date=date(2017, 5, 10))
    assert sweep(date(2017, 8, 2), "action_overdue")["claimed"] == 1
    assert (f"user:{officer.id}", f"committee_action_item:{old.id}", date(2017, 7, 26)) in received("action_overdue")


def test_milestones_due_then_overdue_in_the_officers_language(db, make_project, make_user, mail_settings):
    from cpms.stations.models import Milestone

    project = make_project()
    first = _db.session.scalar(select(Milestone).where(Milestone.project_id == project.id)
                               .order_by(Milestone.planned_date, Milestone.id))
    planned = first.planned_date
    french = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="fr")
    make_user("me_officer", provinces=["Kasaï-Oriental"])

    sweep(planned - timedelta(days=3), "milestone_due")
    assert (f"user:{french.id}", f"milestone:{first.id}", planned) in received("milestone_due")
    assert {key for key, _o, _d in received("milestone_due")} == {f"user:{french.id}"}
    sweep(planned + timedelta(days=2), "milestone_overdue")
    assert (f"user:{french.id}", f"milestone:{first.id}", planned) in received("milestone_overdue")
    message = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "milestone_overdue"))
    assert message.subject.startswith("Étape en retard : Identification du site – ")


def test_trainees_falling_behind_reach_the_cohorts_trainers(db, make_cohort, make_trainee, make_user, mail_settings):
    from cpms.training.models import TrainingSession
    from cpms.training.service import enrol_trainees
    from cpms.training.service.attendance import generate_sessions, record_attendance

    trainer = make_user("trainer", provinces=["Kasaï-Oriental"])
    other_trainer = make_user("trainer", provinces=["Kasaï-Oriental"])
    cohort = make_cohort(trainers=[trainer], start=date(2016, 3, 29), end=date(2016, 4, 29))
    absent, irregular, regular = (make_trainee(last_name=name) for name in ("Absent", "Irregulier", "Assidu"))
    enrolments = {e.trainee_id: e.id for e in enrol_trainees(cohort, [absent.id, irregular.id, regular.id])}
    generate_sessions(cohort, weekdays=[0, 1, 2, 3, 4], start_time=time(8), end_time=time(12))
    _db.session.commit()
    sessions = _db.session.scalars(select(TrainingSession).where(TrainingSession.cohort_id == cohort.id)
                                   .order_by(TrainingSession.session_date)).all()[:6]  # 29 March – 5 April
    marks = {absent.id: "PPPAAA", irregular.id: "PAPAPP", regular.id: "PPPPPP"}
    words = {"P": "present", "A": "absent"}
    with time_machine.travel(at(date(2016, 4, 5), 18), tick=False):
        for n, session in enumerate(sessions):
            record_attendance(None, session, {enrolments[t]: words[m[n]] for t, m in marks.items()})
        _db.session.commit()
    other_trainer_id = other_trainer.id

    sweep(date(2016, 4, 5), "attendance_low")
    sweep(date(2016, 4, 5), "absence_streak")
    monday = date(2016, 4, 4)
    assert received("attendance_low") == {(f"user:{trainer.id}", f"enrolment:{enrolments[absent.id]}", monday),
                                          (f"user:{trainer.id}", f"enrolment:{enrolments[irregular.id]}", monday)}
    assert received("absence_streak") == {(f"user:{trainer.id}", f"enrolment:{enrolments[absent.id]}",
                                           date(2016, 4, 1))}
    assert f"user:{other_trainer_id}" not in {key for key, _o, _d in received("attendance_low")}
    # the same week nothing more; a new week, a new reminder while attendance stays low
    assert sweep(date(2016, 4, 8), "attendance_low")["claimed"] == 0
    assert sweep(date(2016, 4, 11), "attendance_low")["claimed"] == 2
    assert sweep(date(2016, 4, 11), "absence_streak")["claimed"] == 0  # the same run of absences


def test_pending_vetting_before_a_cohort_starts(db, make_cohort, make_trainee, make_user, mail_settings):
    from cpms.training.service import enrol_trainees, record_vetting

    cohort = make_cohort(requires_vetting=True, start=date(2016, 3, 29))
    cohort.status = "planned"
    trainees = [make_trainee(), make_trainee()]
    for trainee in trainees:
        record_vetting(trainee, submitted_on=date(2016, 1, 5), status="approved", decided_on=date(2016, 2, 1))
    enrol_trainees(cohort, [t.id for t in trainees])
    record_vetting(trainees[0], submitted_on=date(2016, 3, 1), status="pending")  # re-vetting requested
    _db.session.commit()
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"])

    assert sweep(date(2016, 3, 10), "vetting_pending")["claimed"] == 0  # 19 days before: not yet (14)
    assert sweep(date(2016, 3, 20), "vetting_pending")["claimed"] == 1
    assert received("vetting_pending") == {(f"user:{officer.id}", f"cohort:{cohort.id}", date(2016, 3, 29))}
    message = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "vetting_pending"))
    assert message.subject == f"Vetting not approved for 1 trainee of {cohort.name}"


def test_register_not_entered_reaches_the_sessions_trainers_the_morning_after(db, make_cohort, make_trainee,
                                                                              make_user, mail_settings):
    from cpms.training.models import TrainingSession
    from cpms.training.service import enrol_trainees
    from cpms.training.service.attendance import generate_sessions, record_attendance

    trainer = make_user("trainer", provinces=["Kasaï-Oriental"])
    make_user("trainer", provinces=["Kasaï-Oriental"])  # not a trainer of this cohort
    cohort = make_cohort(trainers=[trainer], start=date(2016, 3, 29), end=date(2016, 4, 29))
    enrolment, = enrol_trainees(cohort, [make_trainee().id])
    generate_sessions(cohort, weekdays=[1, 2], start_time=time(8), end_time=time(12))  # Tuesdays, Wednesdays
    _db.session.commit()
    tuesday, wednesday = _db.session.scalars(select(TrainingSession).where(TrainingSession.cohort_id == cohort.id)
                                             .order_by(TrainingSession.session_date)).all()[:2]
    assert (tuesday.session_date, wednesday.session_date) == (date(2016, 3, 29), date(2016, 3, 30))

    assert sweep(date(2016, 3, 29), "attendance_missing")["claimed"] == 0  # the day itself: not yet
    sweep(date(2016, 3, 30), "attendance_missing")
    assert received("attendance_missing") == {(f"user:{trainer.id}", f"training_session:{tuesday.id}",
                                               date(2016, 3, 30))}
    message = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "attendance_missing"))
    assert message.subject == f"Attendance not entered: {cohort.name}, Mar 29, 2016"
    # Wednesday's register entered in time: no reminder for it
    record_attendance(None, wednesday, {enrolment.id: "present"})
    _db.session.commit()
    assert sweep(date(2016, 3, 31), "attendance_missing")["claimed"] == 0


def test_vetting_expiring_before_the_cohort_ends(db, make_cohort, make_trainee, make_user, mail_settings):
    from cpms.training.service import enrol_trainees, record_vetting

    cohort = make_cohort(requires_vetting=True, start=date(2016, 3, 29), end=date(2016, 8, 28))
    expiring, lasting = make_trainee(), make_trainee()
    record_vetting(expiring, submitted_on=date(2015, 6, 1), status="approved", decided_on=date(2015, 7, 1),
                   expires_on=date(2016, 6, 30))
    record_vetting(lasting, submitted_on=date(2015, 6, 1), status="approved", decided_on=date(2015, 7, 1),
                   expires_on=date(2017, 6, 30))
    enrol_trainees(cohort, [expiring.id, lasting.id])
    _db.session.commit()
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"])
    make_user("project_officer", provinces=["Haut-Katanga"])

    sweep(date(2016, 4, 4), "vetting_expiring")
    assert received("vetting_expiring") == {(f"user:{officer.id}", f"cohort:{cohort.id}", date(2016, 6, 30))}
    message = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "vetting_expiring"))
    assert message.subject == f"Vetting expiring for 1 trainee of {cohort.name}"
    assert "June 30, 2016" in message.body_text and "August 28, 2016" in message.body_text
    assert sweep(date(2016, 4, 5), "vetting_expiring")["claimed"] == 0  # once


def test_survey_round_due_reaches_the_me_officers_of_its_communes(db, make_programme, make_user, mail_settings,
                                                                  make_instrument, make_round):
    survey_round = make_round(make_instrument(), make_programme(), start=date(2017, 9, 1))
    officer = make_user("me_officer", provinces=["Kasaï-Oriental"])
    make_user("me_officer", provinces=["Haut-Katanga"])
    national = make_user("me_officer")

    sweep(date(2017, 8, 25), "survey_round_due")
    assert received("survey_round_due") == {(f"user:{officer.id}", f"survey_round:{survey_round.id}", date(2017, 9, 1)),
                                            (f"user:{national.id}", f"survey_round:{survey_round.id}", date(2017, 9, 1))}


def test_admins_settings_disable_a_kind_or_change_its_days(db, make_programme, make_user, mail_settings,
                                                           make_committee, make_meeting):
    committee = make_committee(programme=make_programme(), commune="Bipemba")
    make_meeting(committee, when=datetime(2017, 6, 10, 9, 0, tzinfo=timezone.utc), status="planned")
    make_user("project_officer", provinces=["Kasaï-Oriental"])
    _db.session.add(ReminderSetting(kind="meeting_upcoming", is_enabled=False, days_before=7))
    _db.session.commit()
    assert sweep(date(2017, 6, 8), "meeting_upcoming")["claimed"] == 0
    _db.session.get(ReminderSetting, "meeting_upcoming").is_enabled = True
    _db.session.commit()
    assert sweep(date(2017, 6, 3), "meeting_upcoming")["claimed"] == 1  # seven days before


def test_inactive_users_get_nothing(overdue_items, mail_settings):
    _items, (english, french) = overdue_items()
    french.is_active = False
    _db.session.commit()
    sweep(date(2017, 6, 3), "action_overdue")
    assert {key for key, _o, _d in received("action_overdue")} == {f"user:{english.id}"}


def subjects(kind):
    """{recipient address: subject of the latest e-mail} of the e-mails of a kind (in the order they were written:
    without it PostgreSQL may return an earlier one last)."""
    return {m.to_address: m.subject for m in
            _db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))}


def test_certificate_batch_ready_reaches_the_trainers_and_the_requester(db, completed_cohort, make_user,
                                                                        mail_settings):
    from cpms.certificates.service import batches

    trainer = make_user("trainer", provinces=["Kasaï-Oriental"], email="formateur@test.cpms.example")
    make_user("trainer", provinces=["Kasaï-Oriental"])  # not a trainer of these cohorts
    requester = make_user("me_officer", locale="fr", email="suivi@test.cpms.example")
    old_cohort, _done, _missing = completed_cohort(n=1, trainers=[trainer])
    cohort, _done, _missing = completed_cohort(n=2, trainers=[trainer], names=["Mbuyi", "Ilunga"])

    def finish(cohort, day):
        with time_machine.travel(at(day, 10), tick=False):  # queued and run that day
            batch = batches.request_batch(requester, cohort, base_url="https://cpms.example.org")
            _db.session.commit()
            assert batches.run_pending_batches(workers=1) == 1
        return batch.id

    finish(old_cohort, date(2017, 5, 2))  # a month before reminders were switched on: outside the look-back
    assert sweep(date(2017, 6, 1), "certificate_batch_ready")["claimed"] == 0
    batch_id = finish(cohort, date(2017, 6, 1))
    assert sweep(date(2017, 6, 2), "certificate_batch_ready")["claimed"] == 2
    key = f"certificate_batch:{batch_id}"
    assert received("certificate_batch_ready") == {(f"user:{trainer.id}", key, date(2017, 6, 1)),
                                                   (f"user:{requester.id}", key, date(2017, 6, 1))}
    assert subjects("certificate_batch_ready") == {
        "formateur@test.cpms.example": f"Certificates ready for {cohort.name}",
        "suivi@test.cpms.example": f"Certificats prêts pour {cohort.name}"}
    french = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "suivi@test.cpms.example"))
    assert "2 certificats de " in french.body_text and "prêts depuis le 1 juin 2017" in french.body_text
    assert sweep(date(2017, 6, 3), "certificate_batch_ready")["claimed"] == 0


def test_reporting_period_due_in_a_fiscal_year_starting_in_october(db, make_framework, make_indicator,
                                                                  add_to_framework, make_user, mail_settings):
    from cpms.core.permissions import scope_of
    from cpms.indicators.service.locking import lock_period

    framework = make_framework(fy_month=10)
    add_to_framework(framework, make_indicator())
    programme = framework.programme
    make_framework()  # a programme without indicators reports nothing
    area = make_user("me_officer", provinces=["Kasaï-Oriental"], locale="fr", email="suivi.kor@test.cpms.example")
    national = make_user("me_officer", email="suivi@test.cpms.example")
    make_user("me_officer", provinces=["Haut-Katanga"])
    make_user("project_officer", provinces=["Kasaï-Oriental"])

    # FY2017 runs from 1 October 2016: its first quarter ends on 31 December 2016, reminded 10 days before
    assert sweep(date(2016, 12, 15), "reporting_period_due")["claimed"] == 0
    assert sweep(date(2016, 12, 22), "reporting_period_due")["claimed"] == 2
    key = f"reporting_period:{programme.id}:FY2017-Q1"
    assert received("reporting_period_due") == {(f"user:{area.id}", key, date(2016, 12, 31)),
                                                (f"user:{national.id}", key, date(2016, 12, 31))}
    assert subjects("reporting_period_due") == {
        "suivi.kor@test.cpms.example":
            f"La période de rapport FY2017 Q1 de {programme.code} se termine le 31 déc. 2016",
        "suivi@test.cpms.example": f"Reporting period FY2017 Q1 of {programme.code} ends on Dec 31, 2016"}
    assert sweep(date(2016, 12, 23), "reporting_period_due")["claimed"] == 0
    notification = _db.session.scalar(select(Notification).where(Notification.recipient_key == f"user:{national.id}"))
    assert (notification.link_endpoint, notification.link_values) == (
        "indicators.report", {"programme_id": programme.id, "period": "FY2017-Q1"})

    # the second quarter ended on 31 March and nobody locked it: still due a few days later
    assert sweep(date(2017, 4, 3), "reporting_period_due")["claimed"] == 2
    assert f"Reporting period FY2017 Q2 of {programme.code} ended on Mar 31, 2017 and is not locked" in \
        subjects("reporting_period_due").values()
    # a locked quarter is not due
    lock_period(national, scope_of(national), programme, "FY2017-Q3", today=date(2017, 7, 2))
    _db.session.commit()
    assert sweep(date(2017, 7, 3), "reporting_period_due")["claimed"] == 0
    # the look-back: a quarter that ended three weeks before the first sweep is not dug up
    assert sweep(date(2017, 10, 21), "reporting_period_due")["claimed"] == 0


def test_posting_minimum_ending_reaches_the_project_officers_of_the_posting(db, make_cohort, make_trainee, graduate,
                                                                           make_posting, make_user, mail_settings):
    cohort = make_cohort(end=date(2016, 8, 31))  # certified on 31 August 2016: 36 months end on 31 August 2019
    earlier = make_cohort(end=date(2016, 6, 30))
    staying, left, elsewhere, former = (make_trainee(last_name=name) for name in ("Tshimanga", "Left", "Away", "Old"))
    graduate(cohort, [staying, left, elsewhere])
    graduate(earlier, [former])
    make_posting(staying, "Bipemba", date(2016, 9, 1), function="Chef de poste")
    make_posting(left, "Bipemba", date(2016, 9, 1), date(2018, 1, 15), "resignation")
    make_posting(elsewhere, "Kampemba", date(2016, 9, 1))  # Haut-Katanga: outside the programme's area
    make_posting(former, "Bipemba", date(2016, 7, 1))
    commune_officer = make_user("project_officer", communes=["Bipemba"], locale="fr",
                                email="po.bipemba@test.cpms.example")
    province_officer = make_user("project_officer", provinces=["Kasaï-Oriental"], email="po.kor@test.cpms.example")
    make_user("project_officer", communes=["Muya"])
    make_user("project_officer", provinces=["Haut-Katanga"])
    make_user("me_officer", provinces=["Kasaï-Oriental"])

    # 30 days before by default; the officer certified in June reached the minimum on 30 June, before the look-back
    assert sweep(date(2019, 7, 20), "posting_minimum_ending")["claimed"] == 0
    assert sweep(date(2019, 8, 5), "posting_minimum_ending")["claimed"] == 2
    key = f"officer:{staying.id}"
    assert received("posting_minimum_ending") == {(f"user:{commune_officer.id}", key, date(2019, 8, 31)),
                                                  (f"user:{province_officer.id}", key, date(2019, 8, 31))}
    assert sweep(date(2019, 8, 6), "posting_minimum_ending")["claimed"] == 0
    # not urgent: in the daily digest by default, each officer's in their language
    assert subjects("posting_minimum_ending") == {}
    with time_machine.travel(at(date(2019, 8, 6), 18), tick=False):
        assert send_digests() == 2
    digests = {m.to_address: m.body_text for m in
               _db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest"))}
    assert "Fin de la durée minimale d'affectation le 31 août 2019 : TSHIMANGA Jean" in \
        digests["po.bipemba@test.cpms.example"]
    assert "Minimum posting period ends on Aug 31, 2019: TSHIMANGA Jean" in digests["po.kor@test.cpms.example"]
    notification = _db.session.scalar(select(Notification).where(Notification.kind == "posting_minimum_ending",
                                                                 Notification.locale == "en"))
    with force_locale("en"):
        _subject, body = render_parts("deployments/reminders/posting_minimum_ending.txt", notification.context)
    assert "posted at Bipemba as Chef de poste, completes on August 31, 2019 the minimum period of 36 months" in body
