"""Life after delivery (flush, never commit): maintenance records, reported losses and their follow-up, transfers
between units (all or nothing, an item never in two places, history kept) and disposal at end of life.

Every change goes through the ORM so that the audit log keeps it; the guarded UPDATEs (_claim) only make a
concurrent change fail instead of being overwritten."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from cpms.core.bounds import check_date, check_money
from cpms.core.errors import DomainError
from cpms.core.permissions import scope_of
from cpms.equipment.models import (
    CURRENCIES,
    DISPOSAL_REASONS,
    EquipmentDelivery,
    EquipmentItem,
    EquipmentLoss,
    EquipmentMaintenance,
    EquipmentTransfer,
)
from cpms.equipment.service.items import (
    MAX_DELIVERY_ITEMS,
    can_see_item,
    item_label,
    latest_checks,
    refuse_disposed,
    visible_items,
)
from cpms.extensions import db
from cpms.stations.models import Station


def station_items(station):
    """What a station holds today (its items not disposed of, whether delivered there or transferred to it), with
    their latest checks and open loss reports, and the items it disposed of:
    ([item], {item_id: check}, {item_id: open loss}, [disposed item])."""
    items = db.session.scalars(select(EquipmentItem).where(EquipmentItem.station_id == station.id)
                               .order_by(EquipmentItem.category, EquipmentItem.description, EquipmentItem.id)).all()
    held = [item for item in items if item.disposed_on is None]
    ids = [item.id for item in held]
    return held, latest_checks(ids), open_losses(ids), [item for item in items if item.disposed_on is not None]


def _check_day(day, label, field, not_before=None, before_message=None):
    if day is None:
        raise DomainError(_("Enter the day as YYYY-MM-DD."), field=field)
    check_date(day, label)
    if day > date.today():
        raise DomainError(_("%(label)s cannot be in the future.", label=label), field=field)
    if not_before is not None and day < not_before:
        raise DomainError(before_message, field=field)


def _text(value):
    return (value or "").strip()


def _delivered_on(item):
    return db.session.scalar(select(EquipmentDelivery.delivered_on).where(EquipmentDelivery.id == item.delivery_id))


def record_maintenance(actor, item, *, done_on, work, done_by, cost, currency):
    """Record maintenance or repair work on an item not disposed of (not before it was received in stock)."""
    refuse_disposed(item)
    _check_day(done_on, _("The day of the work"), "done_on", item.received_on,
               _("The work cannot be before the item was received in stock."))
    if not _text(work):
        raise DomainError(_("Say what was done, e.g. “battery replaced”."), field="work")
    if not _text(done_by):
        raise DomainError(_("Say who did the work (a technician, a workshop)."), field="done_by")
    if currency not in CURRENCIES:
        raise DomainError(_("Choose the currency."), field="currency")
    check_money(cost, _("The cost"), currency)
    record = EquipmentMaintenance(item_id=item.id, done_on=done_on, work=_text(work), done_by=_text(done_by),
                                  cost=cost, currency=currency, recorded_by_id=getattr(actor, "id", None))
    db.session.add(record)
    db.session.flush()
    return record


def item_maintenance(item):
    return db.session.scalars(select(EquipmentMaintenance).where(EquipmentMaintenance.item_id == item.id)
                              .order_by(EquipmentMaintenance.done_on.desc(), EquipmentMaintenance.id.desc())).all()


def report_loss(actor, item, *, reported_on, circumstances, police_report_reference):
    """Report a delivered item lost or stolen; it stays reported lost until the follow-up closes the report."""
    if item.delivery_id is None:
        raise DomainError(_("Only delivered items are reported lost; this item is still in stock."))
    refuse_disposed(item)
    if open_losses([item.id]):
        raise DomainError(_("This item is already reported lost; record the follow-up on the open report."))
    _check_day(reported_on, _("The day of the report"), "reported_on", _delivered_on(item),
               _("The loss cannot be reported before the delivery day."))
    if not _text(circumstances):
        raise DomainError(_("Say what happened, e.g. “stolen from the office during the night of 3 March”."),
                          field="circumstances")
    loss = EquipmentLoss(item_id=item.id, reported_on=reported_on, circumstances=_text(circumstances),
                         police_report_reference=_text(police_report_reference), status="open",
                         recorded_by_id=getattr(actor, "id", None))
    db.session.add(loss)
    db.session.flush()
    return loss


def close_loss(loss, *, closed_on, status, closing_note):
    """Close an open loss report: the item was recovered, or the search ended without it (then dispose of it)."""
    if loss.status != "open":
        raise DomainError(_("This loss report is already closed."))
    if status not in ("recovered", "not_recovered"):
        raise DomainError(_("Say whether the item was recovered."), field="status")
    _check_day(closed_on, _("The day the report was closed"), "closed_on", loss.reported_on,
               _("The report cannot be closed before it was made."))
    if not _text(closing_note):
        raise DomainError(_("Write the closing note: how the item was found, or why the search ended."),
                          field="closing_note")
    # the WHERE status = 'open' makes a second closing at the same time fail instead of overwriting the first
    _claim(update(EquipmentLoss).where(EquipmentLoss.id == loss.id, EquipmentLoss.status == "open")
           .values(status=status, closed_on=closed_on), 1, _("This loss report is already closed."))
    loss.status, loss.closed_on, loss.closing_note = status, closed_on, _text(closing_note)  # audited at the flush
    db.session.flush()
    return loss


def _claim(statement, expected, message, field=None):
    """Run a guarded UPDATE (its WHERE states what must still hold) and refuse when another request changed the
    rows first. The same values are then set on the objects so that the flush writes them to the audit log."""
    if db.session.execute(statement.execution_options(synchronize_session=False)).rowcount != expected:
        raise DomainError(message, field=field)


def item_losses(item):
    return db.session.scalars(select(EquipmentLoss).where(EquipmentLoss.item_id == item.id)
                              .order_by(EquipmentLoss.reported_on.desc(), EquipmentLoss.id.desc())).all()


def open_losses(item_ids):
    """{item_id: its open loss report} in one query."""
    if not item_ids:
        return {}
    losses = db.session.scalars(select(EquipmentLoss).where(EquipmentLoss.item_id.in_(item_ids),
                                                            EquipmentLoss.status == "open")).all()
    return {loss.item_id: loss for loss in losses}


def can_see_loss(loss, scope):
    return can_see_item(db.session.get(EquipmentItem, loss.item_id), scope)


def transfer_choices(scope):
    """(id, label) of the delivered items of the user's area that may move, for the transfer form."""
    items = db.session.scalars(visible_items(scope, where="delivered").limit(1_000)).all()
    return [(item.id, f"{item.description} ({item.serial_number or f'× {item.quantity}'}) – {item.station.name}")
            for item in items]


