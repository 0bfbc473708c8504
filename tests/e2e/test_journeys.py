"""Browser journeys: each role logs in, sees its dashboard, switches language, logs out, and the old
session cookie no longer works."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e

ROLES = ["admin", "trainer", "project_officer", "me_officer", "viewer"]
# a formatted count: digits, possibly grouped ("1 234", "1,234", with a (narrow) no-break space)
COUNT = re.compile(r"^\d[\d\s\u00a0\u202f.,]*$")


def create_user(db, make_user, role):
    user = make_user(role, provinces=["Kasaï-Oriental"] if role not in ("admin",) else [], locale="fr")
    email = user.email
    db.session.close()  # no transaction of the test thread stays open while the server works
    return email


def log_in(page, base_url, email):
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{base_url}/")


def expect_login_page(page):
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator(".card")).to_have_count(0)


@pytest.mark.parametrize("role", ROLES)
def test_login_dashboard_language_logout_kills_session(live_server, db, make_user, page, new_context, role):
    email = create_user(db, make_user, role)

    # 1. log in: the dashboard, in French (the user's language)
    log_in(page, live_server, email)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Tableau de bord")
    expect(page.locator(".card").first).to_be_visible()
    expect(page.locator(".card .card-value").first).to_have_text(COUNT)

    # 2. switch to English
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.get_by_role("button", name="Français")).to_be_visible()
    expect(page.locator(".card").first).to_be_visible()

    # 3. keep the session cookie, and check that it does open the dashboard from another browser
    cookie = next(c for c in page.context.cookies(live_server) if c["name"] == "session")
    before = new_context()
    before.add_cookies([cookie])
    before_page = before.new_page()
    before_page.goto(f"{live_server}/")
    expect(before_page).to_have_url(f"{live_server}/")
    expect(before_page.locator("h1")).to_have_text("Dashboard")
    before.close()

    # 4. log out: back on the login page
    page.get_by_role("button", name="Log out").click()
    expect_login_page(page)
    expect(page.locator("form.logout")).to_have_count(0)

    # 5. the old cookie is dead: a browser presenting it is sent to the login page
    after = new_context()
    after.add_cookies([cookie])
    after_page = after.new_page()
    after_page.goto(f"{live_server}/")
    expect_login_page(after_page)
    expect(after_page.locator("h1")).not_to_have_text(re.compile("Dashboard|Tableau de bord"))
    expect(after_page.locator("form.logout")).to_have_count(0)


@pytest.mark.parametrize(("role", "sees_users"), [("admin", True), ("viewer", False)])
def test_users_link_only_for_admin(live_server, db, make_user, page, role, sees_users):
    email = create_user(db, make_user, role)
    log_in(page, live_server, email)
    nav = page.locator("nav.mainnav")
    expect(nav.locator('a[href="/"]')).to_be_visible()  # the menu is there before counting its links
    expect(nav.locator('a[href="/users"]')).to_have_count(1 if sees_users else 0)
