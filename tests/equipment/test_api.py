"""The equipment API: items of the caller's area with where they are and their state, no names, read-only."""
from datetime import date

import pytest

from cpms.auth.service import create_api_token
from cpms.equipment import service
from cpms.extensions import db as _db
from tests.conftest import english


@pytest.fixture
def bearer(app, make_user):
    def headers(role, area):
        user = make_user(role, provinces=[area])
        with english(app):
            _token, raw = create_api_token(user)
        _db.session.commit()
        return {"Authorization": f"Bearer {raw}"}
    return headers


def test_an_officer_reads_the_items_of_its_area_with_their_state(client, bearer, make_item, make_delivery):
    delivery = make_delivery()
    radio = service.delivery_items(delivery)[0]
    service.record_check(None, radio, checked_on=date(2017, 6, 1), condition="damaged", note="Antenne cassée")
    service.report_loss(None, radio, reported_on=date(2017, 7, 1), circumstances="Volée",
                        police_report_reference="PV-1")
    in_stock = make_item(category="uniforms", description="Gilets", quantity=20)
    elsewhere = make_item(commune="Kampemba")
    _db.session.commit()
    headers = bearer("me_officer", "Kasaï-Oriental")
    body = client.get("/api/v1/equipment-items", headers=headers).get_json()
    rows = {item["id"]: item for item in body["items"]}
    assert set(rows) == {radio.id, in_stock.id} and body["total"] == 2
    assert (rows[radio.id]["station"], rows[radio.id]["condition"], rows[radio.id]["reported_lost"]) == (
        "Commissariat de Bipemba", "damaged", True)
    assert rows[in_stock.id]["station"] is None and rows[in_stock.id]["quantity"] == 20
    stock = client.get("/api/v1/equipment-items?where=stock", headers=headers).get_json()
    assert [item["id"] for item in stock["items"]] == [in_stock.id]
    detail = client.get(f"/api/v1/equipment-items/{radio.id}", headers=headers)
    assert detail.get_json()["serial_number"] == radio.serial_number
    assert "Kabongo Jean" not in detail.get_data(as_text=True)  # the commander's name stays out
    assert client.get(f"/api/v1/equipment-items/{elsewhere.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/equipment-items?category=boats", headers=headers).status_code == 400
    assert client.get("/api/v1/equipment-items", headers=bearer("viewer", "Kasaï-Oriental")).status_code == 403
