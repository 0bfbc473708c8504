"""Equipment items, deliveries and condition checks: rules and writes (flush, never commit); what happens after a
delivery is in life.py.

Life of an item:

| state     | transition          | who                      | precondition                                   | refusal |
|-----------|---------------------|--------------------------|------------------------------------------------|---------|
| –         | record (in stock)   | admin, project officer   | commune of the user's area, serial unused      | field error |
| in stock  | edit                | admin, project officer   | not delivered yet                              | "already delivered" |
| in stock  | deliver to station  | admin, project officer   | every chosen item in stock in the station's    | nothing saved (all-or-nothing) |
|           |                     |                          | province, received before the delivery day     | |
| delivered | condition check     | admin, project officer   | check not before the delivery day              | field error |
| delivered | transfer to a unit  | admin, project officer   | every chosen item at a unit of the area, not   | nothing saved (all-or-nothing) |
|           |                     |                          | lost nor disposed, not already there           | |
| delivered | report a loss       | admin, project officer   | no open loss report for the item               | "already reported lost" |
| lost      | close the loss      | admin, project officer   | recovered or not, with a closing note          | field error |
| any       | maintenance record  | admin, project officer   | not disposed, not before received in stock     | field error |
| any       | dispose             | admin, project officer   | not disposed, no open loss report              | "already disposed of" |
"""
import re
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from cpms.core.bounds import ITEMS, check_count, check_date, check_money
from cpms.core.errors import DomainError
from cpms.core.permissions import ADMIN, ME_OFFICER, PROJECT_OFFICER, VIEWER, scope_of
from cpms.equipment.models import (
    CATEGORIES,
    CONDITIONS,
    CURRENCIES,
    EquipmentCheck,
    EquipmentDelivery,
    EquipmentItem,
    EquipmentRecipient,
)
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.programmes.models import Programme
from cpms.stations.models import Station

READERS = frozenset({ADMIN, PROJECT_OFFICER, ME_OFFICER})
FIGURE_READERS = READERS | {VIEWER}  # aggregates and value, no names
MANAGERS = frozenset({ADMIN, PROJECT_OFFICER})
MAX_DELIVERY_ITEMS = 200  # one receipt stays a few pages long
MAX_RECIPIENTS = 50  # named officers on one receipt


def can_see_item(item, scope):
    return scope.allows(item.province_id, item.commune_id)


def can_see_delivery(delivery, scope):
    return scope.allows(delivery.province_id, delivery.commune_id)


def visible_items(scope, *, category="", commune_id=None, where="", station_id=None):
    """The items of the user's area, newest first; `where` is "stock" or "delivered"."""
    stmt = (select(EquipmentItem).where(scope.filter(EquipmentItem.province_id, EquipmentItem.commune_id))
            .order_by(EquipmentItem.received_on.desc(), EquipmentItem.id.desc()))
    if category in CATEGORIES:
        stmt = stmt.where(EquipmentItem.category == category)
    if commune_id:
        stmt = stmt.where(EquipmentItem.commune_id == commune_id)
    if station_id:
        stmt = stmt.where(EquipmentItem.station_id == station_id)
    if where == "stock":
        stmt = stmt.where(EquipmentItem.delivery_id.is_(None), EquipmentItem.disposed_on.is_(None))
    elif where == "delivered":
        stmt = stmt.where(EquipmentItem.delivery_id.is_not(None), EquipmentItem.disposed_on.is_(None))
    elif where == "disposed":
        stmt = stmt.where(EquipmentItem.disposed_on.is_not(None))
    return stmt


def visible_deliveries(scope):
    return (select(EquipmentDelivery)
            .where(scope.filter(EquipmentDelivery.province_id, EquipmentDelivery.commune_id))
            .order_by(EquipmentDelivery.delivered_on.desc(), EquipmentDelivery.id.desc()))


