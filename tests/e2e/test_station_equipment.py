"""The station's page on a phone (375 px) and on a desktop, in French and English: what the station holds by
category (quantity, value, states) and item by item, without sideways scrolling; the province map's equipment
layer names what the station holds."""
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD, province_id

pytestmark = pytest.mark.e2e


@pytest.fixture
def equipped(db, make_user, make_station, make_item, make_delivery):
    from cpms.equipment import service
    station = make_station(name="Commissariat de Bipemba", latitude=-6.12, longitude=23.6)
    radios = [make_item(serial=f"BIP-RAD-00{n}", unit_value=Decimal("420")) for n in (1, 2, 3)]
    computer = make_item(category="it", description="Ordinateur portable", serial="BIP-PC-001",
                         unit_value=Decimal("980"))
    kit = make_item(category="sgbv_kit", description="Kit du bureau VSBG (mobilier, classeurs, armoire)", quantity=4,
                    unit_value=Decimal("1250.50"))
    make_delivery(station=station, items=[*radios, computer, kit], delivered_on=date(2017, 2, 1))
    service.record_check(None, radios[0], checked_on=date(2017, 6, 14), condition="damaged", note="Antenne cassée")
    service.record_check(None, radios[1], checked_on=date(2017, 6, 14), condition="in_use", note="")
    service.record_check(None, kit, checked_on=date(2017, 6, 14), condition="in_use", note="")
    db.session.commit()
    users = {lang: make_user("project_officer", provinces=["Kasaï-Oriental"], locale=lang).email
             for lang in ("fr", "en")}
    ids = {"users": users, "station_id": station.id, "province_id": province_id("Kasaï-Oriental")}
    db.session.close()  # no transaction of the test thread stays open while the server works
    return ids


@pytest.mark.parametrize("lang, width", [("fr", 375), ("en", 375), ("fr", 1280), ("en", 1280)])
def test_the_station_page_shows_its_equipment_without_sideways_scrolling(live_server, equipped, page, lang, width,
                                                                         tmp_path):
    page.set_viewport_size({"width": width, "height": 740 if width == 375 else 900})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", equipped["users"][lang])
    page.fill("input[name=password]", TEST_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/stations/{equipped['station_id']}")
    summary = page.locator("#station-equipment-summary tbody tr")
    expect(summary).to_have_count(3)
    expect(summary.nth(0)).to_contain_text("$980.00" if lang == "en" else "980,00")
    expect(summary.nth(1)).to_contain_text("Damaged 1" if lang == "en" else "Endommagé 1")
    expect(page.locator("#station-equipment tbody tr")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # the summary fits the screen: nothing of it hidden behind its own sideways scroll
    assert page.evaluate("(w => w.scrollWidth <= w.clientWidth)"
                         "(document.querySelector('#station-equipment-summary').closest('.table-wrap'))")
    page.locator("#equipment").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"station-{lang}-{width}.png"), full_page=True)

    page.goto(f"{live_server}/geography/provinces/{equipped['province_id']}")
    marker = page.locator("#province-map polygon title", has_text="Commissariat de Bipemba")
    expect(marker).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(tmp_path / f"province-{lang}-{width}.png"), full_page=True)
