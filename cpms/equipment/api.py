"""/api/v1/equipment-items: the equipment items of the caller's area, where each is (in stock, at a unit, disposed
of) and its state at the last check. Read-only, and without personal data: no commander's, officer's or
technician's name."""
from flask import jsonify, request
from flask_login import current_user

from cpms.core.api import bp
from cpms.core.api.helpers import Filter, described, fields, nullable
from cpms.core.pagination import paginate
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.equipment import service
from cpms.equipment.models import CATEGORIES, EquipmentItem

READERS = tuple(sorted(service.READERS))
WHERE = ("stock", "delivered", "disposed")
ITEM = fields(
    id="integer", programme_id="integer", programme="string", category="string", description="string",
    make_model="string", serial_number=nullable("string"), quantity="integer", unit_value=nullable("number"),
    currency="string", donor="string", purchase_reference="string", received_on=("string", "date"),
    province_id="integer", commune_id="integer", commune="string", delivery_id=nullable("integer"),
    station_id=nullable("integer"), station=nullable("string"),
    condition=nullable("string"), checked_on=nullable("string", "date"), reported_lost="boolean",
    disposed_on=nullable("string", "date"), disposal_reason=nullable("string"))


def item_json(item, check, lost):
    return {"id": item.id, "programme_id": item.programme_id, "programme": item.programme.code,
            "category": item.category, "description": item.description, "make_model": item.make_model,
            "serial_number": item.serial_number, "quantity": item.quantity,
            "unit_value": None if item.unit_value is None else float(item.unit_value), "currency": item.currency,
            "donor": item.donor, "purchase_reference": item.purchase_reference,
            "received_on": item.received_on.isoformat(), "province_id": item.province_id,
            "commune_id": item.commune_id, "commune": item.commune.name, "delivery_id": item.delivery_id,
            "station_id": item.station_id, "station": item.station.name if item.station else None,
            "condition": check.condition if check else None,
            "checked_on": check.checked_on.isoformat() if check else None, "reported_lost": lost,
            "disposed_on": item.disposed_on.isoformat() if item.disposed_on else None,
            "disposal_reason": item.disposal_reason}


@bp.route("/equipment-items")
@require_role(*READERS)
@described(item=ITEM, filters=(Filter("category", "string", "Only items of this category", enum=CATEGORIES),
                               Filter("where", "string", "In stock, delivered (not disposed of) or disposed of",
                                      enum=WHERE),
                               Filter("commune_id", "integer", "Only items kept or held in this commune"),
                               Filter("programme_id", "integer", "Only this programme's items")))
def equipment_item_list():
    """Equipment items in the caller's area, latest received first, with where each is and its state at the last
    check (?category=, ?where=, ?commune_id=, ?programme_id=)."""
    stmt = service.visible_items(scope_of(current_user), category=request.args.get("category", ""),
                                 commune_id=request.args.get("commune_id", type=int),
                                 where=request.args.get("where", ""))
    programme_id = request.args.get("programme_id", type=int)
    if programme_id:
        stmt = stmt.where(EquipmentItem.programme_id == programme_id)
    page = paginate(stmt)
    ids = [item.id for item in page.items]
    checks, lost = service.latest_checks(ids), service.open_losses(ids)
    return jsonify({"items": [item_json(i, checks.get(i.id), i.id in lost) for i in page.items], "page": page.page,
                    "per_page": page.per_page, "total": page.total})


@bp.route("/equipment-items/<int:item_id>")
@require_role(*READERS)
@described(item=ITEM)
def equipment_item_detail(item_id):
    """One equipment item with where it is and its state at the last check (404 outside the caller's area)."""
    item = get_or_404(EquipmentItem, item_id, current_user, check=service.can_see_item)
    return jsonify(item_json(item, service.latest_checks([item.id]).get(item.id),
                             item.id in service.open_losses([item.id])))
