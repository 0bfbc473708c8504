"""Courses, cohorts and enrolment (the vetting an enrolment may require: vetting.py)."""
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import lazyload

from cpms.core.audit import record_event
from cpms.core.bounds import PEOPLE_IN_COHORT, check_count, check_date, check_period, check_within
from cpms.core.dashboard import Card, TodayLine, dashboard_provider, kept_rows, today_provider
from cpms.core.errors import DomainError
from cpms.core.permissions import TRAINER, VIEWER
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.training import signals
from cpms.training.models import COURSE_TYPES, Cohort, Course, Enrolment, Trainee, TrainingSession, cohort_trainers
from cpms.training.service.vetting import latest_vetting, vetting_is_valid, vetting_reason

# --- courses --------------------------------------------------------------------------------

def save_course(course=None, **fields):
    code = (fields.get("code") or "").strip().upper()
    if not code:
        raise DomainError(_("Enter a course code."), field="code")
    clash = db.session.scalar(select(Course.id).where(Course.code == code))
    if clash is not None and (course is None or clash != course.id):
        raise DomainError(_("Another course already uses the code %(code)s.", code=code), field="code")
    if fields.get("course_type") not in COURSE_TYPES:
        raise DomainError(_("Choose a course type from the list."), field="course_type")
    for name in ("attendance_threshold", "pass_mark"):
        value = fields.get(name)
        if value is None or not 0 <= value <= 100:
            raise DomainError(_("Enter a percentage between 0 and 100."), field=name)
    course = course or Course()
    course.code = code
    for name in ("title_fr", "title_en", "course_type", "duration_days", "hours", "topics",
                 "attendance_threshold", "pass_mark", "issues_certificate"):
        setattr(course, name, fields.get(name) if fields.get(name) is not None else getattr(course, name))
    db.session.add(course)
    db.session.flush()
    return course


# --- cohorts --------------------------------------------------------------------------------

def stored_status(cohort, today=None):
    """The status column for SQL filters of other domains: a cache of the phase (ended and closed: "completed")."""
    phase = cohort.phase(today)
    return "completed" if phase in ("ended", "closed") else phase


def check_cohort_open(cohort, what):
    """DomainError when the cohort is closed or cancelled: its records are final. `what` says what was refused."""
    phase = cohort.phase()
    if phase == "closed":
        raise DomainError(_("%(what)s: the cohort was closed on %(date)s; its records are final.",
                            what=what, date=format_date(cohort.closed_on)))
    if phase == "cancelled":
        raise DomainError(_("%(what)s: the cohort is cancelled.", what=what))


def _check_cohort_dates(fields, programme, cohort):
    check_period(fields["start_date"], fields["end_date"], _("The start date"), _("The end date"))
    if fields["end_date"] < fields["start_date"]:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    for name, label in (("start_date", _("The start date")), ("end_date", _("The end date"))):
        check_within(fields[name], programme.start_date, programme.end_date, label,
                     _("the programme %(code)s", code=programme.code))
    if cohort is not None and cohort.id is not None:
        outside = db.session.scalar(select(func.count()).select_from(TrainingSession).where(
            TrainingSession.cohort_id == cohort.id, or_(TrainingSession.session_date < fields["start_date"],
                                                        TrainingSession.session_date > fields["end_date"])))
        if outside:
            raise DomainError(_("%(n)d sessions would fall outside the new dates; cancel or move them first.",
                                n=outside), field="start_date")


def _move_enrolment_dates(cohort, start, end):
    """When a cohort's dates change, enrolments dated on its old start move to the new start; any other enrolment
    dated outside the new dates is refused (the caller rolls back)."""
    if cohort is None or cohort.id is None:
        return
    if start != cohort.start_date:
        db.session.execute(update(Enrolment).where(
            Enrolment.cohort_id == cohort.id, Enrolment.enrolled_on == cohort.start_date,
            or_(Enrolment.withdrawn_on.is_(None), Enrolment.withdrawn_on >= start)).values(enrolled_on=start))
    outside = db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.cohort_id == cohort.id, or_(Enrolment.enrolled_on < start, Enrolment.enrolled_on > end)))
    if outside:
        raise DomainError(_("%(n)d enrolments are dated outside the new dates; correct them first.", n=outside),
                          field="start_date")


