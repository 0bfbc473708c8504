"""A station's equipment check overdue: no condition check of the equipment it holds for some days after the last
check, delivery or transfer to it (the admins' "days after", default about six months)."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from cpms.equipment.models import EquipmentCheck, EquipmentDelivery, EquipmentItem, EquipmentTransfer
from cpms.extensions import db
from cpms.notifications.registry import Reminder, reminder_kind
from cpms.stations.models import Station

OFFICERS = {"project_officer"}


def last_seen_by_station():
    """{station_id: the day its equipment was last checked, delivered or transferred to it}, for the stations that
    hold equipment today (items not disposed of), in three grouped queries: a station whose items all moved away or
    were disposed of is not reminded."""
    held = (EquipmentItem.station_id.is_not(None), EquipmentItem.disposed_on.is_(None))
    seen = dict(db.session.execute(select(EquipmentItem.station_id, func.max(EquipmentDelivery.delivered_on))
                                   .join(EquipmentDelivery, EquipmentDelivery.id == EquipmentItem.delivery_id)
                                   .where(*held).group_by(EquipmentItem.station_id)).all())
    moved_in = db.session.execute(select(EquipmentTransfer.to_station_id, func.max(EquipmentTransfer.transferred_on))
                                  .join(EquipmentItem, and_(EquipmentItem.id == EquipmentTransfer.item_id,
                                                            EquipmentItem.station_id == EquipmentTransfer.to_station_id))
                                  .where(*held).group_by(EquipmentTransfer.to_station_id)).all()
    checked = db.session.execute(select(EquipmentItem.station_id, func.max(EquipmentCheck.checked_on))
                                 .join(EquipmentItem, EquipmentItem.id == EquipmentCheck.item_id)
                                 .where(*held).group_by(EquipmentItem.station_id)).all()
    for station_id, day in list(moved_in) + list(checked):
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
