"""A resident on a phone (375 px) sends feedback anonymously, receives a code and checks its status, in French and
in English."""
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("fresh_rate_limits")]  # no request counted yet



@pytest.mark.parametrize("language,send,stage", [("fr", "Envoyer", "Reçu"), ("en", "Send", "Received")])
def test_resident_sends_feedback_and_follows_it_by_code(page, live_server, language, send, stage):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/feedback/")
    if language == "en":
        if not page.locator("form.lang button[value=en]").is_visible():  # on a phone it is in the folded menu
            page.click("details.menu > summary")
        page.click("form.lang button[value=en]")
    page.select_option("select[name=category]", "police_conduct")
    page.fill("textarea[name=account]", "Un agent a demandé de l'argent au poste du marché.")
    expect(page.locator("input[name=website]")).to_be_hidden()  # the honeypot, for robots only
    page.screenshot(path=f"/tmp/complaints_form_{language}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click(f"main button:has-text('{send}')")
    code = page.locator(".receipt-code").inner_text()
    assert len(code) == 11
    page.screenshot(path=f"/tmp/complaints_receipt_{language}.png", full_page=True)
    page.click("main a[href*='status']")
    expect(page.locator(".complaint-status")).to_have_text(stage)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=f"/tmp/complaints_status_{language}.png", full_page=True)