def stock_choices(scope):
    """(id, label) of the items in stock in the user's area, for the delivery form."""
    items = db.session.scalars(visible_items(scope, where="stock").limit(1_000)).all()
    return [(item.id, item_label(item)) for item in items]


def item_label(item):
    tag = item.serial_number or f"× {item.quantity}"
    return f"{item.description} ({tag}) – {item.commune.name}"


def normalised_serial(serial):
    """A serial or tag number as stored: spaces collapsed, upper case; None when empty (the form and the import)."""
    serial = " ".join((serial or "").split()).upper()
    return serial or None


def _check_item_fields(actor, item=None, *, programme_id, category, commune_id, serial_number, quantity,
                       unit_value, currency, received_on, description, **_other):
    if category not in CATEGORIES:
        raise DomainError(_("Choose the category."), field="category")
    if not (description or "").strip():
        raise DomainError(_("Describe the item, e.g. “Motorola DP1400 radio”."), field="description")
    programme = db.session.get(Programme, programme_id or 0)
    if programme is None:
        raise DomainError(_("Choose the programme."), field="programme_id")
    commune = db.session.get(Commune, commune_id) if commune_id else None
    if commune is None or (actor is not None and not scope_of(actor).allows(commune.province_id, commune.id)):
        raise DomainError(_("Choose a commune of your area."), field="commune_id")
    if commune.province_id not in programme.province_ids:
        raise DomainError(_("The programme “%(programme)s” does not cover this commune's province: choose the "
                            "programme that paid for the item here.", programme=programme.name), field="commune_id")
    check_date(received_on, _("The day it was received in stock"))
    check_count(quantity, _("The quantity"), ITEMS)
    if not quantity:
        raise DomainError(_("The quantity must be at least 1."), field="quantity")
    serial = normalised_serial(serial_number)
    if serial is not None and quantity != 1:
        raise DomainError(_("An item with a serial or tag number is counted one by one: set the quantity to 1."),
                          field="quantity")
    if serial is not None and db.session.scalar(select(EquipmentItem.id).where(
            EquipmentItem.serial_number == serial, EquipmentItem.id != getattr(item, "id", 0))):
        raise DomainError(_("Another item already has the serial or tag number %(serial)s.", serial=serial),
                          field="serial_number")
    if currency not in CURRENCIES:
        raise DomainError(_("Choose the currency."), field="currency")
    check_money(unit_value, _("The unit value"), currency)
    return commune, serial


def create_item(actor, **fields):
    """Record an item received in stock, kept in a commune of the user's area (DomainError on a bad field)."""
    commune, serial = _check_item_fields(actor, **fields)
    fields["serial_number"] = serial
    item = EquipmentItem(province_id=commune.province_id, recorded_by_id=getattr(actor, "id", None), **fields)
    db.session.add(item)
    db.session.flush()
    return item


def update_item(actor, item, **fields):
    """Correct an item still in stock; a delivered item's receipt was signed and stays as it was."""
    if item.delivery_id is not None:
        raise DomainError(_("This item was already delivered: its receipt was signed and cannot change."))
    refuse_disposed(item)
    commune, serial = _check_item_fields(actor, item, **fields)
    fields["serial_number"] = serial
    for name, value in fields.items():
        setattr(item, name, value)
    item.province_id = commune.province_id
    db.session.flush()
    return item


