"""Issue 19, item 1: every main page of every demo role fits a 375 × 740 phone screen (no sideways scrolling of
the page; wide tables scroll inside their own box) and the menu sits behind a "Menu" button there.

One demo database and one browser for all roles, to keep it fast.
"""
import pytest
from playwright.sync_api import expect

from cpms.extensions import db as _db

pytestmark = pytest.mark.e2e

DEMO_LOGINS = [("admin@demo.cpms.example", "Cpms-demo-Kasai-01"),
               ("formateur@demo.cpms.example", "Cpms-demo-Kasai-02"),
               ("projet@demo.cpms.example", "Cpms-demo-Kasai-03"),
               ("suivi@demo.cpms.example", "Cpms-demo-Kasai-05"),
               ("bailleur@demo.cpms.example", "Cpms-demo-Kasai-06")]
PHONE = {"width": 375, "height": 740}


def test_every_main_page_of_every_role_fits_a_phone(demo, live_server, browser):
    too_wide = []
    for email, password in DEMO_LOGINS:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        expect(page).to_have_url(f"{live_server}/")
        # the menu is folded behind its button and only opens on a tap; it holds only the role's entries
        menu = page.locator("details.menu")
        expect(menu).not_to_have_attribute("open", "")
        expect(page.locator(".mainnav")).to_be_hidden()
        page.click("details.menu > summary")
        expect(page.locator(".mainnav")).to_be_visible()
        links = [a.get_attribute("href") for a in page.locator(".mainnav a").all()]
        assert ("/users" in links) == email.startswith("admin@"), (email, links)
        header = page.locator(".topbar").bounding_box()
        page.click("details.menu > summary")
        assert page.locator(".topbar").bounding_box()["height"] <= 60 < header["height"]
        for href in ["/"] + links:
            page.goto(f"{live_server}{href}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append((email, href, width))
        context.close()
    assert too_wide == []


def test_the_menu_is_sent_closed_yet_a_wide_screen_shows_it_even_without_javascript(live_server, db, browser,
                                                                                    make_user):
    """No flash of the open menu on a phone before a script runs: the page arrives with the menu closed; without
    JavaScript a phone opens it with its button and a wide screen shows its entries."""
    from tests.conftest import TEST_PASSWORD

    make_user("admin", email="menu@example.org")
    _db.session.commit()
    for width, javascript in ((375, False), (1280, False), (1280, True)):
        context = browser.new_context(viewport={"width": width, "height": 740}, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", "menu@example.org")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("main form button[type=submit]")
        expect(page).to_have_url(f"{live_server}/")
        if width == 375:
            expect(page.locator(".mainnav")).to_be_hidden()
            page.click("details.menu > summary")
        expect(page.locator(".mainnav a[href='/users']")).to_be_visible()
        if width > 375:
            expect(page.locator("details.menu > summary")).to_be_hidden()  # no "Menu" button on a wide screen
        context.close()
