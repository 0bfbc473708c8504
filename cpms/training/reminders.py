"""Trainees falling behind and registers not entered (to the cohort's trainers); vetting not approved before a cohort
starts or expiring before it ends (to the project officers)."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager

from cpms.extensions import db
from cpms.notifications.registry import Reminder, reminder_kind
from cpms.training.models import Attendance, Cohort, Enrolment, Trainee, TrainingSession
from cpms.training.service import latest_vetting, vetting_is_valid
from cpms.training.service.attendance import attendance_counts

TRAINERS = {"trainer"}
OFFICERS = {"project_officer"}
# a rate over fewer sessions says little: a trainee absent from the first session would be at 0 %
MIN_COUNTED_SESSIONS = 3


def _running_cohorts(ctx):
    return db.session.scalars(select(Cohort).where(Cohort.status != "cancelled", Cohort.closed_on.is_(None),
                                                   Cohort.start_date <= ctx.today,
                                                   Cohort.end_date >= ctx.since).order_by(Cohort.id)).all()


@reminder_kind("attendance_low", label=_l("Trainee under the attendance threshold"), roles=TRAINERS,
               default_delivery="digest",
               description=_l("To the cohort's trainers, once a week while a trainee's attendance is under the "
                              "course's threshold."))
def trainees_under_threshold(ctx):
    week = ctx.today - timedelta(days=ctx.today.weekday())  # one reminder a week while it lasts
    for cohort in _running_cohorts(ctx):
        counts = attendance_counts(cohort.id, ctx.today)
        threshold = cohort.course.attendance_threshold
        low = {enrolment_id: c for enrolment_id, c in counts.items()
               if c["rate"] is not None and c["rate"] < threshold
               and c["present"] + c["late"] + c["absent"] >= MIN_COUNTED_SESSIONS}
        if not low:
            continue
        rows = db.session.execute(select(Enrolment.id, Trainee).join(Trainee, Trainee.id == Enrolment.trainee_id)
                                  .where(Enrolment.id.in_(sorted(low)), Enrolment.withdrawn_on.is_(None))).all()
        for enrolment_id, trainee in rows:
            yield Reminder(object_key=f"enrolment:{enrolment_id}", due_on=week, recipients=list(cohort.trainers),
                           link=("training.cohort_detail", {"cohort_id": cohort.id}),
                           context={"trainee": trainee.full_name, "matricule": trainee.matricule, "cohort": cohort.name,
                                    "rate": low[enrolment_id]["rate"], "threshold": threshold})


@reminder_kind("absence_streak", label=_l("Trainee with consecutive absences"), roles=TRAINERS,
               description=_l("To the cohort's trainers, when a trainee has missed the last sessions in a row "
                              "(as many as CPMS_TRAINING_ABSENCE_STREAK), once per run of absences."))
def trainees_absent_in_a_row(ctx):
    streak = current_app.config["TRAINING_ABSENCE_STREAK"]
    held = and_(TrainingSession.id == Attendance.session_id, TrainingSession.is_cancelled.is_(False),
                TrainingSession.session_date <= ctx.today)
    # the last session each trainee attended (present, late or excused): absences after it are the current run
    last_attended = (select(Attendance.enrolment_id, func.max(TrainingSession.session_date).label("day"))
                     .join(TrainingSession, held).where(Attendance.status != "absent")
                     .group_by(Attendance.enrolment_id).subquery())
    runs = db.session.execute(
        select(Attendance.enrolment_id, func.count(), func.min(TrainingSession.session_date),
               func.max(TrainingSession.session_date))
        .join(TrainingSession, held).join(Enrolment, Enrolment.id == Attendance.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .outerjoin(last_attended, last_attended.c.enrolment_id == Attendance.enrolment_id)
        .where(Attendance.status == "absent", Cohort.status != "cancelled", Cohort.closed_on.is_(None),
               Cohort.start_date <= ctx.today, Cohort.end_date >= ctx.since, Enrolment.withdrawn_on.is_(None),
               or_(last_attended.c.day.is_(None), TrainingSession.session_date > last_attended.c.day))
        .group_by(Attendance.enrolment_id)
        .having(func.count() >= streak, func.max(TrainingSession.session_date) >= ctx.since)).all()
    if not runs:
        return
    details = {e.id: (e, t, c) for e, t, c in db.session.execute(
        select(Enrolment, Trainee, Cohort).join(Trainee, Trainee.id == Enrolment.trainee_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id).where(Enrolment.id.in_([r[0] for r in runs]))
        .options(contains_eager(Enrolment.trainee)))}  # trainees joined once, not again by the eager load
    for enrolment_id, absences, first_absence, last_absence in runs:
        enrolment, trainee, cohort = details[enrolment_id]
        yield Reminder(object_key=f"enrolment:{enrolment_id}", due_on=first_absence, recipients=list(cohort.trainers),
                       link=("training.cohort_detail", {"cohort_id": cohort.id}),
                       context={"trainee": trainee.full_name, "matricule": trainee.matricule, "cohort": cohort.name,
                                "absences": absences, "since_on": first_absence})


@reminder_kind("vetting_pending", label=_l("Vetting still pending before a cohort starts"), roles=OFFICERS,
               days_before=14,
               description=_l("To the project officers of the area, some days before a cohort whose programme "
                              "requires vetting starts, when enrolled trainees have no approved vetting."))
def vetting_pending_before_start(ctx):
    from cpms.programmes.models import Programme
    cohorts = db.session.scalars(select(Cohort).join(Programme, Programme.id == Cohort.programme_id).where(
        Programme.requires_vetting.is_(True), Cohort.status != "cancelled",
        Cohort.start_date.between(ctx.today, ctx.today + timedelta(days=ctx.days_before))).order_by(Cohort.id)).all()
    if not cohorts:
        return
    enrolled = db.session.execute(select(Enrolment.cohort_id, Enrolment.trainee_id).where(
        Enrolment.cohort_id.in_([c.id for c in cohorts]), Enrolment.withdrawn_on.is_(None))).all()
    vettings = latest_vetting({trainee_id for _c, trainee_id in enrolled})
    for cohort in cohorts:
        waiting = [trainee_id for cohort_id, trainee_id in enrolled if cohort_id == cohort.id
                   and not vetting_is_valid(vettings.get(trainee_id), cohort.start_date)]
        if not waiting:
            continue
        yield Reminder(object_key=f"cohort:{cohort.id}", due_on=cohort.start_date,
                       recipients=ctx.staff_covering(OFFICERS, cohort.province_id, cohort.commune_id),
                       link=("training.cohort_detail", {"cohort_id": cohort.id}),
                       context={"cohort": cohort.name, "start_on": cohort.start_date, "trainees": len(waiting)})


@reminder_kind("attendance_missing", label=_l("Attendance not entered"), roles=TRAINERS, days_after=1,
               description=_l("To the session's trainers, the morning after a session that was held (not cancelled) "
                              "when its register has no mark yet."))
def attendance_not_entered(ctx):
    last_day = ctx.today - timedelta(days=max(ctx.days_after, 1))
    marked = select(Attendance.session_id).where(Attendance.session_id == TrainingSession.id).exists()
    sessions = db.session.scalars(
        select(TrainingSession).join(Cohort, Cohort.id == TrainingSession.cohort_id)
        .where(TrainingSession.is_cancelled.is_(False), Cohort.status != "cancelled",
               TrainingSession.session_date.between(ctx.since, last_day), ~marked)
        .order_by(TrainingSession.session_date, TrainingSession.id)).all()
    for session in sessions:
        cohort = session.cohort
        if not cohort.trainers:
            continue
        yield Reminder(object_key=f"training_session:{session.id}",
                       due_on=session.session_date + timedelta(days=max(ctx.days_after, 1)),
                       recipients=list(cohort.trainers),
                       link=("training.session_register", {"session_id": session.id}),
                       context={"cohort": cohort.name, "session_on": session.session_date,
                                "start": session.start_time.strftime("%H:%M"), "topic": session.topic[:200]})


@reminder_kind("vetting_expiring", label=_l("Vetting expiring before a cohort ends"), roles=OFFICERS,
               days_before=30,
               description=_l("To the project officers of the area, when the approved vetting of a trainee enrolled "
                              "in a running or coming cohort expires before that cohort ends."))
def vetting_expiring_before_end(ctx):
    from cpms.programmes.models import Programme
    cohorts = db.session.scalars(select(Cohort).join(Programme, Programme.id == Cohort.programme_id).where(
        Programme.requires_vetting.is_(True), Cohort.status != "cancelled", Cohort.closed_on.is_(None),
        Cohort.end_date >= ctx.today, Cohort.start_date <= ctx.today + timedelta(days=ctx.days_before))
        .order_by(Cohort.id)).all()
    if not cohorts:
        return
    enrolled = db.session.execute(select(Enrolment.cohort_id, Enrolment.trainee_id).where(
        Enrolment.cohort_id.in_([c.id for c in cohorts]), Enrolment.withdrawn_on.is_(None))).all()
    vettings = latest_vetting({trainee_id for _c, trainee_id in enrolled})
    for cohort in cohorts:
        expiring = [vettings[trainee_id] for cohort_id, trainee_id in enrolled if cohort_id == cohort.id
                    and vetting_is_valid(vettings.get(trainee_id), max(ctx.today, cohort.start_date))
                    and not vetting_is_valid(vettings.get(trainee_id), cohort.end_date)]
        if not expiring:
            continue
        first = min(v.expires_on for v in expiring)
        yield Reminder(object_key=f"cohort:{cohort.id}", due_on=first,
                       recipients=ctx.staff_covering(OFFICERS, cohort.province_id, cohort.commune_id),
                       link=("training.cohort_detail", {"cohort_id": cohort.id}),
                       context={"cohort": cohort.name, "end_on": cohort.end_date, "expires_on": first,
                                "trainees": len(expiring)})
