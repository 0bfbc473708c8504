"""Training rules: matricules, the vetting gate, rates with late enrolment and withdrawal, idempotent
registers, streaks of absences, scores and completion."""
import random
from datetime import date, time

import pytest
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Attendance, TrainingSession
from cpms.training.service import attendance
from tests.conftest import english


def test_matricule_is_normalised_and_unique(app, make_trainee):
    trainee = make_trainee(matricule=" 1.234 567-8 ")
    assert trainee.matricule == "12345678"
    with english(app), pytest.raises(DomainError, match="already has the matricule 12345678"):
        make_trainee(matricule="12345678")


def test_vetting_gate_names_each_refused_trainee(app, make_trainee, make_cohort):
    cohort = make_cohort(requires_vetting=True)
    approved, pending, never = make_trainee(last_name="Mbuyi"), make_trainee(last_name="Ilunga"), make_trainee(last_name="Kasongo")
    with english(app):
        service.record_vetting(approved, submitted_on=date(2016, 1, 5), status="approved", decided_on=date(2016, 2, 1))
        service.record_vetting(pending, submitted_on=date(2016, 1, 5))
        _db.session.commit()
        with pytest.raises(DomainError) as refused:
            service.enrol_trainees(cohort, [approved.id, pending.id, never.id])
    assert "ILUNGA" in refused.value.message and "vetting pending" in refused.value.message
    assert "KASONGO" in refused.value.message and "never submitted" in refused.value.message
    assert "MBUYI" not in refused.value.message
    _db.session.rollback()
    assert service.enrol_trainees(cohort, [approved.id])[0].trainee_id == approved.id


def test_expired_vetting_blocks_enrolment(app, make_trainee, make_cohort):
    cohort = make_cohort(requires_vetting=True)
    trainee = make_trainee()
    with english(app):
        service.record_vetting(trainee, submitted_on=date(2015, 1, 5), status="approved",
                               decided_on=date(2015, 2, 1), expires_on=date(2016, 1, 1))
        with pytest.raises(DomainError, match="requires approved human-rights vetting"):
            service.enrol_trainees(cohort, [trainee.id])


def test_capacity_is_enforced(app, make_trainee, make_cohort):
    cohort = make_cohort(capacity=2)
    ids = [make_trainee().id for _ in range(3)]
    with english(app), pytest.raises(DomainError, match="2 places left; you chose 3"):
        service.enrol_trainees(cohort, ids)


def _sessions(cohort, days):
    for day in days:
        _db.session.add(TrainingSession(cohort_id=cohort.id, session_date=day, start_time=time(8), end_time=time(12)))
    _db.session.commit()
    return {s.session_date: s for s in _db.session.scalars(select(TrainingSession).where(TrainingSession.cohort_id == cohort.id))}


def test_generate_sessions_skips_holidays_weekends_and_existing(app, make_cohort):
    cohort = make_cohort(start=date(2016, 3, 28), end=date(2016, 4, 10))
    with english(app):
        created = attendance.generate_sessions(cohort, weekdays={0, 1, 2, 3, 4}, start_time=time(8),
                                               end_time=time(12), holidays=[date(2016, 3, 28)], topics=["Droits humains", "VSBG"])
        again = attendance.generate_sessions(cohort, weekdays={0, 1, 2, 3, 4}, start_time=time(8), end_time=time(12))
    assert created == 9 and again == 1  # two weeks of weekdays minus the holiday; then only the holiday slot
    topics = [s.topic for s in _db.session.scalars(select(TrainingSession).order_by(TrainingSession.session_date))]
    assert topics[:3] == ["", "Droits humains", "VSBG"]  # the later slot (28 March) has no topic


