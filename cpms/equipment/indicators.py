"""Equipment indicator for donors: the share of delivered items found in use at their last check.

A state at the end of the period: every item checked by then counts with its latest check up to that day, so a
year's figure is that of its last quarter (aggregation "latest").
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from cpms.equipment.models import EquipmentCheck, EquipmentItem
from cpms.indicators.registry import computed_indicator


@computed_indicator("equipment_in_use_rate", label=_l("Share of delivered equipment in use at the last check"),
                    unit="percentage", aggregation="latest", dimensions=("province", "commune"),
                    dated_by=_l("The item's latest check up to the last day of the period."),
                    place=_l("The commune of the unit holding the item (delivered or transferred there)."),
                    description=_l("Among the programme's delivered items checked by the end of the period and not "
                                   "disposed of by then, the share whose latest check up to then found them in use."))
def in_use_rate(ctx, _start, end):
    def build():
        key = ctx.category({"province": EquipmentItem.province_id, "commune": EquipmentItem.commune_id})
        share = (100.0 * func.sum(case((EquipmentCheck.condition == "in_use", 1), else_=0))
                 / func.nullif(func.count(EquipmentCheck.id), 0))
        return ctx.grouped(select(key, share).select_from(EquipmentCheck)
                           .join(EquipmentItem, EquipmentItem.id == EquipmentCheck.item_id)
                           .where(EquipmentItem.programme_id == ctx.programme_id,
                                  EquipmentItem.delivery_id.is_not(None),
                                  ctx.in_area(EquipmentItem.province_id, EquipmentItem.commune_id)), key)
    later = aliased(EquipmentCheck)
    later_by_then = exists().where(later.item_id == EquipmentCheck.item_id, later.checked_on <= end,
                                     or_(later.checked_on > EquipmentCheck.checked_on,
                                         and_(later.checked_on == EquipmentCheck.checked_on,
                                              later.id > EquipmentCheck.id)))
    # an item disposed of by the end of the period has left the units' counts
    return ctx.statement("equipment_in_use_rate", build).where(EquipmentCheck.checked_on <= end, ~later_by_then,
                                                               or_(EquipmentItem.disposed_on.is_(None),
                                                                   EquipmentItem.disposed_on > end))
