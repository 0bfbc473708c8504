"""Who may use the equipment pages (the same decisions as cpms/equipment/views.py).

- Admins and project officers import an inventory spreadsheet (its template too) and record items, deliveries, condition checks, maintenance, losses and their
  follow-up, transfers between units and disposals.
- M&E officers read items, deliveries and receipts.
- Viewers see only the figures page: aggregates and value, no names.
Everything is limited to the user's area: elsewhere the answer is 404.
"""
MANAGE = frozenset({"admin", "project_officer"})
READ = frozenset({"admin", "project_officer", "me_officer"})

EXPECTED = {
    "api.equipment_item_list": READ,
    "api.equipment_item_detail": READ,
    "equipment.item_list": READ,
    "equipment.figures": READ | {"viewer"},
    "equipment.item_detail": READ,
    "equipment.item_create": MANAGE,
    "equipment.item_edit": MANAGE,
    "equipment.item_import": MANAGE,
    "equipment.item_import_confirm": MANAGE,
    "equipment.import_template": MANAGE,
    "equipment.check_add": MANAGE,
    "equipment.maintenance_add": MANAGE,
    "equipment.loss_add": MANAGE,
    "equipment.loss_close": MANAGE,
    "equipment.item_dispose": MANAGE,
    "equipment.transfer_create": MANAGE,
    "equipment.delivery_photo_add": MANAGE,
    "equipment.photo_remove": MANAGE,
    "equipment.photo_file": READ,
    "equipment.photo_thumbnail": READ,
    "equipment.delivery_list": READ,
    "equipment.delivery_create": MANAGE,
    "equipment.delivery_detail": READ,
    "equipment.delivery_receipt_pdf": READ,
}


def samples(request):
    """A radio delivered to a station in Bipemba (Kasaï-Oriental)."""
    from datetime import date

    from cpms.programmes.service import create_programme
    from tests.conftest import province_id
    # not through make_programme: its tenth "PRG-10" would be found inside the course code "C-PRG-10" (a national
    # page) by tests/security/test_area_leaks.py, while "PRG-9" is too short to count as a marker
    programme = create_programme(code="EQUIP-KOR", name="Équipement Kasaï-Oriental", donors="INL",
                                 start_date=date(2016, 1, 1), end_date=date(2019, 12, 31), requires_vetting=False,
                                 description="", province_ids=[province_id("Kasaï-Oriental")])
    item = request.getfixturevalue("make_item")(programme=programme)
    delivery = request.getfixturevalue("make_delivery")(items=[item])
    from cpms.equipment.service import add_photo, delivery_items, report_loss
    from cpms.extensions import db
    from tests.helpers.images import image_bytes, upload
    item = delivery_items(delivery)[0]
    loss = report_loss(None, item, reported_on=date(2017, 3, 4), circumstances="Volée au poste",
                       police_report_reference="PV-2017-12")
    photo = add_photo(None, upload=upload(image_bytes()), delivery=delivery, kind="signed_receipt")
    db.session.commit()
    return {"item_id": item.id, "delivery_id": delivery.id, "loss_id": loss.id, "photo_id": photo.id}
