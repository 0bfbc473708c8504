"""Equipment indicators for donors: the units equipped (by category), the share of delivered items found in use at
their last check, and the value of the equipment delivered (by province, commune, category and donor; each programme
has its own figures).

The units equipped and the share in use are states at the end of the period (aggregation "latest"): a year's figure
is that of its last quarter.
"""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from cpms.equipment.labels import CATEGORY_LABELS
from cpms.equipment.models import EquipmentCheck, EquipmentDelivery, EquipmentItem, EquipmentLoss, EquipmentTransfer
from cpms.geo.models import Commune
from cpms.indicators.registry import DrillDown, computed_indicator, drilldown_for
from cpms.stations.models import Station


@computed_indicator("equipment_in_use_rate", label=_l("Share of delivered equipment in use at the last check"),
                    unit="percentage", aggregation="latest", dimensions=("province", "commune"),
                    dated_by=_l("The item's latest check up to the last day of the period."),
                    place=_l("The commune of the unit holding the item at the end of the period (delivered or "
                             "transferred there)."),
                    description=_l("Among the programme's delivered items checked by the end of the period and not "
                                   "disposed of by then, the share whose latest check up to then found them in use."))
def in_use_rate(ctx, _start, end):
    # built for each period: the unit holding an item at the period's end depends on it (a join on its last transfer)
    key = ctx.category({"province": Station.province_id, "commune": Station.commune_id})
    share = (100.0 * func.sum(case((EquipmentCheck.condition == "in_use", 1), else_=0))
             / func.nullif(func.count(EquipmentCheck.id), 0))
    later = aliased(EquipmentCheck)
    later_by_then = exists().where(later.item_id == EquipmentCheck.item_id, later.checked_on <= end,
                                     or_(later.checked_on > EquipmentCheck.checked_on,
                                         and_(later.checked_on == EquipmentCheck.checked_on,
                                              later.id > EquipmentCheck.id)))
    return ctx.grouped(select(key, share).select_from(EquipmentCheck)
                       .join(EquipmentItem, EquipmentItem.id == EquipmentCheck.item_id)
                       .join(EquipmentDelivery, EquipmentDelivery.id == EquipmentItem.delivery_id)
                       .join(Station, Station.id == func.coalesce(_last_move(end), EquipmentDelivery.station_id))
                       .where(EquipmentItem.programme_id == ctx.programme_id,
                              ctx.in_area(Station.province_id, Station.commune_id),
                              EquipmentCheck.checked_on <= end, ~later_by_then,
                              # an item disposed of by the end of the period has left the units' counts
                              or_(EquipmentItem.disposed_on.is_(None), EquipmentItem.disposed_on > end)), key)


# --- units equipped ----------------------------------------------------------------------------------------------

def _unit_columns():
    """The categories units equipped are broken down by: the unit's place, the items' category."""
    return {"province": Station.province_id, "commune": Station.commune_id, "equipment_category": EquipmentItem.category}


def _last_move(end):
    """The unit an item's last transfer up to the day `end` moved it to (NULL when it was not moved by then)."""
    return (select(EquipmentTransfer.to_station_id)
            .where(EquipmentTransfer.item_id == EquipmentItem.id, EquipmentTransfer.transferred_on <= end)
            .order_by(EquipmentTransfer.transferred_on.desc(), EquipmentTransfer.id.desc())
            .limit(1).correlate(EquipmentItem).scalar_subquery())


def _held_at(end):
    """The delivered items joined to the unit holding them at the end of the day `end`, as long as they count there:
    the unit is the one the item's last transfer by then moved it to (the unit delivered to when it was not moved);
    delivered by then; not disposed of by then; no loss report made by then and not closed as recovered by then; its
    latest check by then (if any) did not find it lost or missing."""
    lost = exists().where(EquipmentLoss.item_id == EquipmentItem.id, EquipmentLoss.reported_on <= end,
                          or_(EquipmentLoss.status != "recovered", EquipmentLoss.closed_on > end))
    last_check = (select(EquipmentCheck.condition)
                  .where(EquipmentCheck.item_id == EquipmentItem.id, EquipmentCheck.checked_on <= end)
                  .order_by(EquipmentCheck.checked_on.desc(), EquipmentCheck.id.desc())
                  .limit(1).correlate(EquipmentItem).scalar_subquery())
    return (select().select_from(EquipmentItem)
            .join(EquipmentDelivery, EquipmentDelivery.id == EquipmentItem.delivery_id)
            .join(Station, Station.id == func.coalesce(_last_move(end), EquipmentDelivery.station_id))
            .where(EquipmentDelivery.delivered_on <= end,
                   or_(EquipmentItem.disposed_on.is_(None), EquipmentItem.disposed_on > end), ~lost,
                   or_(last_check.is_(None), last_check.not_in(("lost", "not_found")))))


