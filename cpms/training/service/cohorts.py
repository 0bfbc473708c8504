"""Courses, cohorts and enrolment (the vetting an enrolment may require: vetting.py)."""
from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import lazyload

from cpms.core.dashboard import Card, dashboard_provider
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

def save_cohort(cohort=None, *, trainer_ids=(), **fields):
    """Create or edit a cohort. Errors: end before start, unknown commune/course/programme, bad trainers."""
    from cpms.auth.models import User
    from cpms.programmes.models import Programme

    if fields["end_date"] < fields["start_date"]:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    commune = db.session.get(Commune, fields["commune_id"])
    course = db.session.get(Course, fields["course_id"])
    programme = db.session.get(Programme, fields["programme_id"])
    if commune is None or course is None or programme is None:
        raise DomainError(_("Choose the course, programme and commune from the lists."))
    if commune.province_id not in programme.province_ids:
        raise DomainError(_("The programme %(code)s does not cover the province of %(commune)s.",
                            code=programme.code, commune=commune.name), field="commune_id")
    trainers = db.session.scalars(select(User).where(User.id.in_(list(trainer_ids)), User.role == TRAINER)).all()
    if len(trainers) != len(set(trainer_ids)):
        raise DomainError(_("Choose trainers among the listed trainer accounts."), field="trainer_ids")
    cohort = cohort or Cohort()
    for name in ("name", "course_id", "programme_id", "training_centre", "start_date", "end_date", "capacity", "status"):
        setattr(cohort, name, fields[name])
    cohort.commune_id, cohort.province_id = commune.id, commune.province_id
    cohort.trainers = list(trainers)
    db.session.add(cohort)
    db.session.flush()
    return cohort


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


def enrol_trainees(cohort, trainee_ids, enrolled_on=None):
    """Enrol trainees in a cohort, all or none; returns the enrolments in the order of `trainee_ids`.

    Refused, naming the trainees: already enrolled, capacity exceeded, and – for programmes whose
    funding requires it – no approved, unexpired vetting on the cohort's start date.
    """
    enrolled_on = enrolled_on or cohort.start_date
    trainee_ids = list(dict.fromkeys(trainee_ids))
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


def withdraw_enrolment(enrolment, *, withdrawn_on, reason):
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for the withdrawal."), field="reason")
    if withdrawn_on < enrolment.enrolled_on:
        raise DomainError(_("The withdrawal date cannot be before the enrolment date."), field="withdrawn_on")
    enrolment.withdrawn_on, enrolment.withdrawal_reason = withdrawn_on, reason.strip()
    db.session.flush()
    signals.enrolment_changed.send(enrolment)


@dashboard_provider
def training_cards(user, scope):
    from flask_babel import lazy_gettext as _l
    cohorts = db.session.scalar(select(func.count()).select_from(visible_cohorts(user, scope).order_by(None).subquery()))
    trainees = db.session.scalar(select(func.count()).select_from(Trainee)
                                 .where(scope.filter(Trainee.province_id, Trainee.commune_id)))
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
