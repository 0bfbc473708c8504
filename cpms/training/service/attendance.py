"""Sessions, the attendance register, rates, streaks of absences, scores and completion.

Rates count only the sessions held while the trainee was enrolled (a late enrolment or a
withdrawal is never counted as absence), and excused absences count neither for nor against:
rate = (present + late) / (present + late + absent), over non-cancelled sessions up to today.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import contains_eager, joinedload, lazyload, load_only, raiseload

from cpms.core.audit import record_event
from cpms.core.bounds import check_period
from cpms.core.errors import DomainError
from cpms.core.models import utcnow
from cpms.extensions import db
from cpms.training import signals
from cpms.training.models import (
    ATTENDANCE_STATUSES,
    Attendance,
    Cohort,
    Enrolment,
    Trainee,
    TrainingSession,
    cohort_trainers,
    full_name,
)
from cpms.training.service.vetting import latest_vetting, latest_vetting_of_cohort, vetting_is_valid

# the most sessions one cohort may have: two sessions a day, six days a week, for a year is ~620
MAX_SESSIONS = 800


def generate_sessions(cohort, *, weekdays, start_time, end_time, holidays=(), topics=()):
    """Create one session per chosen weekday between the cohort's start and end, skipping holidays and
    slots that already exist. Returns the number created. Refused: a closed or cancelled cohort, implausible
    cohort dates, and more than MAX_SESSIONS sessions for the cohort in all (checked before anything is written)."""
    from cpms.training.service.cohorts import check_cohort_open

    check_cohort_open(cohort, _("No session planned"))
    if not weekdays:
        raise DomainError(_("Choose at least one weekday."), field="weekdays")
    if end_time <= start_time:
        raise DomainError(_("The end time must be after the start time."), field="end_time")
    check_period(cohort.start_date, cohort.end_date, _("The start date"), _("The end date"))
    existing = set(db.session.execute(select(TrainingSession.session_date, TrainingSession.start_time)
                                      .where(TrainingSession.cohort_id == cohort.id)).all())
    holidays = set(holidays)
    days = [cohort.start_date + timedelta(days=n) for n in range((cohort.end_date - cohort.start_date).days + 1)]
    new_days = [day for day in days if day.weekday() in weekdays and day not in holidays
                and (day, start_time) not in existing]
    if len(existing) + len(new_days) > MAX_SESSIONS:
        raise DomainError(_("That would give the cohort %(n)s sessions; a cohort has at most %(max)s. "
                            "Choose fewer weekdays or shorten the cohort.",
                            n=format_decimal(len(existing) + len(new_days)), max=format_decimal(MAX_SESSIONS)),
                          field="weekdays")
    topics = [t for t in topics if t] or [""]
    rows = [{"cohort_id": cohort.id, "session_date": day, "start_time": start_time, "end_time": end_time,
             "topic": topics[n % len(topics)], "is_cancelled": False, "created_at": utcnow(), "updated_at": utcnow()}
            for n, day in enumerate(new_days)]
    if rows:
        db.session.execute(TrainingSession.__table__.insert(), rows)
        record_event("create", entity="training_sessions", entity_id=cohort.id,
                     detail=f"{len(rows)} sessions generated for cohort {cohort.id}")
    db.session.flush()
    return len(rows)


def enrolled_for(session):
    """The enrolments of the session's cohort that were active on its day."""
    return and_(Enrolment.cohort_id == session.cohort_id, Enrolment.enrolled_on <= session.session_date,
                or_(Enrolment.withdrawn_on.is_(None), Enrolment.withdrawn_on > session.session_date))


