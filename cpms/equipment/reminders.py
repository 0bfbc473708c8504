"""A station's equipment check overdue: no condition check of its equipment for some days after the last check or
delivery (the admins' "days after", default about six months)."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from cpms.equipment.models import EquipmentCheck, EquipmentDelivery, EquipmentItem
from cpms.extensions import db
from cpms.notifications.registry import Reminder, reminder_kind
from cpms.stations.models import Station

OFFICERS = {"project_officer"}


def last_seen_by_station():
    """{station_id: the day its equipment was last checked or delivered}, in two grouped queries."""
    delivered = db.session.execute(select(EquipmentDelivery.station_id, func.max(EquipmentDelivery.delivered_on))
                                   .group_by(EquipmentDelivery.station_id)).all()
    checked = db.session.execute(select(EquipmentItem.station_id, func.max(EquipmentCheck.checked_on))
                                 .join(EquipmentItem, EquipmentItem.id == EquipmentCheck.item_id)
                                 .where(EquipmentItem.station_id.is_not(None))
                                 .group_by(EquipmentItem.station_id)).all()
    seen = dict(delivered)
    for station_id, day in checked:
        seen[station_id] = max(day, seen.get(station_id, day))
    return seen


@reminder_kind("equipment_check_overdue", label=_l("Equipment check overdue"), roles=OFFICERS, days_after=182,
               default_delivery="digest",
               description=_l("To the project officers of the area, when a station's equipment has not been checked "
                              "for some days after its last check or delivery."))
def equipment_checks_overdue(ctx):
    interval = timedelta(days=max(ctx.days_after, 1))
    overdue = {station_id: day + interval for station_id, day in last_seen_by_station().items()
               if ctx.since <= day + interval <= ctx.today}
    if not overdue:
        return
    for station in db.session.scalars(select(Station).where(Station.id.in_(sorted(overdue))).order_by(Station.id)):
        yield Reminder(object_key=f"equipment_station:{station.id}", due_on=overdue[station.id],
                       recipients=ctx.staff_covering(OFFICERS, station.province_id, station.commune_id),
                       link=("stations.station_detail", {"station_id": station.id}),
                       context={"station": station.name, "last_on": overdue[station.id] - interval,
                                "due_on": overdue[station.id]})
