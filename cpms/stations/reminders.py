"""Construction milestones coming due, and overdue (not reached after their planned date)."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from cpms.extensions import db
from cpms.notifications.registry import Reminder, reminder_kind, translated
from cpms.stations.labels import MILESTONE_LABELS
from cpms.stations.models import ConstructionProject, Handover, Milestone, Station

OFFICERS = {"project_officer"}


def _milestones(ctx, condition):
    """Open milestones of projects not handed over (final acceptance), matching `condition`."""
    handed_over = exists().where(Handover.project_id == ConstructionProject.id, Handover.is_final_acceptance.is_(True))
    rows = db.session.execute(select(Milestone, ConstructionProject.id, Station)
                              .join(ConstructionProject, ConstructionProject.id == Milestone.project_id)
                              .join(Station, Station.id == ConstructionProject.station_id)
                              .where(Milestone.actual_date.is_(None), Milestone.planned_date.is_not(None),
                                     ~handed_over, condition)
                              .order_by(Milestone.planned_date, Milestone.id)).all()
    for milestone, project_id, station in rows:
        label = translated(MILESTONE_LABELS[milestone.code]) if milestone.code in MILESTONE_LABELS else milestone.name
        yield Reminder(object_key=f"milestone:{milestone.id}", due_on=milestone.planned_date,
                       recipients=ctx.staff_covering(OFFICERS, station.province_id, station.commune_id),
                       link=("stations.project_detail", {"project_id": project_id}),
                       context={"station": station.name, "milestone": label, "due_on": milestone.planned_date})


@reminder_kind("milestone_due", label=_l("Construction milestone due"), roles=OFFICERS, days_before=7,
               default_delivery="digest",
               description=_l("To the project officers of the area, some days before a milestone's planned date."))
def milestones_due(ctx):
    return _milestones(ctx, Milestone.planned_date.between(ctx.today, ctx.today + timedelta(days=ctx.days_before)))


@reminder_kind("milestone_overdue", label=_l("Construction milestone overdue"), roles=OFFICERS, days_after=1,
               description=_l("To the project officers of the area, some days after a milestone's planned date "
                              "when it is not reached."))
def milestones_overdue(ctx):
    last_due = ctx.today - timedelta(days=max(ctx.days_after, 1))
    return _milestones(ctx, Milestone.planned_date.between(ctx.since - timedelta(days=ctx.days_after), last_due))
