"""Equipment rules without HTTP: serial numbers, all-or-nothing deliveries, checks and the latest state."""
from datetime import date

import pytest
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.equipment import service
from cpms.equipment.models import EquipmentDelivery, EquipmentItem
from cpms.extensions import db as _db
from tests.conftest import english


@pytest.fixture(autouse=True)
def messages_in_english(app, db):
    with english(app):
        yield


def test_a_serial_number_is_unique_and_counts_one_item(make_item):
    make_item(serial="rad 0001")
    with pytest.raises(DomainError, match="already has the serial or tag number RAD 0001"):
        make_item(serial="RAD  0001")
    _db.session.rollback()
    with pytest.raises(DomainError, match="set the quantity to 1"):
        make_item(serial="RAD-77", quantity=5)


def test_an_item_is_kept_in_a_province_its_programme_covers(make_item, make_programme):
    kasai = make_programme(code="EQ-KOR", name="Équipement Kasaï")
    with pytest.raises(DomainError, match="The programme “Équipement Kasaï” does not cover this commune's province"):
        make_item(commune="Kampemba", programme=kasai)  # Lubumbashi, Haut-Katanga
    _db.session.rollback()
    assert make_item(commune="Bipemba", programme=kasai).programme_id == kasai.id


def test_a_delivery_is_all_or_nothing_and_an_item_is_in_one_place(make_item, make_station, make_delivery):
    first, second = make_item(), make_item()
    delivery = make_delivery(items=[first])
    station = make_station(name="Sous-commissariat Bipemba 2")
    with pytest.raises(DomainError, match="already delivered to Commissariat de Bipemba"):
        service.record_delivery(None, station_id=station.id, delivered_on=date(2016, 11, 1),
                                received_by_name="Mutombo", received_by_rank="", note="",
                                item_ids=[second.id, first.id])
    _db.session.rollback()
    assert _db.session.scalar(select(func.count()).select_from(EquipmentDelivery)) == 1
    assert _db.session.get(EquipmentItem, second.id).delivery_id is None
    assert _db.session.get(EquipmentItem, first.id).delivery_id == delivery.id


def test_items_of_another_province_or_received_later_are_refused(make_item, make_station):
    station = make_station()
    elsewhere = make_item(commune="Kampemba")
    with pytest.raises(DomainError, match="another province"):
        service.record_delivery(None, station_id=station.id, delivered_on=date(2016, 11, 1),
                                received_by_name="Mutombo", received_by_rank="", note="", item_ids=[elsewhere.id])
    _db.session.rollback()
    late = make_item(received_on=date(2016, 12, 1))
    with pytest.raises(DomainError, match="after the delivery day"):
        service.record_delivery(None, station_id=station.id, delivered_on=date(2016, 11, 1),
                                received_by_name="Mutombo", received_by_rank="", note="", item_ids=[late.id])


def test_the_state_is_the_latest_check(make_delivery):
    delivery = make_delivery()
    item = service.delivery_items(delivery)[0]
    service.record_check(None, item, checked_on=date(2017, 6, 1), condition="damaged", note="Antenne cassée")
    service.record_check(None, item, checked_on=date(2017, 1, 1), condition="in_use", note="")
    assert service.latest_checks([item.id])[item.id].condition == "damaged"
    with pytest.raises(DomainError, match="before the delivery day"):
        service.record_check(None, item, checked_on=date(2016, 1, 1), condition="in_use", note="")
    with pytest.raises(DomainError, match="Say what happened"):
        service.record_check(None, item, checked_on=date(2017, 7, 1), condition="lost", note=" ")


def test_an_item_in_stock_is_not_checked(make_item):
    with pytest.raises(DomainError, match="still in stock"):
        service.record_check(None, make_item(), checked_on=date(2017, 1, 1), condition="in_use", note="")
