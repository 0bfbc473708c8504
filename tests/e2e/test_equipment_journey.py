"""Browser journey on a phone (375 px): a project officer records the delivery of two radios to the Bipemba
station, then a condition check finding one broken, which the station's page shows; then transfers the broken one
to the Muya sub-station, whose page then holds it while Bipemba's keeps the other."""
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def stock(db, make_user, make_station, make_item):
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="en")
    station = make_station(name="Commissariat de Bipemba")
    muya = make_station(name="Sous-commissariat Muya")
    radios = [make_item(serial=f"BIP-RAD-{n}") for n in (1, 2)]
    ids = {"email": officer.email, "station_id": station.id, "radio_ids": [r.id for r in radios], "muya_id": muya.id}
    db.session.close()  # no transaction of the test thread stays open while the server works
    return ids


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_officer_delivers_radios_and_records_a_broken_one_on_a_phone(live_server, stock, page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", stock["email"])
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")

    page.goto(f"{live_server}/equipment/")
    expect(page.locator("#items tbody tr")).to_have_count(2)
    no_sideways_scroll(page)
    page.get_by_role("link", name="Record a delivery").click()
    page.select_option("select[name=station_id]", str(stock["station_id"]))
    page.fill("input[name=delivered_on]", "2016-10-03")
    page.fill("input[name=received_by_name]", "Kabongo Jean")
    page.fill("input[name=received_by_rank]", "Commissaire")
    for radio_id in stock["radio_ids"]:
        page.check(f"input[name=item_ids][value='{radio_id}']")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Save the delivery").click()
    expect(page.locator(".flash-success")).to_contain_text("Delivery recorded.")
    expect(page.locator("#delivery-items tbody tr")).to_have_count(2)
    expect(page.get_by_role("link", name="Receipt (French)")).to_be_visible()
    no_sideways_scroll(page)

    page.get_by_role("link", name="Radio portative").first.click()
    item_url = page.url
    page.fill("input[name=checked_on]", date(2017, 6, 1).isoformat())
    page.select_option("select[name=condition]", "damaged")
    page.fill("textarea[name=note]", "Antenne cassée")
    page.get_by_role("button", name="Save the check").click()
    expect(page.locator("#state")).to_contain_text("Damaged")
    no_sideways_scroll(page)

    page.goto(f"{live_server}/stations/{stock['station_id']}")
    expect(page.locator("#station-equipment tbody tr")).to_have_count(2)
    expect(page.locator("#station-equipment")).to_contain_text("Damaged")
    expect(page.locator("#station-equipment")).to_contain_text("never checked")
    no_sideways_scroll(page)
    page.screenshot(path="/tmp/equipment/station_phone.png", full_page=True)

    page.goto(item_url)
    page.get_by_role("link", name="Transfer", exact=True).click()
    page.select_option("select[name=to_station_id]", str(stock["muya_id"]))
    page.fill("input[name=transferred_on]", "2017-07-01")
    page.fill("input[name=received_by_name]", "Ngoy Paul")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Save the transfer").click()
    expect(page.locator(".flash-success")).to_contain_text("Transfer recorded.")
    expect(page.locator("h1")).to_contain_text("Sous-commissariat Muya")
    expect(page.locator("#station-equipment tbody tr")).to_have_count(1)
    expect(page.locator("#station-equipment")).to_contain_text("Damaged")
    no_sideways_scroll(page)
    page.screenshot(path="/tmp/equipment/transfer_phone.png", full_page=True)
    page.goto(f"{live_server}/stations/{stock['station_id']}")
    expect(page.locator("#station-equipment tbody tr")).to_have_count(1)
    expect(page.locator("#station-equipment")).to_contain_text("never checked")