@computed_indicator("equipment_units_equipped", label=_l("Units equipped"), unit="count", aggregation="latest",
                    dimensions=("province", "commune", "equipment_category"),
                    dated_by=_l("A state on the last day of the period: the deliveries, transfers, loss reports, "
                                "checks and disposals up to that day."),
                    place=_l("The commune of the unit holding the items on that day (delivered or transferred "
                             "there)."),
                    description=_l("The stations, specialised units and training centres holding, at the end of the "
                                   "period, at least one of the programme's delivered items (of the category, when "
                                   "broken down by category) not disposed of, not reported lost or stolen (unless "
                                   "recovered by then) and not found lost or missing at its latest check; an item "
                                   "transferred away counts at the unit it was moved to. A unit holding several "
                                   "categories counts once in the total."))
def units_equipped(ctx, _start, end):
    # built for each period: the unit holding an item depends on the period's end (a join on its last transfer)
    key = ctx.category(_unit_columns())
    return ctx.grouped(_held_at(end).add_columns(key, func.count(func.distinct(Station.id)))
                       .where(EquipmentItem.programme_id == ctx.programme_id,
                              ctx.in_area(Station.province_id, Station.commune_id)), key)


@drilldown_for("equipment_units_equipped")
def units_equipped_records(ctx, _start, end, category):
    """The units behind the figure, with the items (quantities) of the category they held at the end."""
    stmt = (_held_at(end)
            .add_columns(Station.id, Station.name, Commune.name.label("commune"),
                         func.sum(EquipmentItem.quantity).label("quantity"),
                         func.count(func.distinct(EquipmentItem.category)).label("categories"))
            .join(Commune, Commune.id == Station.commune_id)
            .where(EquipmentItem.programme_id == ctx.programme_id,
                   ctx.in_area(Station.province_id, Station.commune_id), ctx.matches(_unit_columns(), category))
            .group_by(Station.id, Station.name, Commune.name)
            .order_by(Station.name, Station.id))
    return DrillDown(stmt, [_("Unit"), _("Commune"), _("Items held"), _("Categories")],
                     lambda r: [(r.name, url_for("stations.station_detail", station_id=r.id)), r.commune,
                                int(r.quantity), int(r.categories)], scalars=False)


# --- value delivered ----------------------------------------------------------------------------------------------

def value_columns():
    """The categories the value delivered is broken down by: the place of the delivery, the category, the donor."""
    return {"province": EquipmentDelivery.province_id, "commune": EquipmentDelivery.commune_id,
            "equipment_category": EquipmentItem.category, "equipment_donor": EquipmentItem.donor}


def _delivered_value(ctx):
    return (EquipmentItem.programme_id == ctx.programme_id, EquipmentItem.unit_value.is_not(None),
            EquipmentItem.currency == (ctx.param or "USD"),
            ctx.in_area(EquipmentDelivery.province_id, EquipmentDelivery.commune_id))


@computed_indicator("equipment_value_delivered", label=_l("Value of equipment delivered"), unit="amount",
                    aggregation="sum", dimensions=("province", "commune", "equipment_category", "equipment_donor"),
                    param_label=_l("Currency (USD, EUR or CDF)"), default_param="USD",
                    dated_by=_l("The delivery day."),
                    place=_l("The commune of the station or unit the items were delivered to."),
                    description=_l("The value (quantity × unit value) of the programme's items delivered to units in "
                                   "the period, in one currency; items without a unit value are left out."))
def value_delivered(ctx, start, end):
    def build():
        key = ctx.category(value_columns())
        return ctx.grouped(select(key, func.sum(EquipmentItem.quantity * EquipmentItem.unit_value))
                           .select_from(EquipmentItem)
                           .join(EquipmentDelivery, EquipmentDelivery.id == EquipmentItem.delivery_id)
                           .where(*_delivered_value(ctx)), key)
    return ctx.statement("equipment_value_delivered", build).where(EquipmentDelivery.delivered_on >= start,
                                                                   EquipmentDelivery.delivered_on <= end)


@drilldown_for("equipment_value_delivered")
def value_records(ctx, start, end, category):
    stmt = (select(EquipmentItem, EquipmentDelivery)
            .join(EquipmentDelivery, EquipmentDelivery.id == EquipmentItem.delivery_id)
            .where(*_delivered_value(ctx), EquipmentDelivery.delivered_on >= start,
                   EquipmentDelivery.delivered_on <= end, ctx.matches(value_columns(), category))
            .order_by(EquipmentDelivery.delivered_on, EquipmentItem.id))
    return DrillDown(stmt, [_("Item"), _("Delivered to"), _("Delivery day"), _("Donor"), _("Value")],
                     lambda r: [(r[0].description, url_for("equipment.item_detail", item_id=r[0].id)),
                                (r[1].station.name, url_for("equipment.delivery_detail", delivery_id=r[1].id)),
                                r[1].delivered_on.isoformat(), r[0].donor or "—",
                                float(r[0].quantity * r[0].unit_value)], scalars=False)


# --- the disaggregations equipment owns (declared in cpms/equipment/__init__.py) -----------------------------------

def category_labels(keys):
    return {key: str(CATEGORY_LABELS[key]) for key in keys if key in CATEGORY_LABELS}


def donor_labels(keys):
    return {key: key or str(_l("No donor given")) for key in keys if key is not None}