def save_cohort(cohort=None, *, trainer_ids=(), **fields):
    """Create or edit a cohort. Errors: implausible dates, dates outside the programme's period, sessions outside
    the new dates, unknown commune/course/programme, bad trainers, a closed or cancelled cohort.

    `status` is optional and only "cancelled" is kept as given: otherwise the stored status follows the dates."""
    from cpms.auth.models import User
    from cpms.programmes.models import Programme

    if cohort is not None and cohort.id is not None and cohort.phase() == "closed":
        check_cohort_open(cohort, _("Not saved"))
    check_count(fields.get("capacity"), _("The capacity"), PEOPLE_IN_COHORT)
    if not fields.get("capacity"):
        raise DomainError(_("The capacity must be at least 1."), field="capacity")
    commune = db.session.get(Commune, fields["commune_id"])
    course = db.session.get(Course, fields["course_id"])
    programme = db.session.get(Programme, fields["programme_id"])
    if commune is None or course is None or programme is None:
        raise DomainError(_("Choose the course, programme and commune from the lists."))
    _check_cohort_dates(fields, programme, cohort)
    _move_enrolment_dates(cohort, fields["start_date"], fields["end_date"])
    if commune.province_id not in programme.province_ids:
        raise DomainError(_("The programme %(code)s does not cover the province of %(commune)s.",
                            code=programme.code, commune=commune.name), field="commune_id")
    trainers = db.session.scalars(select(User).where(User.id.in_(list(trainer_ids)), User.role == TRAINER)).all()
    if len(trainers) != len(set(trainer_ids)):
        raise DomainError(_("Choose trainers among the listed trainer accounts."), field="trainer_ids")
    cohort = cohort or Cohort()
    for name in ("name", "course_id", "programme_id", "training_centre", "start_date", "end_date", "capacity"):
        setattr(cohort, name, fields[name])
    # only the cancellation is typed in (any other "status" given means "not cancelled"); the rest follows the dates
    cancelled = fields["status"] == "cancelled" if "status" in fields else cohort.status == "cancelled"
    cohort.status = "planned"
    cohort.status = "cancelled" if cancelled else stored_status(cohort)
    cohort.commune_id, cohort.province_id = commune.id, commune.province_id
    cohort.trainers = list(trainers)
    db.session.add(cohort)
    db.session.flush()
    return cohort


def close_cohort(cohort, actor, today=None):
    """Close an ended cohort: its enrolments, attendance and scores become final. Refused before the end date,
    when already closed or cancelled, and while a held session has no register (not taken)."""
    from cpms.training.service.attendance import register_status

    today = today or date.today()
    phase = cohort.phase(today)
    if phase in ("closed", "cancelled"):
        check_cohort_open(cohort, _("Not closed"))
    if phase != "ended":
        raise DomainError(_("Not closed: the cohort ends on %(date)s; it can be closed the day after.",
                            date=format_date(cohort.end_date)))
    untaken = [s for s in register_status(cohort.id, today).values() if s.state in ("not_taken", "partly")]
    if untaken:
        raise DomainError(_("Not closed: %(n)d held sessions have a register not taken or partly taken.",
                            n=len(untaken)))
    cohort.closed_on = today
    cohort.status = stored_status(cohort, today)
    record_event("update", actor=actor, entity="cohorts", entity_id=cohort.id, detail="cohort closed")
    db.session.flush()
    return cohort


def refresh_cohort_statuses(today=None):
    """Bring the stored status (a cache of the phase) up to date with the calendar; returns the number changed.
    Run daily by the scheduler (jobs.py)."""
    today = today or date.today()
    changed = 0
    for cohort in db.session.scalars(select(Cohort).where(Cohort.status.in_(("planned", "running")))):
        status = stored_status(cohort, today)
        if status != cohort.status:
            cohort.status, changed = status, changed + 1
    db.session.flush()
    return changed


def visible_cohorts(user, scope):
    """Cohorts in the user's area; trainers see only the cohorts they teach."""
    stmt = select(Cohort).where(scope.filter(Cohort.province_id, Cohort.commune_id))
    if user.role == TRAINER:
        stmt = stmt.where(exists().where(cohort_trainers.c.cohort_id == Cohort.id,
                                         cohort_trainers.c.user_id == user.id))
    return stmt.order_by(Cohort.start_date.desc(), Cohort.id.desc())


def can_see_cohort(user):
    def check(cohort, scope):
        if not scope.allows(cohort.province_id, cohort.commune_id):
            return False
        return user.role != TRAINER or any(t.id == user.id for t in cohort.trainers)
    return check


def _trainee_ids(trainees):
    """Trainees given as Trainee objects or ids, without repeats, in the caller's order."""
    return list(dict.fromkeys(t if isinstance(t, int) else t.id for t in trainees))


def check_enrolment_date(cohort, enrolled_on):
    check_date(enrolled_on, _("The enrolment date"))
    check_within(enrolled_on, cohort.start_date, cohort.end_date, _("The enrolment date"), _("the cohort"))