def test_rates_ignore_sessions_before_enrolment_and_after_withdrawal(app, make_trainee, make_cohort):
    cohort = make_cohort()
    early, late, leaver = make_trainee(), make_trainee(), make_trainee()
    days = [date(2016, 4, d) for d in (4, 5, 6, 7, 8)]
    sessions = _sessions(cohort, days)
    e_early = service.enrol_trainees(cohort, [early.id], enrolled_on=date(2016, 4, 4))[0]
    e_leaver = service.enrol_trainees(cohort, [leaver.id], enrolled_on=date(2016, 4, 4))[0]
    e_late = service.enrol_trainees(cohort, [late.id], enrolled_on=date(2016, 4, 6))[0]
    _db.session.commit()
    with english(app):
        service.withdraw_enrolment(e_leaver, withdrawn_on=date(2016, 4, 6), reason="Affecté ailleurs")
        marks = {4: {e_early.id: "present", e_leaver.id: "absent"},
                 5: {e_early.id: "absent", e_leaver.id: "present"},
                 6: {e_early.id: "late", e_late.id: "present"},
                 7: {e_early.id: "excused", e_late.id: "absent"},
                 8: {e_early.id: "present", e_late.id: "present"}}
        for day, day_marks in marks.items():
            attendance.record_attendance(None, sessions[date(2016, 4, day)], day_marks)
        with pytest.raises(DomainError, match="not enrolled"):
            attendance.record_attendance(None, sessions[date(2016, 4, 8)], {e_leaver.id: "present"})
    _db.session.commit()
    counts = attendance.attendance_counts(cohort.id, today=date(2016, 4, 30))
    assert counts[e_early.id] == {"present": 2, "late": 1, "excused": 1, "absent": 1, "rate": 75.0}  # 3 of 4 (excused not counted)
    assert counts[e_late.id]["rate"] == pytest.approx(66.7)   # 2 of the 3 sessions since 6 April
    assert counts[e_leaver.id]["rate"] == 50.0                 # 1 of the 2 sessions before 6 April
    assert attendance.cohort_rate(counts) == pytest.approx(100 * 6 / 9, abs=0.05)


def test_saving_a_register_twice_keeps_one_mark_each(app, make_trainee, make_cohort):
    cohort = make_cohort()
    sessions = _sessions(cohort, [date(2016, 4, 4)])
    enrolments = service.enrol_trainees(cohort, [make_trainee().id for _ in range(5)], enrolled_on=date(2016, 4, 1))
    _db.session.commit()
    session = sessions[date(2016, 4, 4)]
    marks = {e.id: "present" for e in enrolments}
    with english(app):
        attendance.record_attendance(None, session, marks)
        _db.session.commit()
        marks[enrolments[0].id] = "absent"
        attendance.record_attendance(None, session, marks)  # a retry, with one change
        _db.session.commit()
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == 5
    assert _db.session.get(Attendance, (session.id, enrolments[0].id)).status == "absent"


def test_bad_register_saves_nothing(app, make_trainee, make_cohort):
    cohort = make_cohort()
    session = _sessions(cohort, [date(2016, 4, 4)])[date(2016, 4, 4)]
    enrolment = service.enrol_trainees(cohort, [make_trainee().id], enrolled_on=date(2016, 4, 1))[0]
    _db.session.commit()
    with english(app), pytest.raises(DomainError, match="Unknown attendance status: here"):
        attendance.record_attendance(None, session, {enrolment.id: "here"})
    future = _sessions(cohort, [date(2099, 1, 5)])[date(2099, 1, 5)]
    with english(app), pytest.raises(DomainError, match="not taken place yet"):
        attendance.record_attendance(None, future, {enrolment.id: "present"})
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_streaks_and_completion_reasons(app, make_trainee, make_cohort):
    cohort = make_cohort(requires_vetting=True)
    good, absent = make_trainee(last_name="Ngalula", sex="F"), make_trainee(last_name="Tshibangu")
    with english(app):
        for t in (good, absent):
            service.record_vetting(t, submitted_on=date(2016, 1, 5), status="approved", decided_on=date(2016, 2, 1))
    days = [date(2016, 4, d) for d in (4, 5, 6, 7, 8)]
    sessions = _sessions(cohort, days)
    e_good, e_absent = service.enrol_trainees(cohort, [good.id, absent.id])
    _db.session.commit()
    pattern = ["present", "absent", "absent", "absent", "present"]
    with english(app):
        for day, status in zip(days, pattern):
            attendance.record_attendance(None, sessions[day], {e_good.id: "present", e_absent.id: status})
        attendance.record_scores(cohort, {e_good.id: {"pre_score": 40, "post_score": 70, "final_score": 65},
                                                e_absent.id: {"pre_score": 50, "post_score": 60, "final_score": 45}})
        _db.session.commit()
        with pytest.raises(DomainError, match="between 0 and 100"):
            attendance.record_scores(cohort, {e_good.id: {"final_score": 120}})
        _db.session.rollback()
        # a denial after enrolment blocks completion
        service.record_vetting(good, submitted_on=date(2016, 5, 1), status="denied", decided_on=date(2016, 5, 20))
        _db.session.commit()
        rows = {r.trainee.id: r for r in attendance.cohort_completion(cohort, today=date(2016, 9, 1))}
    assert attendance.longest_absence_streaks(cohort.id, today=date(2016, 9, 1)) == {e_absent.id: 3}
    assert rows[good.id].reasons == ["human-rights vetting not approved"]
    assert rows[absent.id].reasons == ["attendance 40.0 % below the 80 % required", "final score 45 below the pass mark 50"]
    gain = attendance.knowledge_gain(cohort.id)
    assert gain[-1][1] == 2 and gain[-1][2] == pytest.approx(45) and gain[-1][3] == pytest.approx(65)
    assert [(g[0], g[2], g[3]) for g in gain[:-1]] == [("F", 40, 70), ("M", 50, 60)]


