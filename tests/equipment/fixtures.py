"""Factories for equipment items and deliveries (a pytest plugin: every test sees them)."""
from datetime import date

import pytest

from cpms.extensions import db as _db
from tests.conftest import commune_id


@pytest.fixture
def make_item(db, make_programme):
    from cpms.equipment import service

    counter = {"n": 0}
    shared = {}

    def default_programme(commune):
        """One programme per province for the test's items, not one each; it covers the commune's province."""
        from cpms.geo.models import Commune, Province
        province = _db.session.get(Province, _db.session.get(Commune, commune_id(commune)).province_id).name
        if province not in shared:
            shared[province] = make_programme(provinces=(province,))
        return shared[province]

    def factory(commune="Bipemba", category="communication", description="Radio portative", serial=None,
                quantity=1, received_on=date(2016, 9, 1), programme=None, unit_value=None):
        counter["n"] += 1
        if serial is None and quantity == 1:
            serial = f"RAD-{counter['n']:04d}"
        item = service.create_item(None, category=category, description=description, make_model="Motorola DP1400",
                                   serial_number=serial, quantity=quantity, unit_value=unit_value, currency="USD",
                                   programme_id=(programme or default_programme(commune)).id, donor="INL",
                                   purchase_reference="PO-2016-17", received_on=received_on,
                                   commune_id=commune_id(commune))
        _db.session.commit()
        return item

    return factory


@pytest.fixture
def make_delivery(db, make_item, make_station):
    from cpms.equipment import service

    def factory(station=None, items=None, delivered_on=date(2016, 10, 3)):
        station = station or make_station(name="Commissariat de Bipemba")
        items = items or [make_item()]
        delivery = service.record_delivery(None, station_id=station.id, delivered_on=delivered_on,
                                           received_by_name="Kabongo Jean", received_by_rank="Commissaire",
                                           note="", item_ids=[item.id for item in items])
        _db.session.commit()
        return delivery

    return factory