def enrol_trainees(cohort, trainees, enrolled_on=None):
    """Enrol trainees (Trainee objects or ids) in a cohort on `enrolled_on` (default: the cohort's start; a later
    date is a late enrolment), all or none; returns the enrolments in the caller's order.

    Refused, naming the trainees: cohort closed or cancelled, enrolment date outside the cohort's dates, already
    enrolled, capacity exceeded, and – for programmes whose funding requires it – no approved, unexpired vetting
    on the cohort's start date.
    """
    check_cohort_open(cohort, _("Not enrolled"))
    enrolled_on = enrolled_on or cohort.start_date
    check_enrolment_date(cohort, enrolled_on)
    trainee_ids = _trainee_ids(trainees)
    found = {t.id: t for t in db.session.scalars(select(Trainee).where(Trainee.id.in_(trainee_ids)))}
    trainees = [found[trainee_id] for trainee_id in trainee_ids if trainee_id in found]  # in the order asked for
    if len(trainees) != len(trainee_ids) or not trainees:
        raise DomainError(_("Choose trainees from the list."))
    already = set(db.session.scalars(select(Enrolment.trainee_id).where(
        Enrolment.cohort_id == cohort.id, Enrolment.trainee_id.in_(trainee_ids))))
    if already:
        names = ", ".join(t.full_name for t in trainees if t.id in already)
        raise DomainError(_("Already enrolled in this cohort: %(names)s.", names=names))
    current = db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.withdrawn_on.is_(None)))
    if current + len(trainees) > cohort.capacity:
        raise DomainError(_("The cohort has %(free)d places left; you chose %(n)d trainees.",
                            free=max(cohort.capacity - current, 0), n=len(trainees)))
    if cohort.programme.requires_vetting:
        vettings = latest_vetting(trainee_ids)
        refused = [t for t in trainees if not vetting_is_valid(vettings.get(t.id), cohort.start_date)]
        if refused:
            details = "; ".join(f"{t.full_name} ({t.matricule}): {vetting_reason(vettings.get(t.id))}" for t in refused)
            raise DomainError(_("Not enrolled – the programme requires approved human-rights vetting: %(details)s.",
                                details=details))
    enrolments = [Enrolment(cohort_id=cohort.id, trainee_id=t.id, enrolled_on=enrolled_on) for t in trainees]
    db.session.add_all(enrolments)
    db.session.flush()
    return enrolments


def withdraw_enrolment(enrolment, withdrawn_on, reason):
    """Withdraw a trainee on `withdrawn_on` for `reason`. Refused: no reason, already withdrawn, a date before the
    enrolment, after the cohort's end or in the future, a closed or cancelled cohort."""
    cohort = db.session.get(Cohort, enrolment.cohort_id)
    check_cohort_open(cohort, _("Not withdrawn"))
    if enrolment.withdrawn_on is not None:
        raise DomainError(_("%(name)s was already withdrawn on %(date)s.", name=enrolment.trainee.full_name,
                            date=format_date(enrolment.withdrawn_on)))
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for the withdrawal."), field="reason")
    if withdrawn_on is None:
        raise DomainError(_("Enter the withdrawal date."), field="withdrawn_on")
    check_date(withdrawn_on, _("The withdrawal date"))
    if withdrawn_on < enrolment.enrolled_on:
        raise DomainError(_("The withdrawal date cannot be before the enrolment date."), field="withdrawn_on")
    if withdrawn_on > cohort.end_date:
        raise DomainError(_("The withdrawal date cannot be after the end of the cohort (%(date)s).",
                            date=format_date(cohort.end_date)), field="withdrawn_on")
    if withdrawn_on > date.today():
        raise DomainError(_("The withdrawal date cannot be in the future."), field="withdrawn_on")
    enrolment.withdrawn_on, enrolment.withdrawal_reason = withdrawn_on, reason.strip()[:300]
    db.session.flush()
    signals.enrolment_changed.send(enrolment)
    return enrolment


@dashboard_provider(per_user=True)  # its cards: SQL figures of the user's area (and day)
def training_cards(user, scope):
    from flask_babel import lazy_gettext as _l
    # SQL figures: counted by core with the page's other cards, in one statement
    cohorts = select(func.count()).select_from(visible_cohorts(user, scope).order_by(None).with_only_columns(Cohort.id)
                                               .subquery()).scalar_subquery()
    trainees = (select(func.count()).select_from(Trainee).where(scope.filter(Trainee.province_id, Trainee.commune_id))
                .scalar_subquery())
    # viewers see the count but not the list, which holds personal data
    trainee_list = None if user.role == VIEWER else "training.trainee_list"
    return [Card(_l("Cohorts"), cohorts, "training.cohort_list"),
            Card(_l("Trainees in your area"), trainees, trainee_list)]