def register(session, with_rank=False):
    """The register of one session: (enrolment, trainee, status or None) for every trainee enrolled that
    day, in two queries whatever the cohort size (`with_rank`: the officers' rank too, for the sign-in sheet)."""
    # only the columns a register shows: loading 450 whole officers with their rank and commune cost more than
    # the rest of the page
    enrolments = db.session.execute(
        select(Enrolment, Trainee).join(Trainee, Trainee.id == Enrolment.trainee_id)
        .where(enrolled_for(session))
        .options(load_only(Enrolment.id, raiseload=True),
                 load_only(Trainee.id, Trainee.matricule, Trainee.last_name, Trainee.post_name, Trainee.first_name,
                           *([Trainee.rank_id] if with_rank else []), raiseload=True),
                 *([joinedload(Trainee.rank)] if with_rank else []), raiseload("*"))
        .order_by(Trainee.last_name, Trainee.first_name, Trainee.id)).all()
    marks = dict(db.session.execute(select(Attendance.enrolment_id, Attendance.status)
                                    .where(Attendance.session_id == session.id)).all())
    return [(enrolment, trainee, marks.get(enrolment.id)) for enrolment, trainee in enrolments]


@dataclass
class RegisterStatus:
    """How far a session's register was taken: `expected` trainees enrolled that day, `marked` of them marked.
    States: planned (a later day), today (today's session, nothing marked yet), not_taken, partly, taken."""
    session_id: int
    expected: int
    marked: int
    held: bool
    is_today: bool = False
    attended: int = 0  # present or late
    counted: int = 0  # marked present, late or absent (an excused absence does not count)

    @property
    def rate(self):
        """Share of the counted marks that attended, in percent (one decimal); None before any count."""
        return round(100.0 * self.attended / self.counted, 1) if self.counted else None

    @property
    def state(self):
        if not self.held:
            return "planned"
        if self.is_today and not self.marked:
            return "today"
        if self.expected == 0 or self.marked >= self.expected:
            return "taken"
        return "partly" if self.marked else "not_taken"


def register_status(cohort_id, today=None):
    """{session_id: RegisterStatus} for the cohort's sessions (cancelled ones left out), in one grouped query."""
    today = today or date.today()
    active = and_(Enrolment.cohort_id == TrainingSession.cohort_id, Enrolment.enrolled_on <= TrainingSession.session_date,
                  or_(Enrolment.withdrawn_on.is_(None), Enrolment.withdrawn_on > TrainingSession.session_date))
    rows = db.session.execute(
        select(TrainingSession.id, TrainingSession.session_date, func.count(Enrolment.id), func.count(Attendance.status),
               func.coalesce(func.sum(case((Attendance.status.in_(("present", "late")), 1), else_=0)), 0),
               func.coalesce(func.sum(case((Attendance.status.in_(("present", "late", "absent")), 1), else_=0)), 0))
        .select_from(TrainingSession)
        .outerjoin(Enrolment, active)
        .outerjoin(Attendance, and_(Attendance.session_id == TrainingSession.id,
                                    Attendance.enrolment_id == Enrolment.id))
        .where(TrainingSession.cohort_id == cohort_id, TrainingSession.is_cancelled.is_(False))
        .group_by(TrainingSession.id, TrainingSession.session_date)).all()
    return {session_id: RegisterStatus(session_id, expected, marked, day <= today, day == today, int(attended),
                                       int(counted))
            for session_id, day, expected, marked, attended, counted in rows}


def attendance_chart(sessions, registers, threshold, fmt):
    """The chart of the attendance rate per session held (cancelled and later sessions left out) against the
    course's required attendance, from the cohort's sessions and their `register_status`: no query."""
    from cpms.core.charts import trend_chart

    held = [s for s in sessions if s.id in registers and registers[s.id].held and registers[s.id].counted]
    return trend_chart([format_date(s.session_date, "d MMM") for s in held], [registers[s.id].rate for s in held],
                       [threshold] * len(held), fmt=fmt, max_labels=4)


def upcoming_sessions(user, today=None, days=7):
    """Ids of the sessions (not cancelled) of the cohorts the user trains, from today to `days` ahead: the registers
    a trainer's phone keeps for use offline. One query, at most 30."""
    today = today or date.today()
    return list(db.session.scalars(
        select(TrainingSession.id)
        .join(cohort_trainers, cohort_trainers.c.cohort_id == TrainingSession.cohort_id)
        .where(cohort_trainers.c.user_id == user.id, TrainingSession.is_cancelled.is_(False),
               TrainingSession.session_date.between(today, today + timedelta(days=days)))
        .order_by(TrainingSession.session_date, TrainingSession.id).limit(30)))