def record_delivery(actor, *, station_id, delivered_on, received_by_name, received_by_rank, note, item_ids,
                    officer_matricules=""):
    """Hand items in stock over to a station of the user's area, all or nothing.

    Every item must be visible to the user, still in stock (an item cannot be in two places), in the station's
    province and received before the delivery day; otherwise DomainError and nothing is saved (the caller rolls
    back). The items then follow the station's commune."""
    station = db.session.get(Station, station_id) if station_id else None
    scope = scope_of(actor) if actor is not None else None
    if station is None or (scope is not None and not scope.allows(station.province_id, station.commune_id)):
        raise DomainError(_("Choose a station of your area."), field="station_id")
    check_date(delivered_on, _("The delivery day"))
    if not (received_by_name or "").strip():
        raise DomainError(_("Enter the name of the commander who received the items."), field="received_by_name")
    item_ids = sorted(set(item_ids or []))
    if not item_ids:
        raise DomainError(_("Tick at least one item to deliver."), field="item_ids")
    if len(item_ids) > MAX_DELIVERY_ITEMS:
        raise DomainError(_("A delivery holds at most %(max)d items; record several deliveries.",
                            max=MAX_DELIVERY_ITEMS), field="item_ids")
    items = db.session.scalars(select(EquipmentItem).where(EquipmentItem.id.in_(item_ids))).all()
    _check_deliverable(items, item_ids, station, delivered_on, scope)
    officers = trained_officers(officer_matricules, scope, delivered_on)
    delivery = EquipmentDelivery(station_id=station.id, commune_id=station.commune_id,
                                 province_id=station.province_id, delivered_on=delivered_on,
                                 received_by_name=received_by_name.strip(),
                                 received_by_rank=(received_by_rank or "").strip(), note=(note or "").strip(),
                                 recorded_by_id=getattr(actor, "id", None))
    db.session.add(delivery)
    db.session.flush()
    db.session.add_all([EquipmentRecipient(delivery_id=delivery.id, trainee_id=officer.id) for officer in officers])
    # the WHERE delivery_id IS NULL makes a concurrent delivery of the same item fail instead of moving it
    moved = db.session.execute(update(EquipmentItem)
                               .where(EquipmentItem.id.in_(item_ids), EquipmentItem.delivery_id.is_(None))
                               .values(delivery_id=delivery.id, station_id=station.id, commune_id=station.commune_id,
                                       province_id=station.province_id)
                               .execution_options(synchronize_session="fetch")).rowcount
    if moved != len(item_ids):
        raise DomainError(_("Some of these items were delivered elsewhere meanwhile; nothing was saved."),
                          field="item_ids")
    db.session.flush()
    return delivery


def _check_deliverable(items, item_ids, station, delivered_on, scope):
    if len(items) != len(item_ids) or (scope is not None and not all(can_see_item(i, scope) for i in items)):
        raise DomainError(_("Choose items in stock in your area."), field="item_ids")
    for item in items:
        if item.disposed_on is not None:
            raise DomainError(_("%(item)s was disposed of; nothing was saved.", item=item_label(item)),
                              field="item_ids")
        if item.delivery_id is not None:
            raise DomainError(_("%(item)s was already delivered to %(station)s; nothing was saved.",
                                item=item_label(item), station=item.station.name), field="item_ids")
        if item.province_id != station.province_id:
            raise DomainError(_("%(item)s is kept in another province than the station; nothing was saved.",
                                item=item_label(item)), field="item_ids")
        if item.received_on > delivered_on:
            raise DomainError(_("%(item)s was received in stock after the delivery day; nothing was saved.",
                                item=item_label(item)), field="delivered_on")


def parse_matricules(text):
    """The distinct matricules of a free text (one per line, or separated by commas or semicolons), normalised."""
    from cpms.training.service import normalise_matricule
    seen = []
    for raw in re.split(r"[\n,;]+", text or ""):
        matricule = normalise_matricule(raw)
        if matricule and matricule not in seen:
            seen.append(matricule)
    return seen


