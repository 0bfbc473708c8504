"""Who may use the equipment pages (the same decisions as cpms/equipment/views.py).

- Admins and project officers record items, deliveries and condition checks.
- M&E officers read items, deliveries and receipts.
Everything is limited to the user's area: elsewhere the answer is 404.
"""
MANAGE = frozenset({"admin", "project_officer"})
READ = frozenset({"admin", "project_officer", "me_officer"})

EXPECTED = {
    "equipment.item_list": READ,
    "equipment.item_detail": READ,
    "equipment.item_create": MANAGE,
    "equipment.item_edit": MANAGE,
    "equipment.check_add": MANAGE,
    "equipment.delivery_list": READ,
    "equipment.delivery_create": MANAGE,
    "equipment.delivery_detail": READ,
    "equipment.delivery_receipt_pdf": READ,
}


def samples(request):
    """A radio delivered to a station in Bipemba (Kasaï-Oriental)."""
    delivery = request.getfixturevalue("make_delivery")()
    from cpms.equipment.service import delivery_items
    return {"item_id": delivery_items(delivery)[0].id, "delivery_id": delivery.id}
