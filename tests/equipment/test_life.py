"""Life after delivery: maintenance, losses and their follow-up, transfers between units (all or nothing, an item
in one place, history kept) and disposal (the item leaves the unit's equipment and the share in use)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from cpms.core.audit import AuditEntry
from cpms.core.errors import DomainError
from cpms.equipment import service
from cpms.equipment.models import EquipmentItem, EquipmentLoss, EquipmentTransfer
from cpms.extensions import db as _db
from cpms.indicators.service import periods as P
from tests.conftest import english


@pytest.fixture(autouse=True)
def messages_in_english(app, db):
    with english(app):
        yield


def transfer(station, items, day=date(2017, 2, 1), **overrides):
    fields = {"to_station_id": station.id, "transferred_on": day, "received_by_name": "Ngoy Paul",
              "received_by_rank": "Commissaire adjoint", "note": "", "item_ids": [item.id for item in items]}
    fields.update(overrides)
    return service.record_transfer(None, **fields)


def test_a_transfer_moves_every_item_or_none_and_keeps_the_history(make_item, make_station, make_delivery):
    first, second = make_item(), make_item()
    delivery = make_delivery(items=[first, second])
    muya = make_station(name="Sous-commissariat Muya")
    lost = service.delivery_items(delivery)[1]
    service.report_loss(None, lost, reported_on=date(2017, 1, 5), circumstances="Volée", police_report_reference="")
    _db.session.commit()
    with pytest.raises(DomainError, match="is reported lost; nothing was saved"):
        transfer(muya, [first, second])
    _db.session.rollback()
    assert _db.session.scalar(select(func.count()).select_from(EquipmentTransfer)) == 0
    assert _db.session.get(EquipmentItem, first.id).station_id == delivery.station_id

    transfer(muya, [first])
    _db.session.commit()
    moved = _db.session.get(EquipmentItem, first.id)
    assert moved.station_id == muya.id and moved.delivery_id == delivery.id
    with pytest.raises(DomainError, match="already at Sous-commissariat Muya"):
        transfer(muya, [first])
    _db.session.rollback()
    with pytest.raises(DomainError, match="after the day of the transfer"):
        transfer(delivery.station, [first], day=date(2017, 1, 20))
    _db.session.rollback()
    transfer(delivery.station, [first], day=date(2017, 3, 1))
    _db.session.commit()
    history = [(t.from_station.name, t.to_station.name) for t in service.item_transfers(moved)]
    assert history == [("Sous-commissariat Muya", "Commissariat de Bipemba"),
                       ("Commissariat de Bipemba", "Sous-commissariat Muya")]
    # the audit log keeps the item's move, not only the transfer rows
    assert _db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "equipment_items", AuditEntry.entity_id == str(first.id),
        AuditEntry.action == "update")) == 2


def test_a_stale_transfer_fails_instead_of_putting_an_item_in_two_places(make_item, make_station, make_delivery):
    item = make_item()
    make_delivery(items=[item])
    muya, tshibombo = make_station(name="Sous-commissariat Muya"), make_station(name="Poste de Tshibombo")
    stale = _db.session.get(EquipmentItem, item.id)
    # another request moved it to Muya meanwhile; this session still believes it is at Bipemba
    _db.session.execute(EquipmentItem.__table__.update().where(EquipmentItem.id == item.id)
                        .values(station_id=muya.id))
    with pytest.raises(DomainError, match="moved or disposed of meanwhile"):
        transfer(tshibombo, [stale])
    _db.session.rollback()
    assert _db.session.scalar(select(func.count()).select_from(EquipmentTransfer)) == 0


def test_a_loss_is_followed_up_then_the_item_disposed_of(make_item, make_delivery):
    delivery = make_delivery()
    item = service.delivery_items(delivery)[0]
    with pytest.raises(DomainError, match="Say what happened"):
        service.report_loss(None, item, reported_on=date(2017, 3, 4), circumstances=" ",
                            police_report_reference="")
    loss = service.report_loss(None, item, reported_on=date(2017, 3, 4), circumstances="Volée la nuit du 3 mars",
                               police_report_reference="PV/0312/2017")
    with pytest.raises(DomainError, match="already reported lost"):
        service.report_loss(None, item, reported_on=date(2017, 3, 5), circumstances="Encore",
                            police_report_reference="")
    with pytest.raises(DomainError, match="Close the loss report first"):
        service.dispose_item(item, disposed_on=date(2017, 6, 1), reason="lost", note="",
                             authorised_by="Coordonnateur provincial")
    with pytest.raises(DomainError, match="closing note"):
        service.close_loss(loss, closed_on=date(2017, 6, 1), status="not_recovered", closing_note="")
    service.close_loss(loss, closed_on=date(2017, 6, 1), status="not_recovered",
                       closing_note="Enquête classée sans suite")
    with pytest.raises(DomainError, match="already closed"):
        service.close_loss(loss, closed_on=date(2017, 6, 2), status="recovered", closing_note="Retrouvée")
    service.dispose_item(item, disposed_on=date(2017, 6, 2), reason="lost", note="",
                         authorised_by="Coordonnateur provincial")
    _db.session.commit()
    assert _db.session.scalar(select(EquipmentLoss.status)) == "not_recovered"
    with pytest.raises(DomainError, match="disposed of on"):
        service.record_check(None, item, checked_on=date(2017, 7, 1), condition="in_use", note="")
    held, _checks, _losses, disposed = service.station_items(delivery.station)
    assert held == [] and [i.id for i in disposed] == [item.id]
    assert _db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "equipment_losses", AuditEntry.action == "update")) == 1


def test_maintenance_is_recorded_with_its_cost(make_item):
    item = make_item(received_on=date(2016, 9, 1))
    with pytest.raises(DomainError, match="before the item was received"):
        service.record_maintenance(None, item, done_on=date(2016, 8, 1), work="Batterie", done_by="Atelier",
                                   cost=None, currency="USD")
    with pytest.raises(DomainError, match="Say who did the work"):
        service.record_maintenance(None, item, done_on=date(2016, 10, 1), work="Batterie", done_by="",
                                   cost=None, currency="USD")
    service.record_maintenance(None, item, done_on=date(2016, 10, 1), work="Batterie remplacée",
                               done_by="Atelier Lubumbashi Radio", cost=35, currency="USD")
    _db.session.commit()
    assert [(m.work, m.cost) for m in service.item_maintenance(item)] == [("Batterie remplacée", 35)]


def test_a_disposed_item_leaves_the_share_in_use(make_programme, make_item, make_delivery, computed_figures):
    programme = make_programme()
    items = [make_item(programme=programme) for _n in range(2)]
    make_delivery(items=items)
    service.record_check(None, items[0], checked_on=date(2017, 4, 10), condition="in_use", note="")
    service.record_check(None, items[1], checked_on=date(2017, 4, 10), condition="damaged", note="Écran cassé")
    service.dispose_item(items[1], disposed_on=date(2017, 8, 1), reason="beyond_repair", note="",
                         authorised_by="Chef de projet")
    _db.session.commit()
    (q2, q3), _figures = computed_figures(programme, "equipment_in_use_rate", [
        P.parse_period(key, 1) for key in ("2017-Q2", "2017-Q3")])
    assert q2[None] == 50.0  # the broken one still counted at the end of June
    assert q3[None] == 100.0  # disposed of in August: only the working one remains


def test_an_officer_follows_an_item_through_its_page_and_the_station_page(web, login_as, make_item, make_station,
                                                                           make_delivery):
    delivery = make_delivery()
    item = service.delivery_items(delivery)[0]
    muya = make_station(name="Sous-commissariat Muya")
    login_as("project_officer", "Kasaï-Oriental")
    url = f"/equipment/items/{item.id}"
    assert web.post(f"{url}/maintenance", {"done_on": "2017-02-01", "work": "Antenne remplacée",
                                           "done_by": "Atelier Mbuji-Mayi", "cost": "12.50",
                                           "currency": "USD"}).status_code == 302
    page = web.get(url).get_data(as_text=True)
    assert "Antenne remplacée" in page and "$12.50" in page

    response = web.post(f"{url}/losses", {"reported_on": "2017-03-04", "circumstances": "",
                                          "police_report_reference": ""})
    assert response.status_code == 422 and "Say what happened" in response.get_data(as_text=True)
    assert web.post(f"{url}/losses", {"reported_on": "2017-03-04", "circumstances": "Volée au poste",
                                      "police_report_reference": "PV/0312/2017"}).status_code == 302
    station_page = web.get(f"/stations/{delivery.station_id}").get_data(as_text=True)
    assert "Reported lost" in station_page
    response = web.post("/equipment/transfers/new", {"to_station_id": str(muya.id), "transferred_on": "2017-03-10",
                                                     "received_by_name": "Ngoy Paul", "received_by_rank": "",
                                                     "note": "", "item_ids": [str(item.id)]})
    assert response.status_code == 422 and "is reported lost; nothing was saved" in response.get_data(as_text=True)

    loss = _db.session.scalar(select(EquipmentLoss))
    assert web.post(f"/equipment/losses/{loss.id}/close", {"closed_on": "2017-03-20", "status": "recovered",
                                                           "closing_note": "Retrouvée chez un agent"}).status_code == 302
    assert "Retrouvée chez un agent" in web.get(url).get_data(as_text=True)
    form = web.get(f"/equipment/transfers/new?item_id={item.id}").get_data(as_text=True)
    assert "Commissariat de Bipemba" in form
    assert web.post("/equipment/transfers/new", {"to_station_id": str(muya.id), "transferred_on": "2017-04-01",
                                                 "received_by_name": "Ngoy Paul", "received_by_rank": "",
                                                 "note": "", "item_ids": [str(item.id)]}).status_code == 302
    assert "Radio portative" not in web.get(f"/stations/{delivery.station_id}").get_data(as_text=True).split(
        'id="equipment"')[1]
    assert "Radio portative" in web.get(f"/stations/{muya.id}").get_data(as_text=True)

    assert web.post(f"{url}/disposal", {"disposed_on": "2017-09-01", "reason": "beyond_repair",
                                        "authorised_by": "", "disposal_note": ""}).status_code == 422
    assert web.post(f"{url}/disposal", {"disposed_on": "2017-09-01", "reason": "beyond_repair",
                                        "authorised_by": "Kalala, chef de projet", "disposal_note": ""}).status_code == 302
    page = web.get(url).get_data(as_text=True)
    assert "Broken beyond repair" in page and "Kalala, chef de projet" in page and "Record a check" not in page
    muya_page = web.get(f"/stations/{muya.id}").get_data(as_text=True)
    assert "station-equipment-disposed" in muya_page and "This station holds no equipment." in muya_page


def test_a_reader_sees_the_history_but_no_forms(web, login_as, make_delivery):
    delivery = make_delivery()
    item = service.delivery_items(delivery)[0]
    service.record_maintenance(None, item, done_on=date(2017, 2, 1), work="Batterie remplacée", done_by="Atelier",
                               cost=None, currency="USD")
    _db.session.commit()
    login_as("me_officer", "Kasaï-Oriental")
    page = web.get(f"/equipment/items/{item.id}").get_data(as_text=True)
    assert "Batterie remplacée" in page and "Dispose of this item" not in page and "Report a loss" not in page
    assert web.post(f"/equipment/items/{item.id}/disposal", {"disposed_on": "2017-09-01", "reason": "worn_out",
                                                             "authorised_by": "X", "disposal_note": ""}).status_code == 403
