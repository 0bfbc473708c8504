"""Complaints whose acknowledgement or answer deadline has passed.

Ordinary cases go to the project officers of the case's commune (cases without a commune: national ones); a passed
answer deadline is escalated to the admins of the place too. Sensitive cases go only to the focal points, and their
reminder says only that a sensitive case needs attention: no category, place, account or code, in the in-app
notification as in the e-mail (templates/complaints/reminders/*_sensitive.txt).
"""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cpms.auth.models import User
from cpms.complaints.models import CATEGORIES, Complaint, FocalPoint
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.notifications.registry import Reminder, reminder_kind, translated

OFFICERS = {"project_officer"}
ESCALATION = {"project_officer", "admin"}
AWAITING_ANSWER = ("received", "acknowledged", "under_review")


def _is_focal_point(user):
    """A focal point of any role receives the sensitive cases' reminders, so may choose how (preferences page)."""
    return db.session.scalar(select(FocalPoint.id).where(FocalPoint.user_id == user.id)) is not None


def _focal_points():
    return db.session.scalars(select(User).join(FocalPoint, FocalPoint.user_id == User.id)
                              .where(User.is_active.is_(True)).order_by(User.id)).all()


def _overdue(ctx, deadline, statuses, kind, roles):
    """Cases in `statuses` whose `deadline` passed at least days_after days ago (within the look-back)."""
    last_due = ctx.today - timedelta(days=max(ctx.days_after, 1))
    rows = db.session.execute(
        select(Complaint, Commune.province_id).outerjoin(Commune, Commune.id == Complaint.commune_id)
        .where(Complaint.status.in_(statuses), deadline.between(ctx.since - timedelta(days=ctx.days_after), last_due))
        .order_by(deadline, Complaint.id)).all()
    focal_points = None
    for complaint, province_id in rows:
        due_on = getattr(complaint, deadline.key)
        if complaint.is_sensitive:
            focal_points = _focal_points() if focal_points is None else focal_points
            yield Reminder(object_key=f"complaint:{complaint.id}", due_on=due_on, recipients=focal_points,
                           link=("complaints.sensitive_list", {}), context={"due_on": due_on},
                           template=f"complaints/reminders/{kind}_sensitive.txt")
            continue
        yield Reminder(object_key=f"complaint:{complaint.id}", due_on=due_on,
                       recipients=ctx.staff_covering(roles, province_id, complaint.commune_id),
                       link=("complaints.complaint_detail", {"complaint_id": complaint.id}),
                       context={"code": complaint.receipt_code, "category": translated(CATEGORIES[complaint.category]),
                                "commune": complaint.commune.name if complaint.commune else "",
                                "received_at": complaint.received_at, "due_on": due_on})


@reminder_kind("complaint_acknowledgement_overdue", label=_l("Complaint not acknowledged in time"), roles=OFFICERS,
               days_after=1, also_for=_is_focal_point,
               description=_l("To the project officers of the case's commune when a complaint is still not "
                              "acknowledged after its deadline (CPMS_COMPLAINT_ACKNOWLEDGE_DAYS); sensitive cases "
                              "only to the focal points, without any detail."))
def acknowledgements_overdue(ctx):
    return _overdue(ctx, Complaint.acknowledge_by, ("received",), "complaint_acknowledgement_overdue", OFFICERS)


@reminder_kind("complaint_answer_overdue", label=_l("Complaint not answered in time"), roles=ESCALATION,
               days_after=1, also_for=_is_focal_point,
               description=_l("To the project officers and admins of the case's commune when a complaint is still "
                              "not answered nor referred after its deadline (CPMS_COMPLAINT_ANSWER_DAYS); sensitive "
                              "cases only to the focal points, without any detail."))
def answers_overdue(ctx):
    return _overdue(ctx, Complaint.answer_by, AWAITING_ANSWER, "complaint_answer_overdue", ESCALATION)
