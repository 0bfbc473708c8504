"""Equipment pages through the test client: record items, deliver them to a station (all or nothing), print the
receipt, record checks, and what another area's user and a reader see."""
from sqlalchemy import func, select

from cpms.equipment.models import EquipmentCheck, EquipmentDelivery, EquipmentItem
from cpms.extensions import db as _db
from tests.conftest import commune_id
from tests.helpers.pdf import pdf_text


def item_form(programme, **overrides):
    data = {"category": "communication", "description": "Radio portative", "make_model": "Motorola DP1400",
            "serial_number": "MOT-1001", "quantity": "1", "unit_value": "450", "currency": "USD",
            "programme_id": str(programme.id), "donor": "INL", "purchase_reference": "PO-17",
            "received_on": "2016-09-01", "commune_id": str(commune_id("Bipemba"))}
    data.update(overrides)
    return data


def test_project_officer_records_items_and_filters_the_register(web, login_as, make_programme):
    programme = make_programme()
    login_as("project_officer", "Kasaï-Oriental")
    response = web.post("/equipment/items/new", item_form(programme, received_on="1990-01-01"))
    assert response.status_code == 422 and "must be between" in response.get_data(as_text=True)
    response = web.post("/equipment/items/new", item_form(programme, commune_id=str(commune_id("Kampemba"))))
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    assert web.post("/equipment/items/new", item_form(programme)).status_code == 302
    response = web.post("/equipment/items/new", item_form(programme, serial_number="mot-1001"))
    assert response.status_code == 422 and "already has the serial or tag number MOT-1001" in response.get_data(
        as_text=True)
    assert web.post("/equipment/items/new", item_form(programme, category="uniforms", description="Gilets pare-balles",
                                                      serial_number="", quantity="20")).status_code == 302
    assert _db.session.scalar(select(func.count()).select_from(EquipmentItem)) == 2
    page = web.get("/equipment/?category=uniforms").get_data(as_text=True)
    assert "Gilets pare-balles" in page and "× 20" in page and "Radio portative" not in page
    radio = _db.session.scalar(select(EquipmentItem).where(EquipmentItem.serial_number == "MOT-1001"))
    page = web.get(f"/equipment/items/{radio.id}").get_data(as_text=True)
    assert "Motorola DP1400" in page and "$450.00" in page and "In stock" in page


def test_a_delivery_saves_nothing_when_one_item_cannot_go_then_prints_a_receipt(web, login_as, make_item,
                                                                                make_station, make_delivery):
    station = make_station(name="Commissariat de Bipemba")
    radio, kit = make_item(), make_item(category="sgbv_kit", description="Kit bureau VBG", serial=None, quantity=1)
    elsewhere = make_delivery(station=make_station(name="Sous-commissariat Muya"), items=[make_item()])
    taken = _db.session.scalar(select(EquipmentItem).where(EquipmentItem.delivery_id == elsewhere.id))
    login_as("project_officer", "Kasaï-Oriental")
    form = {"station_id": str(station.id), "delivered_on": "2016-10-03", "received_by_name": "Kabongo Jean",
            "received_by_rank": "Commissaire", "note": "", "item_ids": [str(radio.id), str(kit.id)]}
    response = web.post("/equipment/deliveries/new", {**form, "item_ids": [str(radio.id), str(taken.id)]})
    assert response.status_code == 422
    assert _db.session.scalar(select(func.count()).select_from(EquipmentDelivery)) == 1
    assert _db.session.get(EquipmentItem, radio.id).delivery_id is None
    response = web.post("/equipment/deliveries/new", form)
    assert response.status_code == 302
    delivery = _db.session.scalar(select(EquipmentDelivery).where(EquipmentDelivery.station_id == station.id))
    page = web.get(f"/equipment/deliveries/{delivery.id}").get_data(as_text=True)
    assert "Kabongo Jean" in page and "Kit bureau VBG" in page and radio.serial_number in page
    response = web.get(f"/equipment/deliveries/{delivery.id}/receipt.pdf?lang=fr")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Kabongo Jean" in text and radio.serial_number in text and "Kit bureau VBG" in text