def record_transfer(actor, *, to_station_id, transferred_on, received_by_name, received_by_rank, note, item_ids):
    """Move delivered items from the units holding them to another unit of the user's area, all or nothing.

    Every item must be visible to the user, delivered, not disposed of, not reported lost, not already at that unit,
    and the day not before its delivery or its last transfer; otherwise DomainError and nothing is saved (the caller
    rolls back). Each item's move is kept (EquipmentTransfer) and the item follows the unit's commune."""
    station = db.session.get(Station, to_station_id) if to_station_id else None
    scope = scope_of(actor) if actor is not None else None
    if station is None or (scope is not None and not scope.allows(station.province_id, station.commune_id)):
        raise DomainError(_("Choose a station or unit of your area."), field="to_station_id")
    _check_day(transferred_on, _("The day of the transfer"), "transferred_on")
    if not _text(received_by_name):
        raise DomainError(_("Enter the name of the commander who received the items."), field="received_by_name")
    item_ids = sorted(set(item_ids or []))
    if not item_ids:
        raise DomainError(_("Tick at least one item to transfer."), field="item_ids")
    if len(item_ids) > MAX_DELIVERY_ITEMS:
        raise DomainError(_("A transfer holds at most %(max)d items; record several transfers.",
                            max=MAX_DELIVERY_ITEMS), field="item_ids")
    items = db.session.scalars(select(EquipmentItem).where(EquipmentItem.id.in_(item_ids))).all()
    if len(items) != len(item_ids) or (scope is not None and not all(can_see_item(i, scope) for i in items)):
        raise DomainError(_("Choose delivered items of your area."), field="item_ids")
    _check_movable(items, station, transferred_on)
    moves = []
    for item in items:
        moves.append(EquipmentTransfer(item_id=item.id, from_station_id=item.station_id, to_station_id=station.id,
                                       transferred_on=transferred_on, received_by_name=_text(received_by_name),
                                       received_by_rank=_text(received_by_rank), note=_text(note),
                                       recorded_by_id=getattr(actor, "id", None)))
    from_stations = {item.id: item.station_id for item in items}
    db.session.add_all(moves)
    db.session.flush()
    for from_station_id in sorted(set(from_stations.values())):
        ids = [item_id for item_id, origin in from_stations.items() if origin == from_station_id]
        # the WHERE on the unit holding it makes a concurrent move of the same item fail instead of doubling it
        _claim(update(EquipmentItem).where(EquipmentItem.id.in_(ids), EquipmentItem.station_id == from_station_id,
                                           EquipmentItem.disposed_on.is_(None)).values(station_id=station.id),
               len(ids), _("Some of these items were moved or disposed of meanwhile; nothing was saved."), "item_ids")
    for item in items:
        item.station_id, item.commune_id, item.province_id = station.id, station.commune_id, station.province_id
    db.session.flush()
    return moves