def enrolment_counts(cohort_ids):
    """{cohort_id: active enrolments} in one query."""
    if not cohort_ids:
        return {}
    return dict(db.session.execute(select(Enrolment.cohort_id, func.count()).where(
        Enrolment.cohort_id.in_(cohort_ids), Enrolment.withdrawn_on.is_(None)).group_by(Enrolment.cohort_id)).all())


def cohort_sessions(cohort_id):
    # the cohort is known: not joined again (with its course, programme and place) for each of ~100 sessions
    return db.session.scalars(select(TrainingSession).where(TrainingSession.cohort_id == cohort_id)
                              .options(lazyload(TrainingSession.cohort))
                              .order_by(TrainingSession.session_date, TrainingSession.start_time)).all()


# --- the trainer's "today" lines -------------------------------------------------------------

TODAY_LINES = 12  # a phone screen's worth; the lists hold the rest


@today_provider(roles={TRAINER})
def trainer_today(user, scope):
    """Registers of the past week not entered (first), today's and this week's sessions with their register
    status, and cohorts ending within 14 days: three queries."""
    from datetime import datetime, timedelta, timezone

    from flask_babel import get_translations

    from cpms.core.templating import format_day, url_pattern
    from cpms.geo.reference import DEFAULT_ZONE
    from cpms.geo.time import local_day
    from cpms.training.models import Attendance

    today = local_day(datetime.now(timezone.utc), DEFAULT_ZONE)

    def mine():
        return (visible_cohorts(user, scope).where(Cohort.status != "cancelled").order_by(None)
                .with_only_columns(Cohort.id))

    def sessions():
        marks = (select(func.count()).select_from(Attendance).where(Attendance.session_id == TrainingSession.id)
                 .scalar_subquery())
        return (select(TrainingSession.id, TrainingSession.session_date, TrainingSession.start_time, Cohort.name, marks)
                .join(Cohort, Cohort.id == TrainingSession.cohort_id)
                .where(TrainingSession.cohort_id.in_(mine()), TrainingSession.is_cancelled.is_(False),
                       TrainingSession.session_date.between(today - timedelta(days=7), today + timedelta(days=6)))
                .order_by(TrainingSession.session_date, TrainingSession.start_time, TrainingSession.id))

    def ending_soon():
        return (select(Cohort.id, Cohort.name, Cohort.end_date)
                .where(Cohort.id.in_(mine()), Cohort.closed_on.is_(None),
                       Cohort.end_date.between(today, today + timedelta(days=14)))
                .order_by(Cohort.end_date, Cohort.id))

    # built once per trainer, area and day (core keeps them): building them cost as much as running them
    rows = kept_rows(user, scope, ("training.today.sessions", today), sessions)
    ending = kept_rows(user, scope, ("training.today.ending", today), ending_soon)
    # only the lines shown are written (a fortnight of sessions can hold thirty), with the catalogue looked up
    # once for all of them rather than once a message
    _ = get_translations().ugettext
    lines = []
    register_url = url_pattern("training.session_register", "session_id")
    for session_id, day, start, cohort, marked in rows:
        if len(lines) == TODAY_LINES:
            break
        if day < today:
            if not marked:
                lines.append(TodayLine(_("Register not entered: %(cohort)s, %(date)s") % {
                    "cohort": cohort, "date": format_day(day, "EEEE d MMMM")}, register_url(session_id), urgent=True))
        elif day == today:
            status = (_("register entered (%(count)d marks)") % {"count": marked} if marked
                      else _("register to enter"))
            lines.append(TodayLine(_("Today at %(time)s: %(cohort)s – %(status)s") % {
                "time": start.strftime("%H:%M"), "cohort": cohort, "status": status}, register_url(session_id)))
        else:
            lines.append(TodayLine(_("%(date)s at %(time)s: %(cohort)s") % {
                "date": format_day(day, "EEEE d MMMM"), "time": start.strftime("%H:%M"), "cohort": cohort},
                register_url(session_id)))
    cohort_url = url_pattern("training.cohort_detail", "cohort_id")
    for cohort_id, name, end in ending[:TODAY_LINES - len(lines)]:
        lines.append(TodayLine(_("%(cohort)s ends on %(date)s") % {"cohort": name, "date": format_day(end, "d MMMM")},
                               cohort_url(cohort_id)))
    return lines  # at most TODAY_LINES