def _longest_run_of_absences(marks):
    """The definition, on a row of marks in session order: the longest run of "absent" not broken by any other mark
    (present, late, excused); a session without a mark breaks nothing."""
    longest = run = 0
    for status in marks:
        run = run + 1 if status == "absent" else 0
        longest = max(longest, run)
    return longest


def test_streaks_match_their_definition_on_a_made_up_register(app, make_trainee, make_cohort):
    """Seven officers over twelve held sessions (one more cancelled, one after today): the streaks of the cohort
    page are the longest runs of absences read along each officer's row, in session order."""
    cohort = make_cohort()
    trainees = [make_trainee(last_name=f"Registre{n}") for n in range(7)]
    enrolments = service.enrol_trainees(cohort, [t.id for t in trainees])
    days = [date(2016, 4, d) for d in (4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 18, 19)]
    cancelled, future = date(2016, 4, 20), date(2016, 4, 21)
    shuffled = days[:]
    random.Random(6).shuffle(shuffled)
    sessions = _sessions(cohort, [*shuffled, cancelled, future])  # created out of date order
    sessions[cancelled].is_cancelled = True
    today = date(2016, 4, 20)
    rows = {
        enrolments[0].id: "A A A P A A L A A A A E".split(),  # a run of 4 after a late mark
        enrolments[1].id: "A A E A A A - A A P A A".split(),  # an unmarked session does not break the run: 5
        enrolments[2].id: "P P P P P P P P P P P P".split(),  # no absence: not in the result
        enrolments[3].id: "A A A A A A A A A A A A".split(),  # every session: 12
    }
    draw = random.Random(22)  # fixed seed: the same register every run
    for enrolment in enrolments[4:]:
        rows[enrolment.id] = [draw.choice("AAAPLE-") for _day in days]
    status = {"A": "absent", "P": "present", "L": "late", "E": "excused"}
    for enrolment_id, marks in rows.items():
        for day, mark in zip(days, marks):
            if mark != "-":
                _db.session.add(Attendance(session_id=sessions[day].id, enrolment_id=enrolment_id,
                                           status=status[mark]))
        # absences on the cancelled session and after today count for nothing
        for day in (cancelled, future):
            _db.session.add(Attendance(session_id=sessions[day].id, enrolment_id=enrolment_id, status="absent"))
    _db.session.commit()
    expected = {enrolment_id: _longest_run_of_absences([status.get(m) for m in marks if m != "-"])
                for enrolment_id, marks in rows.items()}
    expected = {enrolment_id: longest for enrolment_id, longest in expected.items() if longest}
    streaks = attendance.longest_absence_streaks(cohort.id, today=today)
    assert streaks == expected
    assert streaks[enrolments[0].id] == 4 and streaks[enrolments[1].id] == 5 and streaks[enrolments[3].id] == 12
    assert enrolments[2].id not in streaks
    with english(app):
        shown = {row.enrolment.id: row.streak for row in attendance.cohort_completion(cohort, today=today)}
    assert shown == {enrolment.id: expected.get(enrolment.id, 0) for enrolment in enrolments}


def test_enrolments_come_back_in_the_order_the_trainees_were_chosen(app, make_trainee, make_cohort):
    """Callers pair the i-th trainee with the i-th enrolment: the database's row order must not decide it."""
    cohort = make_cohort()
    trainees = [make_trainee(last_name=f"Ordre{i}") for i in range(4)]
    chosen = [trainees[2].id, trainees[0].id, trainees[3].id, trainees[1].id]
    enrolments = service.enrol_trainees(cohort, chosen)
    assert [enrolment.trainee_id for enrolment in enrolments] == chosen


