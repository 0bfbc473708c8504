"""Issue 21: on a phone (375 px), an admin invites a new user, the person opens the link of the invitation e-mail
(read from the mail outbox), chooses a password and logs in with it, in French and in English."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.notifications.models import OutboxMessage
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e

CHOSEN = "mango truck violet harbour"
TEXTS = {
    "fr": {"invited": "une invitation à choisir un mot de passe a été envoyée par e-mail à",
           "choose": "Choisissez votre mot de passe", "set": "Votre mot de passe est enregistré"},
    "en": {"invited": "an invitation to choose a password was e-mailed to",
           "choose": "Choose your password", "set": "Your password is set"},
}


def _switch_language(page, language):
    """French is the default; English through the language button, in the folded menu on a phone."""
    if language == "en":
        if not page.locator("form.lang button[value=en]").is_visible():
            page.click("details.menu > summary")
        page.click("form.lang button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", language)


def _fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def _invitation_link(email):
    _db.session.expire_all()
    message = _db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email)).one()
    return re.search(r"https?://\S+", message.body_text).group(0)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_admin_invites_and_the_person_sets_a_password_then_logs_in(browser, page, live_server, make_user,
                                                                  language):
    text = TEXTS[language]
    admin = make_user("admin", locale="fr")
    email = f"aline.{language}@example.org"
    page.set_viewport_size({"width": 375, "height": 800})

    page.goto(f"{live_server}/login")
    _switch_language(page, language)
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button.primary")
    _switch_language(page, language)  # the admin's own language (French) came with the login
    page.goto(f"{live_server}/users/new")
    page.fill("input[name=name]", "Aline Mbuyi")
    page.fill("input[name=email]", email)
    page.select_option("select[name=role]", "trainer")
    page.select_option("select[name=locale]", language)
    _fits_the_phone(page)
    page.screenshot(path=f"/tmp/invitation_form_{language}.png", full_page=True)
    page.click("main button.primary")
    expect(page.locator(".flash").first).to_contain_text(f"{text['invited']} {email}")
    page.screenshot(path=f"/tmp/invitation_sent_{language}.png", full_page=True)

    link = _invitation_link(email)  # the new trainer opens the e-mail on their own phone
    phone = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        own = phone.new_page()
        own.goto(link)
        _switch_language(own, language)
        expect(own.locator("h1")).to_have_text(text["choose"])
        expect(own.locator("main")).to_contain_text(email)
        own.fill("input[name=new_password]", CHOSEN)
        own.fill("input[name=confirm]", CHOSEN)
        _fits_the_phone(own)
        own.screenshot(path=f"/tmp/invitation_password_{language}.png", full_page=True)
        own.click("main button.primary")
        expect(own.locator(".flash").first).to_contain_text(text["set"])
        assert own.url.startswith(f"{live_server}/login")
        own.fill("input[name=email]", email)
        own.fill("input[name=password]", CHOSEN)
        own.click("main button.primary")
        expect(own.locator("a.me")).to_contain_text("Aline Mbuyi")
        _fits_the_phone(own)
        own.screenshot(path=f"/tmp/invitation_logged_in_{language}.png", full_page=True)
        own.goto(link)  # the link worked once
        expect(own.locator("main")).not_to_contain_text(email)
    finally:
        phone.close()
