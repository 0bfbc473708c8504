"""Equipment figures for every reader, viewers included: aggregates and value, never a name (no commander, no
officer, no serial number). Each table is one grouped query over the user's area."""
from sqlalchemy import func, select

from cpms.equipment.models import EquipmentDelivery, EquipmentItem
from cpms.extensions import db
from cpms.geo.models import Province
from cpms.programmes.models import Programme


def _delivered(scope):
    return (select().select_from(EquipmentItem)
            .join(EquipmentDelivery, EquipmentDelivery.id == EquipmentItem.delivery_id)
            .where(scope.filter(EquipmentDelivery.province_id, EquipmentDelivery.commune_id)))


def _values(rows):
    """[(key, currency, value)] -> {key: [(currency, value)]} in currency order."""
    values = {}
    for key, currency, value in rows:
        if value is not None:
            values.setdefault(key, []).append((currency, value))
    return values


def equipment_figures(scope):
    """{"provinces": [...], "donors": [...], "programmes": [...]}: what was delivered in the user's area.

    Per province (of the delivery): the units equipped today (stations holding an item not disposed of), the items
    they hold (quantities), and the value delivered by currency; per donor and per programme: the items delivered
    and their value by currency. Items without a unit value count in the items, not in the value."""
    held = db.session.execute(
        select(EquipmentItem.province_id, func.count(func.distinct(EquipmentItem.station_id)),
               func.sum(EquipmentItem.quantity))
        .where(EquipmentItem.station_id.is_not(None), EquipmentItem.disposed_on.is_(None),
               scope.filter(EquipmentItem.province_id, EquipmentItem.commune_id))
        .group_by(EquipmentItem.province_id)).all()
    value = func.sum(EquipmentItem.quantity * EquipmentItem.unit_value)
    by_province = db.session.execute(
        _delivered(scope).add_columns(EquipmentDelivery.province_id, EquipmentItem.currency, value,
                                      func.sum(EquipmentItem.quantity))
        .group_by(EquipmentDelivery.province_id, EquipmentItem.currency)).all()
    by_donor = db.session.execute(
        _delivered(scope).add_columns(EquipmentItem.donor, EquipmentItem.currency, value,
                                      func.sum(EquipmentItem.quantity))
        .group_by(EquipmentItem.donor, EquipmentItem.currency)).all()
    by_programme = db.session.execute(
        _delivered(scope).add_columns(Programme.code, EquipmentItem.currency, value, func.sum(EquipmentItem.quantity))
        .join(Programme, Programme.id == EquipmentItem.programme_id)
        .group_by(Programme.code, EquipmentItem.currency)).all()
    names = dict(db.session.execute(select(Province.id, Province.name)).all())
    held = {province_id: (units, items) for province_id, units, items in held}
    return {
        "provinces": _table(by_province, held=held, label=lambda key: names.get(key, "—")),
        "donors": _table(by_donor, label=lambda key: key or None),
        "programmes": _table(by_programme, label=lambda key: key),
    }


def _table(rows, label, held=None):
    values = _values([(key, currency, amount) for key, currency, amount, _n in rows])
    delivered = {}
    for key, _currency, _amount, count in rows:
        delivered[key] = delivered.get(key, 0) + (count or 0)
    keys = sorted(set(delivered) | set(held or {}), key=lambda key: str(label(key) or ""))
    return [{"label": label(key), "delivered": delivered.get(key, 0), "values": values.get(key, []),
             "units": (held or {}).get(key, (0, 0))[0], "held": (held or {}).get(key, (0, 0))[1]} for key in keys]