def check_session_open(session):
    """DomainError unless attendance can be recorded for the session: cohort not closed, session not cancelled,
    not in the future."""
    from cpms.training.service.cohorts import check_cohort_open

    check_cohort_open(db.session.get(Cohort, session.cohort_id), _("Attendance not recorded"))
    if session.is_cancelled:
        raise DomainError(_("This session is cancelled; attendance cannot be recorded."))
    if session.session_date > date.today():
        raise DomainError(_("This session has not taken place yet."))


def record_attendance(actor, session, marks):
    """Save a whole register: {enrolment_id: status}. One bulk upsert, so saving twice or retrying after a
    dropped connection never duplicates a mark. Refused (nothing saved): unknown status, a trainee not
    enrolled in this cohort on that day, a cancelled or future session."""
    check_session_open(session)
    _check_marks(session, marks)
    if not marks:
        return 0
    _upsert_marks(actor, session, marks)
    return len(marks)


def _check_marks(session, marks):
    """DomainError (nothing saved) for an unknown status or a trainee not enrolled in the cohort on that day."""
    bad = sorted({status for status in marks.values() if status not in ATTENDANCE_STATUSES})
    if bad:
        raise DomainError(_("Unknown attendance status: %(values)s.", values=", ".join(map(str, bad))))
    allowed = set(db.session.scalars(
        select(Enrolment.id).where(enrolled_for(session))))
    strangers = set(marks) - allowed
    if strangers:
        raise DomainError(_("%(n)d marks are for trainees not enrolled in this cohort on that day; reload the register.",
                            n=len(strangers)))


def _upsert_marks(actor, session, marks):
    """One bulk upsert of {enrolment_id: status}, audited once."""
    now = utcnow()
    rows = [{"session_id": session.id, "enrolment_id": enrolment_id, "status": status, "recorded_at": now,
             "recorded_by_id": getattr(actor, "id", None)} for enrolment_id, status in marks.items()]
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # one single-row upsert executed for every mark (executemany): compiling a 450-row VALUES list took longer
    # than the rest of the save
    statement = insert(Attendance.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["session_id", "enrolment_id"],
        set_={"status": statement.excluded.status, "recorded_at": statement.excluded.recorded_at,
              "recorded_by_id": statement.excluded.recorded_by_id})
    db.session.execute(statement, rows)
    counts = {status: sum(1 for s in marks.values() if s == status) for status in ATTENDANCE_STATUSES}
    record_event("update", actor=actor, entity="training_sessions", entity_id=session.id,
                 detail="attendance saved", changes=counts)
    db.session.flush()
    signals.cohort_results_changed.send(db.session.get(Cohort, session.cohort_id))


def sync_register(actor, session, marks, base=None):
    """Save marks sent by a device, possibly long after they were made (offline) and possibly twice (a replay
    after a dropped answer). `base` is {enrolment_id: status or None} as the device last saw it from the server.

    Per mark, the status stored now is the version: a mark already stored as sent is left alone (a replay has no
    effect, not even an audit event); a mark whose stored status differs from the device's base was changed by
    someone else meanwhile and is NOT overwritten but returned as a conflict {enrolment_id: (theirs, mine)}; the
    rest is written. Returns {"saved", "unchanged", "conflicts", "counts"} (counts: the whole register now,
    including "unmarked")."""
    check_session_open(session)
    _check_marks(session, marks)
    base = base or {}
    stored = dict(db.session.execute(select(Attendance.enrolment_id, Attendance.status)
                                     .where(Attendance.session_id == session.id)).all())
    changed, conflicts, unchanged = {}, {}, 0
    for enrolment_id, status in marks.items():
        theirs = stored.get(enrolment_id)
        if theirs == status:
            unchanged += 1
        elif enrolment_id in base and base[enrolment_id] != theirs:
            conflicts[enrolment_id] = (theirs, status)
        else:
            changed[enrolment_id] = status
    if changed:
        _upsert_marks(actor, session, changed)
    stored.update(changed)
    expected = db.session.scalar(select(func.count(Enrolment.id)).where(enrolled_for(session)))
    counts = {status: sum(1 for s in stored.values() if s == status) for status in ATTENDANCE_STATUSES}
    counts["unmarked"] = max(expected - sum(counts.values()), 0)
    return {"saved": len(changed), "unchanged": unchanged, "conflicts": conflicts, "counts": counts}