def test_a_check_sets_the_state_shown_on_the_item_and_the_station(web, login_as, make_delivery):
    delivery = make_delivery()
    item = _db.session.scalar(select(EquipmentItem).where(EquipmentItem.delivery_id == delivery.id))
    login_as("project_officer", "Kasaï-Oriental")
    url = f"/equipment/items/{item.id}/checks"
    response = web.post(url, {"checked_on": "2017-06-01", "condition": "damaged", "note": ""})
    assert response.status_code == 422 and "Say what happened" in response.get_data(as_text=True)
    assert web.post(url, {"checked_on": "2017-06-01", "condition": "damaged", "note": "Écran cassé"}).status_code == 302
    assert _db.session.scalar(select(EquipmentCheck.condition)) == "damaged"
    assert "Damaged (" in web.get(f"/equipment/items/{item.id}").get_data(as_text=True)
    page = web.get(f"/stations/{delivery.station_id}").get_data(as_text=True)
    assert "station-equipment" in page and "Radio portative" in page and "Damaged" in page


def test_other_area_and_readers(web, login_as, make_delivery):
    delivery = make_delivery()
    item = _db.session.scalar(select(EquipmentItem).where(EquipmentItem.delivery_id == delivery.id))
    login_as("project_officer", "Haut-Katanga")
    assert web.get(f"/equipment/items/{item.id}").status_code == 404
    assert web.get(f"/equipment/deliveries/{delivery.id}/receipt.pdf").status_code == 404
    assert web.post(f"/equipment/items/{item.id}/checks", {"checked_on": "2017-06-01", "condition": "in_use",
                                                           "note": ""}).status_code == 404
    assert "Radio portative" not in web.get("/equipment/").get_data(as_text=True)


def test_me_officer_reads_but_cannot_check(web, login_as, make_delivery):
    delivery = make_delivery()
    item = _db.session.scalar(select(EquipmentItem).where(EquipmentItem.delivery_id == delivery.id))
    login_as("me_officer", "Kasaï-Oriental")
    page = web.get(f"/equipment/items/{item.id}").get_data(as_text=True)
    assert "Radio portative" in page and "Record a check" not in page
    assert web.post(f"/equipment/items/{item.id}/checks", {"checked_on": "2017-06-01", "condition": "in_use",
                                                           "note": ""}).status_code == 403


def test_french_pages(web, login_as, make_delivery):
    delivery = make_delivery()
    login_as("project_officer", "Kasaï-Oriental", locale="fr")
    page = web.get(f"/equipment/deliveries/{delivery.id}").get_data(as_text=True)
    assert "Reçu (français)" in page


def test_a_delivery_names_trained_officers_by_matricule_and_a_training_centre_as_such(
        web, login_as, make_item, make_station, make_trainee, make_cohort):
    from cpms.training import service as training
    centre = make_station(name="Centre de formation de Bipemba", kind="training_centre")
    radio, second = make_item(), make_item()
    trained, untrained = make_trainee(last_name="Tshimanga"), make_trainee(last_name="Mbuyi")
    make_trainee(commune="Kampemba", matricule="9-999-0001")  # another province's officer
    cohort = make_cohort()
    training.enrol_trainees(cohort, [trained.id])
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    form = {"station_id": str(centre.id), "delivered_on": "2016-10-03", "received_by_name": "Kabongo Jean",
            "received_by_rank": "Commissaire", "note": "", "item_ids": [str(radio.id), str(second.id)]}
    assert "Training centre" in web.get("/equipment/deliveries/new").get_data(as_text=True)
    for matricules, message in ((untrained.matricule, "took part in no training"),
                                ("9-999-0001", "No officer of your area has the matricule 99990001")):
        response = web.post("/equipment/deliveries/new", {**form, "officer_matricules": matricules})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(EquipmentDelivery)) == 0
    response = web.post("/equipment/deliveries/new", {**form, "officer_matricules": f" {trained.matricule}\n"})
    assert response.status_code == 302
    delivery = _db.session.scalar(select(EquipmentDelivery))
    page = web.get(f"/equipment/deliveries/{delivery.id}").get_data(as_text=True)
    assert "TSHIMANGA" in page and "Training centre" in page
    text = pdf_text(web.get(f"/equipment/deliveries/{delivery.id}/receipt.pdf?lang=fr").data)
    assert "TSHIMANGA" in text and trained.matricule in text and "Centre de formation" in text