def _check_movable(items, station, transferred_on):
    ids = [item.id for item in items]
    lost = open_losses(ids)
    delivered = dict(db.session.execute(select(EquipmentItem.id, EquipmentDelivery.delivered_on)
                                        .join(EquipmentDelivery, EquipmentDelivery.id == EquipmentItem.delivery_id)
                                        .where(EquipmentItem.id.in_(ids))).all())
    last_moved = dict(db.session.execute(select(EquipmentTransfer.item_id, func.max(EquipmentTransfer.transferred_on))
                                         .where(EquipmentTransfer.item_id.in_(ids))
                                         .group_by(EquipmentTransfer.item_id)).all())
    for item in items:
        if item.delivery_id is None:
            raise DomainError(_("%(item)s is still in stock: deliver it instead; nothing was saved.",
                                item=item_label(item)), field="item_ids")
        if item.disposed_on is not None:
            raise DomainError(_("%(item)s was disposed of; nothing was saved.", item=item_label(item)),
                              field="item_ids")
        if item.id in lost:
            raise DomainError(_("%(item)s is reported lost; nothing was saved.", item=item_label(item)),
                              field="item_ids")
        if item.station_id == station.id:
            raise DomainError(_("%(item)s is already at %(station)s; nothing was saved.", item=item_label(item),
                                station=station.name), field="item_ids")
        since = max(delivered[item.id], last_moved.get(item.id, delivered[item.id]))
        if transferred_on < since:
            raise DomainError(_("%(item)s reached its present unit after the day of the transfer; nothing was "
                                "saved.", item=item_label(item)), field="transferred_on")


def item_transfers(item):
    return db.session.scalars(select(EquipmentTransfer).where(EquipmentTransfer.item_id == item.id)
                              .order_by(EquipmentTransfer.transferred_on.desc(), EquipmentTransfer.id.desc())).all()


def dispose_item(item, *, disposed_on, reason, note, authorised_by):
    """Dispose of an item at the end of its life: it stays in the register but leaves the units' counts."""
    refuse_disposed(item)
    if open_losses([item.id]):
        raise DomainError(_("Close the loss report first (recovered or not), then dispose of the item."))
    if reason not in DISPOSAL_REASONS:
        raise DomainError(_("Choose the reason for the disposal."), field="reason")
    _check_day(disposed_on, _("The day of the disposal"), "disposed_on", item.received_on,
               _("The disposal cannot be before the item was received in stock."))
    if not _text(authorised_by):
        raise DomainError(_("Enter who authorised the disposal (name and function)."), field="authorised_by")
    if reason == "other" and not _text(note):
        raise DomainError(_("Say why the item is disposed of."), field="note")
    _claim(update(EquipmentItem).where(EquipmentItem.id == item.id, EquipmentItem.disposed_on.is_(None))
           .values(disposed_on=disposed_on, disposal_reason=reason), 1, _("This item was already disposed of."))
    item.disposed_on, item.disposal_reason = disposed_on, reason
    item.disposal_note, item.disposal_authorised_by = _text(note), _text(authorised_by)
    db.session.flush()
    return item