def _held_sessions(cohort_id, today):
    return and_(TrainingSession.cohort_id == cohort_id, TrainingSession.is_cancelled.is_(False),
                TrainingSession.session_date <= today)


def _count(status):
    return func.sum(case((Attendance.status == status, 1), else_=0))


def _counts_query(today):
    """Marks per enrolment over the sessions held while enrolled (filter it by cohort or trainee)."""
    return (select(Enrolment.id, _count("present"), _count("late"), _count("excused"), _count("absent"))
            .select_from(Enrolment)
            .join(TrainingSession, and_(TrainingSession.cohort_id == Enrolment.cohort_id,
                                        TrainingSession.is_cancelled.is_(False), TrainingSession.session_date <= today,
                                        TrainingSession.session_date >= Enrolment.enrolled_on,
                                        or_(Enrolment.withdrawn_on.is_(None),
                                            TrainingSession.session_date < Enrolment.withdrawn_on)))
            .join(Attendance, and_(Attendance.session_id == TrainingSession.id, Attendance.enrolment_id == Enrolment.id))
            .group_by(Enrolment.id))


def attendance_counts(cohort_id, today=None):
    """{enrolment_id: {present, late, excused, absent, rate}} of a cohort, in one GROUP BY query."""
    return _rates(db.session.execute(_counts_query(today or date.today()).where(Enrolment.cohort_id == cohort_id)))


def attendance_counts_for_trainee(trainee_id, today=None):
    return _rates(db.session.execute(_counts_query(today or date.today()).where(Enrolment.trainee_id == trainee_id)))


def training_history(trainee):
    """Every enrolment of a trainee with its cohort, course and attendance counts (three queries)."""
    rows = db.session.execute(select(Enrolment, Cohort).join(Cohort, Cohort.id == Enrolment.cohort_id)
                              .where(Enrolment.trainee_id == trainee.id).order_by(Cohort.start_date.desc())).all()
    counts = attendance_counts_for_trainee(trainee.id)
    return [(enrolment, cohort, counts.get(enrolment.id)) for enrolment, cohort in rows]


def _rates(rows):
    result = {}
    for enrolment_id, present, late, excused, absent in rows:
        counted = present + late + absent
        result[enrolment_id] = {"present": present, "late": late, "excused": excused, "absent": absent,
                                "rate": round(100.0 * (present + late) / counted, 1) if counted else None}
    return result


def cohort_rate(counts):
    attended = sum(c["present"] + c["late"] for c in counts.values())
    counted = sum(c["present"] + c["late"] + c["absent"] for c in counts.values())
    return round(100.0 * attended / counted, 1) if counted else None


def longest_absence_streaks(cohort_id, today=None):
    """{enrolment_id: longest run of consecutive unexcused absences}: one read of the marks ordered by trainee and
    date, then one pass (cheaper than the window functions it replaced: the same streaks in a third of the time)."""
    today = today or date.today()
    # through the session's connection, not the ORM: ~40,000 plain (id, status) rows, which the ORM's result
    # processing doubled the cost of reading
    marks = db.session.connection().execute(
        select(Attendance.enrolment_id, Attendance.status)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(_held_sessions(cohort_id, today))
        .order_by(Attendance.enrolment_id, TrainingSession.session_date, TrainingSession.id)).all()
    longest, current, run = {}, None, 0
    for enrolment_id, status in marks:
        if enrolment_id != current:
            current, run = enrolment_id, 0
        if status == "absent":
            run += 1
            if run > longest.get(enrolment_id, 0):
                longest[enrolment_id] = run
        else:
            run = 0
    return longest


