"""Overdue actions agreed in workshops that the programme follows up (cpms/outreach/service/programme_actions.py)
go to the project officers of the workshop's area, like committees' overdue action items.

Facilitators who can be reached (a CPMS user or an e-mail address, cpms/outreach/service/followup.py) are
reminded some days before the activity's first day. Facilitators known by their name only are not: project officers
see the coming activities in their home page's calendar lines instead."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cpms.committees.reminders import weekly_due_on
from cpms.extensions import db
from cpms.geo.time import local_day
from cpms.notifications.registry import Reminder, reminder_kind
from cpms.outreach.models import OutreachActivity, OutreachFacilitator, OutreachProgrammeAction

FACILITATOR_ROLES = {"admin", "project_officer", "me_officer"}


@reminder_kind("outreach_activity_upcoming", label=_l("Outreach activity coming up"), roles=FACILITATOR_ROLES,
               days_before=3,
               description=_l("To the facilitators of an outreach activity who are CPMS users or have an e-mail "
                              "address, some days before its first day."))
def upcoming_activities(ctx):
    horizon = ctx.today + timedelta(days=ctx.days_before)
    rows = db.session.execute(select(OutreachActivity, OutreachFacilitator)
                              .join(OutreachFacilitator, OutreachFacilitator.activity_id == OutreachActivity.id)
                              .where(OutreachActivity.start_date.between(ctx.today, horizon))
                              .order_by(OutreachActivity.start_date, OutreachActivity.id, OutreachFacilitator.id))
    by_activity = {}
    for activity, facilitator in rows:
        recipients = by_activity.setdefault(activity, [])
        recipients.append(facilitator.user if facilitator.user is not None else facilitator.email)
    for activity, recipients in by_activity.items():
        yield Reminder(object_key=f"outreach_activity:{activity.id}", due_on=activity.start_date,
                       recipients=recipients, link=("outreach.activity_detail", {"activity_id": activity.id}),
                       context={"title": activity.title, "start_on": activity.start_date,
                                "end_on": activity.end_date, "place": activity.commune.name,
                                "quartier": activity.quartier})


OFFICERS = {"project_officer"}


@reminder_kind("outreach_programme_action_overdue", label=_l("Programme's agreed action overdue"), roles=OFFICERS,
               days_after=1,
               description=_l("Actions agreed in a workshop and followed up by the programme, still open some days "
                              "after their due date, then every week until they are closed: to the project officers "
                              "of the workshop's area."))
def programme_actions_overdue(ctx):
    """Judged by the calendar of the workshop's place: the server's UTC day can be one behind Mbuji-Mayi's, so the
    query takes a day of margin and each action is checked against its own local day."""
    margin = ctx.today + timedelta(days=1) - timedelta(days=max(ctx.days_after, 1))
    items = db.session.scalars(select(OutreachProgrammeAction)
                               .where(OutreachProgrammeAction.status == "open", OutreachProgrammeAction.due_date <= margin)
                               .order_by(OutreachProgrammeAction.due_date, OutreachProgrammeAction.id)).all()
    for item in items:
        activity = item.activity
        today = local_day(ctx.now, activity.commune)
        if item.due_date > today - timedelta(days=max(ctx.days_after, 1)):
            continue
        yield Reminder(object_key=f"outreach_programme_action:{item.id}",
                       due_on=weekly_due_on(item.due_date, today, ctx.days_after),
                       recipients=ctx.staff_covering(OFFICERS, activity.province_id, activity.commune_id),
                       link=("outreach.programme_action_update", {"item_id": item.id}),
                       context={"programme": activity.programme.code, "workshop": activity.title,
                                "description": item.description, "responsible": item.responsible,
                                "due_on": item.due_date})
