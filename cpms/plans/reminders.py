"""Actions of local security plans due soon or overdue: sweeps of the kinds "action_due_soon" and "action_overdue"
declared by cpms/committees/reminders.py (imported first, so that its sweeps run before these)."""
from datetime import timedelta

from sqlalchemy import select

from cpms.committees.models import Committee
from cpms.committees.reminders import OFFICERS, weekly_due_on
from cpms.extensions import db
from cpms.notifications.registry import Reminder, reminder_kind
from cpms.plans.models import PlanAction, SecurityPlan

OPEN_PLAN_ACTION_STATUSES = ("planned", "in_progress")


def _plan_actions(ctx, condition, weekly=False):
    rows = db.session.execute(select(PlanAction, SecurityPlan.id, Committee)
                              .join(SecurityPlan, SecurityPlan.id == PlanAction.plan_id)
                              .join(Committee, Committee.id == SecurityPlan.committee_id)
                              .where(PlanAction.status.in_(OPEN_PLAN_ACTION_STATUSES), condition)
                              .order_by(PlanAction.end_date, PlanAction.id)).all()
    for action, plan_id, committee in rows:
        due_on = weekly_due_on(action.end_date, ctx.today, ctx.days_after) if weekly else action.end_date
        yield Reminder(object_key=f"plan_action:{action.id}", due_on=due_on,
                       recipients=ctx.staff_covering(OFFICERS, committee.province_id, committee.commune_id),
                       link=("plans.plan_detail", {"plan_id": plan_id}),
                       context={"committee": committee.name, "description": action.activity,
                                "responsible": action.responsible, "due_on": action.end_date})


@reminder_kind("action_due_soon")
def plan_actions_due_soon(ctx):
    return _plan_actions(ctx, PlanAction.end_date.between(ctx.today, ctx.today + timedelta(days=ctx.days_before)))


@reminder_kind("action_overdue")
def plan_actions_overdue(ctx):
    last_due = ctx.today - timedelta(days=max(ctx.days_after, 1))
    return _plan_actions(ctx, PlanAction.end_date <= last_due, weekly=True)