def record_scores(cohort, scores):
    """Save the score grid: {enrolment_id: {"pre_score", "post_score", "final_score"}} (None clears).
    Refused, with nothing saved: a closed or cancelled cohort, a score outside 0–100, an enrolment of another
    cohort."""
    from cpms.training.service.cohorts import check_cohort_open

    check_cohort_open(cohort, _("Scores not saved"))
    enrolments = {e.id: e for e in db.session.scalars(select(Enrolment).where(Enrolment.cohort_id == cohort.id))}
    for enrolment_id, values in scores.items():
        if enrolment_id not in enrolments:
            raise DomainError(_("A score is for a trainee who is not in this cohort; reload the page."))
        for name, value in values.items():
            if value is not None and not 0 <= value <= 100:
                trainee = enrolments[enrolment_id].trainee
                raise DomainError(_("%(name)s: scores must be between 0 and 100.", name=trainee.full_name))
    for enrolment_id, values in scores.items():
        for name, value in values.items():
            setattr(enrolments[enrolment_id], name, value)
    db.session.flush()
    signals.cohort_results_changed.send(cohort)


@dataclass
class Completion:
    enrolment: object
    trainee: object
    counts: dict
    streak: int
    vetting_ok: bool
    reasons: list = field(default_factory=list)

    @property
    def completed(self):
        return not self.reasons


def cohort_completion(cohort, today=None):
    """Completion of every enrolment, with the reasons when not met: the cohort has ended (nobody completes a
    course before its end date), attendance ≥ the course threshold over the sessions held while enrolled, final
    score ≥ pass mark, vetting approved where the programme requires it, not withdrawn."""
    course = cohort.course
    today = today or date.today()
    not_ended = None if cohort.has_ended(today) else _("the cohort has not ended (it ends on %(date)s)",
                                                        date=format_date(cohort.end_date))
    counts = attendance_counts(cohort.id, today)
    streaks = longest_absence_streaks(cohort.id, today)
    # not the officers' rank and commune (joined by default): nobody shows them here, and for 450 officers
    # loading them cost more than the rates; enrolment.trainee is filled from the explicit join (its default
    # eager load would join trainees a second time, with their rank and commune); the rank and commune are left
    # out on both paths to the officer, as the enrolment's trainee too (else joined there all the same)
    rows = db.session.execute(select(Enrolment, Trainee).join(Trainee, Trainee.id == Enrolment.trainee_id)
                              .where(Enrolment.cohort_id == cohort.id)
                              .options(contains_eager(Enrolment.trainee).options(lazyload(Trainee.rank),
                                                                                  lazyload(Trainee.commune)),
                                       lazyload(Trainee.rank), lazyload(Trainee.commune))
                              .order_by(Trainee.last_name, Trainee.first_name, Trainee.id)).all()
    requires_vetting = cohort.programme.requires_vetting
    vettings = latest_vetting([t.id for _e, t in rows]) if requires_vetting else {}
    # each reason translated once for the cohort, then filled in for each row (450 look-ups of the same few
    # messages cost more than the rest of the loop); without variables _() returns the message as it is
    withdrawn, low_attendance, no_score, low_score, not_vetted = (
        _("withdrawn on %(date)s"), _("attendance %(rate)s %% below the %(threshold)d %% required"),
        _("no final exam score"), _("final score %(score)s below the pass mark %(mark)d"),
        _("human-rights vetting not approved"))
    result = []
    for enrolment, trainee in rows:
        c = counts.get(enrolment.id) or {"present": 0, "late": 0, "excused": 0, "absent": 0, "rate": None}
        vetting_ok = not requires_vetting or vetting_is_valid(vettings.get(trainee.id), cohort.start_date)
        item = Completion(enrolment, trainee, c, streaks.get(enrolment.id, 0), vetting_ok)
        if not_ended:
            item.reasons.append(not_ended)
        if enrolment.withdrawn_on:
            item.reasons.append(withdrawn % {"date": enrolment.withdrawn_on.isoformat()})
        if c["rate"] is None or c["rate"] < course.attendance_threshold:
            item.reasons.append(low_attendance % {"rate": "–" if c["rate"] is None else c["rate"],
                                                  "threshold": course.attendance_threshold})
        if enrolment.final_score is None:
            item.reasons.append(no_score)
        elif enrolment.final_score < course.pass_mark:
            item.reasons.append(low_score % {"score": f"{enrolment.final_score:g}", "mark": course.pass_mark})
        if not vetting_ok:
            item.reasons.append(not_vetted)
        result.append(item)
    return result