def trained_officers(text, scope, delivered_on):
    """The trainees named by their matricules: each in the trainee registry of the user's area and enrolled in a
    training (not withdrawn) that started by the delivery day; otherwise DomainError naming the first one."""
    from cpms.training.models import Cohort, Enrolment, Trainee
    if len(text or "") > 2_000:
        raise DomainError(_("Too long: list at most %(max)d matricules.", max=MAX_RECIPIENTS),
                          field="officer_matricules")
    matricules = parse_matricules(text)
    if len(matricules) > MAX_RECIPIENTS:
        raise DomainError(_("List at most %(max)d matricules; record the others on another delivery.",
                            max=MAX_RECIPIENTS), field="officer_matricules")
    if not matricules:
        return []
    found = {t.matricule: t for t in db.session.scalars(select(Trainee).where(Trainee.matricule.in_(matricules)))}
    trained = set(db.session.scalars(
        select(Enrolment.trainee_id).join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.trainee_id.in_([t.id for t in found.values()]), Enrolment.withdrawn_on.is_(None),
               Cohort.start_date <= delivered_on)))
    for matricule in matricules:
        trainee = found.get(matricule)
        if trainee is None or (scope is not None and not scope.allows(trainee.province_id, trainee.commune_id)):
            raise DomainError(_("No officer of your area has the matricule %(m)s in the trainee registry; nothing "
                                "was saved.", m=matricule), field="officer_matricules")
        if trainee.id not in trained:
            raise DomainError(_("%(name)s (%(m)s) took part in no training before the delivery day; nothing was "
                                "saved.", name=trainee.full_name, m=matricule), field="officer_matricules")
    return [found[m] for m in matricules]


def delivery_recipients(delivery):
    return db.session.scalars(select(EquipmentRecipient).where(EquipmentRecipient.delivery_id == delivery.id)
                              .order_by(EquipmentRecipient.id)).all()


def delivery_items(delivery):
    return db.session.scalars(select(EquipmentItem).where(EquipmentItem.delivery_id == delivery.id)
                              .order_by(EquipmentItem.category, EquipmentItem.description, EquipmentItem.id)).all()


def record_check(actor, item, *, checked_on, condition, note):
    """Record a condition check of a delivered item (not before its delivery, not in the future)."""
    if item.delivery_id is None:
        raise DomainError(_("Only delivered items are checked; this item is still in stock."))
    refuse_disposed(item)
    if condition not in CONDITIONS:
        raise DomainError(_("Choose the item's condition."), field="condition")
    check_date(checked_on, _("The day of the check"))
    delivered_on = db.session.scalar(select(EquipmentDelivery.delivered_on)
                                     .where(EquipmentDelivery.id == item.delivery_id))
    if checked_on < delivered_on:
        raise DomainError(_("The check cannot be before the delivery day."), field="checked_on")
    if checked_on > date.today():
        raise DomainError(_("The check cannot be in the future."), field="checked_on")
    if condition in ("lost", "not_found", "damaged") and not (note or "").strip():
        raise DomainError(_("Say what happened or what is wrong, e.g. “screen broken” or “stolen in March”."),
                          field="note")
    check = EquipmentCheck(item_id=item.id, checked_on=checked_on, condition=condition, note=(note or "").strip(),
                           recorded_by_id=getattr(actor, "id", None))
    db.session.add(check)
    db.session.flush()
    return check


def item_checks(item):
    return db.session.scalars(select(EquipmentCheck).where(EquipmentCheck.item_id == item.id)
                              .order_by(EquipmentCheck.checked_on.desc(), EquipmentCheck.id.desc())).all()


def latest_checks(item_ids):
    """{item_id: its latest check} in one query; items never checked are absent."""
    if not item_ids:
        return {}
    ranked = (select(EquipmentCheck.id, func.row_number().over(
        partition_by=EquipmentCheck.item_id,
        order_by=(EquipmentCheck.checked_on.desc(), EquipmentCheck.id.desc())).label("rank"))
        .where(EquipmentCheck.item_id.in_(item_ids)).subquery())
    checks = db.session.scalars(select(EquipmentCheck).join(ranked, ranked.c.id == EquipmentCheck.id)
                                .where(ranked.c.rank == 1)).all()
    return {check.item_id: check for check in checks}


def refuse_disposed(item):
    if item.disposed_on is not None:
        raise DomainError(_("This item was disposed of on %(day)s; nothing more is recorded for it.",
                            day=format_date(item.disposed_on)))
