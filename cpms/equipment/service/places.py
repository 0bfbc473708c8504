"""What each station holds, for other domains' pages: the summary by category on a station's page (the panel of
the slot "stations.station") and the layer "equipment held" of the area maps (cpms.geo.maps.area_map).

Both count what a unit holds today: its items not disposed of, delivered there or transferred to it. Each is one
grouped query, whatever the number of items.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, select

from cpms.core.transaction import current_actor
from cpms.equipment.labels import CATEGORY_LABELS
from cpms.equipment.models import CATEGORIES, EquipmentCheck, EquipmentItem, EquipmentLoss
from cpms.equipment.service.items import FIGURE_READERS
from cpms.extensions import db
from cpms.geo.maps import MAX_POINTS, Layer, Place
from cpms.stations.models import Station

# sky blue of the Okabe–Ito palette: apart from the stations (dark blue, orange, grey circles), the committees (green
# squares) and the survey communes (reddish purple diamonds)
EQUIPMENT_LAYER = Layer("equipment", _l("Equipment held (at the station)"), "#56b4e9", "diamond")
REPORTED_LOST = "reported_lost"  # a state of its own on the station's page, above the latest check's
NEVER_CHECKED = "never_checked"


def _state():
    """The state of an item as the station's page tells it: reported lost while a loss report is open, else the
    condition its latest check found, else never checked."""
    latest = (select(EquipmentCheck.condition).where(EquipmentCheck.item_id == EquipmentItem.id)
              .order_by(EquipmentCheck.checked_on.desc(), EquipmentCheck.id.desc())
              .limit(1).correlate(EquipmentItem).scalar_subquery())
    open_loss = exists().where(EquipmentLoss.item_id == EquipmentItem.id, EquipmentLoss.status == "open")
    return case((open_loss, REPORTED_LOST), else_=func.coalesce(latest, NEVER_CHECKED)).label("state")


def station_summary(station):
    """[{"category", "label", "quantity", "values": [(currency, value)], "states": {state: quantity}}] of what the
    station holds today, by category (in the categories' order): the quantities, the value by currency (items
    without a unit value count in the quantity only) and the quantities by state (see _state). One query."""
    state = _state()
    rows = db.session.execute(
        select(EquipmentItem.category, EquipmentItem.currency, state, func.sum(EquipmentItem.quantity),
               func.sum(EquipmentItem.quantity * EquipmentItem.unit_value))
        .where(EquipmentItem.station_id == station.id, EquipmentItem.disposed_on.is_(None))
        .group_by(EquipmentItem.category, EquipmentItem.currency, state)).all()
    summary = {}
    for category, currency, item_state, quantity, value in rows:
        row = summary.setdefault(category, {"category": category, "label": CATEGORY_LABELS.get(category, category),
                                            "quantity": 0, "values": {}, "states": {}})
        row["quantity"] += quantity
        row["states"][item_state] = row["states"].get(item_state, 0) + quantity
        if value is not None:
            row["values"][currency] = row["values"].get(currency, 0) + value
    ordered = [summary[category] for category in CATEGORIES if category in summary]
    for row in ordered:
        row["values"] = sorted(row["values"].items())
    return ordered


def equipment_places(scope, *, province_id=None, cap=None):
    """([Place], total) of the positioned stations of the `scope` holding equipment today, one place per station
    whose title says what it holds by category ("Commissariat de Bipemba – equipment: Communication 3, IT 2"), at
    most `cap` stations (by name), total counting them all. One query: the (station, category) quantities ranked by
    station, cut at the cap's rank."""
    cap = cap or MAX_POINTS
    held = (select(Station.id, Station.name, Station.latitude, Station.longitude, EquipmentItem.category,
                   func.sum(EquipmentItem.quantity).label("quantity"))
            .join(EquipmentItem, EquipmentItem.station_id == Station.id)
            .where(EquipmentItem.disposed_on.is_(None), scope.filter(Station.province_id, Station.commune_id),
                   Station.latitude.is_not(None), Station.longitude.is_not(None))
            .group_by(Station.id, Station.name, Station.latitude, Station.longitude, EquipmentItem.category))
    if province_id:
        held = held.where(Station.province_id == province_id)
    held = held.subquery()
    ranked = select(held, func.dense_rank().over(order_by=(held.c.name, held.c.id)).label("rank")).subquery()
    counted = select(ranked, func.max(ranked.c.rank).over().label("total")).subquery()
    rows = db.session.execute(select(counted).where(counted.c.rank <= cap)
                              .order_by(counted.c.rank, counted.c.category)).all()
    stations = {}
    for row in rows:
        station = stations.setdefault(row.id, {"row": row, "held": {}})
        station["held"][row.category] = row.quantity
    places = []
    for station in stations.values():
        row, held_by_category = station["row"], station["held"]
        what = ", ".join(f"{CATEGORY_LABELS[category]} {held_by_category[category]}"
                         for category in CATEGORIES if category in held_by_category)
        places.append(Place(row.longitude, row.latitude, _("%(station)s – equipment: %(what)s", station=row.name,
                                                           what=what), EQUIPMENT_LAYER.key, name=row.name))
    return places, (rows[0].total if rows else 0)


def equipment_layer(scope, *, province_id=None, cap=None):
    """The equipment layer of the area maps (cpms.core.contract.MapLayer), for those who may read equipment figures
    (viewers included: quantities by category, no names); nothing for the others (e.g. trainers)."""
    actor = current_actor()
    if actor is None or actor.role not in FIGURE_READERS:
        return (), [], 0
    places, total = equipment_places(scope, province_id=province_id, cap=cap)
    return (EQUIPMENT_LAYER,), places, total