def knowledge_gain(cohort_id):
    """Mean pre- and post-test scores by sex and overall: [(sex or None, n, mean pre, mean post)]."""
    base = (select(Trainee.sex, func.count(), func.avg(Enrolment.pre_score), func.avg(Enrolment.post_score))
            .join(Trainee, Trainee.id == Enrolment.trainee_id)
            .where(Enrolment.cohort_id == cohort_id, Enrolment.pre_score.is_not(None), Enrolment.post_score.is_not(None)))
    by_sex = db.session.execute(base.group_by(Trainee.sex).order_by(Trainee.sex)).all()
    overall = db.session.execute(base.with_only_columns(literal(None), func.count(), func.avg(Enrolment.pre_score),
                                                        func.avg(Enrolment.post_score))).one()
    return [tuple(row) for row in by_sex] + [tuple(overall)]


# --- the cohort page: every attendance figure from one read of the marks ----------------------------------------


@dataclass
class CohortMarks:
    """What one read of a cohort's marks gives : the same figures as `attendance_counts`,
    `longest_absence_streaks` and `register_status`, computed together."""
    counts: dict
    streaks: dict
    registers: dict


_TALLY = {"present": 0, "late": 1, "excused": 2, "absent": 3}


def cohort_marks(cohort_id, enrolments, sessions, today=None):
    """Counts per enrolment, longest absence streaks and the register status of each session, from ONE read of the
    cohort's marks instead of three statements over the same marks.

    `enrolments`: (id, enrolled_on, withdrawn_on) of every enrolment of the cohort; `sessions`: the cohort's sessions
    (id, session_date, is_cancelled) – the page reads both anyway. The rules are those of the three functions: counts
    and rates over the held sessions while enrolled, streaks along every held session's marks in (date, id) order,
    register status over the trainees enrolled on each non-cancelled session's day."""
    today = today or date.today()
    # plain rows (~40,000 for 450 trainees), in the order of the sessions' (cohort, day, time) index: no sort, and
    # each session's marks come together
    result = db.session.connection().execute(
        select(Attendance.session_id, Attendance.enrolment_id, Attendance.status)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(TrainingSession.cohort_id == cohort_id, TrainingSession.is_cancelled.is_(False))
        .order_by(TrainingSession.session_date, TrainingSession.start_time, TrainingSession.id))
    try:
        # the driver's own tuples (ints and a string: nothing to convert), not SQLAlchemy rows: a Row is an object
        # the garbage collector tracks, and 40,000 of them, alive through the pass, were walked by every collection
        # the page set off – the costlier the larger the worker's heap (2× the page's time after a PDF render)
        # – where the collector stops tracking a tuple of plain values the first time it sees it
        rows = result.cursor.fetchall()
    finally:
        result.close()
    by_session = {session_id: list(marks) for session_id, marks in groupby(rows, key=itemgetter(0))}
    held_days = [day for _id, day, is_cancelled in sessions if not is_cancelled]
    windows = {enrolment_id: (enrolled_on, withdrawn_on) for enrolment_id, enrolled_on, withdrawn_on in enrolments}
    # most officers are enrolled from before the first session to after the last: their window is not checked again
    always = {enrolment_id for enrolment_id, (enrolled_on, withdrawn_on) in windows.items()
              if held_days and enrolled_on <= min(held_days) and (withdrawn_on is None or withdrawn_on > max(held_days))}
    sometimes = [(enrolment_id, window) for enrolment_id, window in windows.items() if enrolment_id not in always]
    tallies, longest, run, registers = {enrolment_id: [0, 0, 0, 0] for enrolment_id in windows}, {}, {}, {}
    for session_id, day, is_cancelled in sorted(sessions, key=lambda s: (s[1], s[0])):  # as the streaks' order
        if is_cancelled:
            continue
        enrolled = always.union(enrolment_id for enrolment_id, (enrolled_on, withdrawn_on) in sometimes
                                if enrolled_on <= day and (withdrawn_on is None or withdrawn_on > day))
        registers[session_id] = _read_session(session_id, day, today, by_session.get(session_id, ()), enrolled,
                                              tallies, longest, run)
    return CohortMarks(_rates((enrolment_id, *tally) for enrolment_id, tally in tallies.items() if any(tally)),
                       longest, registers)