def test_the_cohort_page_reads_the_marks_once_for_the_same_figures(app, make_trainee, make_cohort):
    """The cohort page computes rates, streaks and the register status of each session from one read of the marks
    (`cohort_attendance`): on a made-up register with a late enrolment, a withdrawal with marks after it, two sessions
    on one day, a cancelled and a later session, its figures are those of the three separate statements."""
    cohort = make_cohort(start=date(2016, 4, 4))
    trainees = [make_trainee(last_name=f"Passe{n}") for n in range(6)]
    enrolments = service.enrol_trainees(cohort, [t.id for t in trainees])
    days = [date(2016, 4, d) for d in (4, 5, 6, 7, 8, 11, 12, 13)]
    shuffled = days[:]
    random.Random(4).shuffle(shuffled)
    cancelled, future = date(2016, 4, 14), date(2016, 4, 21)
    sessions = _sessions(cohort, [*shuffled, cancelled, future])
    sessions[cancelled].is_cancelled = True
    afternoon = TrainingSession(cohort_id=cohort.id, session_date=days[2], start_time=time(14), end_time=time(17))
    _db.session.add(afternoon)
    late, withdrawn = enrolments[4], enrolments[5]
    late.enrolled_on = days[3]  # marks before it count for nothing in the rates nor the registers
    withdrawn.withdrawn_on, withdrawn.withdrawal_reason = days[5], "Mutation"
    _db.session.commit()
    status = {"A": "absent", "P": "present", "L": "late", "E": "excused"}
    rows = {  # the 8 days in order, the afternoon session after the third day's
        enrolments[0].id: "A A A A P A A E A".split(),
        enrolments[1].id: "P - A E A L A A A".split(),
        enrolments[2].id: "P P P P P P P P P".split(),
        enrolments[3].id: "- - - - - - - - -".split(),
        late.id: "A A A A A A P P P".split(),
        withdrawn.id: "P P A P A A A A A".split(),
    }
    ordered = [sessions[days[0]], sessions[days[1]], sessions[days[2]], afternoon, *(sessions[d] for d in days[3:])]
    for enrolment_id, marks in rows.items():
        for session, mark in zip(ordered, marks):
            if mark != "-":
                _db.session.add(Attendance(session_id=session.id, enrolment_id=enrolment_id, status=status[mark]))
        for day in (cancelled, future):
            _db.session.add(Attendance(session_id=sessions[day].id, enrolment_id=enrolment_id, status="absent"))
    _db.session.commit()
    today = date(2016, 4, 18)
    with english(app):
        shown, marks = attendance.cohort_attendance(cohort, service.cohort_sessions(cohort.id), today=today)
    assert marks.counts == attendance.attendance_counts(cohort.id, today=today)
    assert marks.streaks == attendance.longest_absence_streaks(cohort.id, today=today)
    assert marks.registers == attendance.register_status(cohort.id, today=today)
    by_id = {row.enrolment_id: row for row in shown}
    # what the page shows, read along the rows by hand
    assert (by_id[enrolments[0].id].counts["absent"], by_id[enrolments[0].id].streak) == (7, 4)
    assert by_id[enrolments[1].id].streak == 3 and by_id[enrolments[1].id].counts["rate"] == 28.6  # 2 of 7 counted
    assert by_id[enrolments[3].id].counts["rate"] is None and by_id[enrolments[3].id].streak == 0
    assert by_id[late.id].counts == {"present": 3, "late": 0, "excused": 0, "absent": 2, "rate": 60.0}
    assert by_id[late.id].streak == 6  # the streak reads every held mark, as the separate statement does
    assert by_id[withdrawn.id].counts["absent"] == 3 and by_id[withdrawn.id].withdrawal_reason == "Mutation"
    assert marks.registers[sessions[days[0]].id].expected == 5 and marks.registers[sessions[days[0]].id].marked == 4
    assert marks.registers[sessions[future].id].expected == 5 and not marks.registers[sessions[future].id].held
    assert sessions[cancelled].id not in marks.registers
    assert [row.full_name.split()[0] for row in shown] == [f"PASSE{n}" for n in range(6)]  # in name order
