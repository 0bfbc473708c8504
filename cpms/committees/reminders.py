"""Committee meetings coming up; committees' action items due soon or overdue (the kinds "action_due_soon" and
"action_overdue" also cover the actions of security plans: cpms/plans/reminders.py adds its sweeps to them)."""
from datetime import datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cpms.committees.models import OPEN_ACTION_STATUSES, ActionItem, Meeting, Member
from cpms.extensions import db
from cpms.geo.time import local_day, local_zone
from cpms.notifications.registry import Reminder, reminder_kind

OFFICERS = {"project_officer"}


@reminder_kind("meeting_upcoming", label=_l("Upcoming committee meeting"), roles=OFFICERS, days_before=3,
               description=_l("To the project officers of the area and to the committee's members who have an "
                              "e-mail address, some days before a planned meeting."))
def upcoming_meetings(ctx):
    horizon = datetime.combine(ctx.today + timedelta(days=ctx.days_before + 1), time.min, timezone.utc)
    meetings = db.session.scalars(select(Meeting).where(Meeting.status == "planned", Meeting.starts_at >= ctx.now,
                                                        Meeting.starts_at < horizon)
                                  .order_by(Meeting.starts_at, Meeting.id)).all()
    members = {}
    if meetings:
        rows = db.session.scalars(select(Member).where(
            Member.committee_id.in_({m.committee_id for m in meetings}), Member.email != "")).all()
        for member in rows:
            members.setdefault(member.committee_id, []).append(member)
    for meeting in meetings:
        committee = meeting.committee
        day = local_day(meeting.starts_at, committee)
        emails = [m.email for m in members.get(committee.id, []) if m.is_active_on(day)]
        yield Reminder(object_key=f"committee_meeting:{meeting.id}", due_on=day,
                       recipients=ctx.staff_covering(OFFICERS, committee.province_id, committee.commune_id) + emails,
                       link=("committees.meeting_detail", {"meeting_id": meeting.id}),
                       context={"committee": committee.name, "starts_at": meeting.starts_at, "place": meeting.place,
                                "agenda": meeting.agenda[:1000], "time_zone": local_zone(committee).key,
                                "zone_place": committee.commune.city.name})


def weekly_due_on(due_date, today, days_after):
    """The key date of an overdue reminder: the due date itself the first time, then one more week for every
    week the action stays open, so that a new reminder goes out each week until it is closed (no look-back)."""
    weeks = max(0, (today - due_date - timedelta(days=max(days_after, 1))).days // 7)
    return due_date + timedelta(weeks=weeks)


def _committee_items(ctx, condition, weekly=False):
    """Open action items of committees matching `condition`, with the e-mail of their responsible member."""
    items = db.session.scalars(select(ActionItem).where(ActionItem.status.in_(OPEN_ACTION_STATUSES), condition)
                               .order_by(ActionItem.due_date, ActionItem.id)).all()
    for item in items:
        committee = item.committee
        recipients = ctx.staff_covering(OFFICERS, committee.province_id, committee.commune_id)
        member = item.responsible_member
        if member is not None and member.email and member.is_active_on(ctx.today):
            recipients.append(member.email)
        due_on = weekly_due_on(item.due_date, ctx.today, ctx.days_after) if weekly else item.due_date
        yield Reminder(object_key=f"committee_action_item:{item.id}", due_on=due_on, recipients=recipients,
                       link=("committees.action_item_update", {"item_id": item.id}),
                       context={"committee": committee.name, "description": item.description,
                                "responsible": item.responsible_label, "due_on": item.due_date})


DUE_SOON = dict(label=_l("Action item due soon"), roles=OFFICERS, days_before=3,
                description=_l("Open action items of committees and of security plans, some days before their "
                               "due date: to the project officers of the area and to the responsible member."))
OVERDUE = dict(label=_l("Action item overdue"), roles=OFFICERS, days_after=1,
               description=_l("Open action items some days after their due date, then every week until they are "
                              "closed: to the project officers of the area and to the responsible member."))


@reminder_kind("action_due_soon", **DUE_SOON)
def committee_items_due_soon(ctx):
    return _committee_items(ctx, ActionItem.due_date.between(ctx.today, ctx.today + timedelta(days=ctx.days_before)))


@reminder_kind("action_overdue", **OVERDUE)
def committee_items_overdue(ctx):
    last_due = ctx.today - timedelta(days=max(ctx.days_after, 1))
    return _committee_items(ctx, ActionItem.due_date <= last_due, weekly=True)
