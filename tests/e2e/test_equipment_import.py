"""Browser check on a phone (375 px), in English and in French: a project officer uploads an inventory spreadsheet
with a bad row, reads the row's problem in the preview (no sideways scrolling), uploads the corrected file and
confirms; the register lists the items. Screenshots go to CPMS_SCREENSHOT_DIR when it is set."""
import os

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e

HEADERS = {
    "en": "Category,Description,Serial or tag number,Quantity,Unit value,Currency,Programme,Donor,Received in stock on,"
          "Commune",
    "fr": "Catégorie;Désignation;Numéro de série ou d'inventaire;Quantité;Valeur unitaire;Devise;Programme;Bailleur;"
          "Reçu en stock le;Commune",
}


def inventory(language, code, bad):
    sep = ";" if language == "fr" else ","
    value = "1 234,50" if language == "fr" else "1,234.50"
    value = f'"{value}"' if sep == "," else value
    rows = [["communication", "Radio portative Motorola DP1400 avec chargeur et batterie de rechange", "MOT-PH-1", "1",
             value, "USD", code, "INL", "2016-09-01", "Bipemba (Mbuji-Mayi)"],
            ["SGBV kit", "Kit bureau VBG", "", "2", "", "", code, "UNICEF", "31/02/2016" if bad else "02/09/2016",
             "Muya"]]
    return (HEADERS[language] + "\n" + "\n".join(sep.join(row) for row in rows) + "\n").encode()


@pytest.fixture
def officers(db, make_user, make_programme):
    make_programme(code="EQ-PHONE")
    users = {language: make_user("project_officer", provinces=["Kasaï-Oriental"], locale=language).email
             for language in ("en", "fr")}
    db.session.close()
    return users, "EQ-PHONE"


def shot(page, name):
    folder = os.environ.get("CPMS_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("language", ["en", "fr"])
def test_officer_previews_and_imports_an_inventory_on_a_phone(live_server, officers, page, language, tmp_path):
    emails, code = officers
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", emails[language])
    page.fill("input[name=password]", TEST_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/equipment/import")
    no_sideways_scroll(page)
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(inventory(language, code, bad=True))
    good.write_bytes(inventory(language, code, bad=False))
    page.set_input_files("input[name=file]", str(bad))
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator("table.problems tbody tr")).to_have_count(1)
    expect(page.locator("table.problems tbody tr td").first).to_have_text("3")
    expect(page.locator("#error-count")).to_have_text("1")
    no_sideways_scroll(page)
    shot(page, f"equipment-import-errors-{language}-375.png")
    page.set_input_files("input[name=file]", str(good))
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator("#rows-to-import")).to_have_text("2")
    no_sideways_scroll(page)
    shot(page, f"equipment-import-preview-{language}-375.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, f"equipment-import-preview-{language}-desktop.png")
    page.set_viewport_size({"width": 375, "height": 740})
    page.locator("button[name=action][value=confirm]").click()
    expect(page.locator(".flash-success")).to_contain_text("2")
    expect(page.locator("#items tbody tr")).to_have_count(2)
    no_sideways_scroll(page)