def _read_session(session_id, day, today, marks, enrolled, tallies, longest, run):
    """One session's marks (session_id, enrolment_id, status), in `cohort_marks`' pass: adds them to the `tallies`
    of the officers `enrolled` that day (if the session is held) and to everyone's runs of absences (if held), and
    returns the session's RegisterStatus."""
    held = day <= today
    statuses = [status for _session, enrolment_id, status in marks if enrolment_id in enrolled]
    counted = len(statuses) - statuses.count("excused")
    status = RegisterStatus(session_id, len(enrolled), len(statuses), held, day == today,
                            counted - statuses.count("absent"), counted)
    if not held:
        return status
    for _session, enrolment_id, mark in marks:
        if enrolment_id in enrolled:
            tallies[enrolment_id][_TALLY[mark]] += 1
        if mark == "absent":
            streak = run[enrolment_id] = run.get(enrolment_id, 0) + 1
            if streak > longest.get(enrolment_id, 0):
                longest[enrolment_id] = streak
        else:
            run[enrolment_id] = 0
    return status


class TraineeAttendance(NamedTuple):
    """One line of the cohort page's trainee table: plain values, no ORM object (450 of them)."""
    enrolment_id: int
    enrolled_on: date
    withdrawn_on: date | None
    withdrawal_reason: str | None
    trainee_id: int
    matricule: str
    full_name: str
    sex: str
    counts: dict
    streak: int
    vetting_ok: bool


def cohort_attendance(cohort, sessions, today=None):
    """The cohort page's trainees, in name order, with their attendance counts, longest absence streak and vetting,
    and the register status of each session: (rows, CohortMarks). `sessions`: the cohort's sessions (the page shows
    them). Four statements whatever the cohort's size: enrolments, marks, and (if the programme requires it) the
    latest vetting of each officer."""
    today = today or date.today()
    enrolments = db.session.execute(
        select(Enrolment.id, Enrolment.enrolled_on, Enrolment.withdrawn_on, Enrolment.withdrawal_reason, Trainee.id,
               Trainee.matricule, Trainee.last_name, Trainee.post_name, Trainee.first_name, Trainee.sex)
        .join(Trainee, Trainee.id == Enrolment.trainee_id).where(Enrolment.cohort_id == cohort.id)
        .order_by(Trainee.last_name, Trainee.first_name, Trainee.id)).all()
    marks = cohort_marks(cohort.id, [row[:3] for row in enrolments],
                         [(s.id, s.session_date, s.is_cancelled) for s in sessions], today)
    requires_vetting = cohort.programme.requires_vetting
    vettings = latest_vetting_of_cohort(cohort.id) if requires_vetting else {}
    no_marks = {"present": 0, "late": 0, "excused": 0, "absent": 0, "rate": None}
    rows = [TraineeAttendance(enrolment_id, enrolled_on, withdrawn_on, reason, trainee_id, matricule,
                              full_name(last_name, post_name, first_name), sex, marks.counts.get(enrolment_id, no_marks),
                              marks.streaks.get(enrolment_id, 0),
                              not requires_vetting or vetting_is_valid(vettings.get(trainee_id), cohort.start_date))
            for (enrolment_id, enrolled_on, withdrawn_on, reason, trainee_id, matricule, last_name, post_name,
                 first_name, sex) in enrolments]
    return rows, marks
