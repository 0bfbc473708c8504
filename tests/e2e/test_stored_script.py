"""A name stored with a script tag and an event handler is shown as text in a real browser, never run."""
import pytest
from playwright.sync_api import expect

from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e
SCRIPT = "<script>window.__cpms_pwned = 1</script>"
HANDLER = '"><img src=x onerror="window.__cpms_pwned = 2">'


def test_a_stored_script_in_a_name_is_not_executed(page, live_server, make_user, make_trainee, make_cohort):
    from cpms.training import service
    trainee = make_trainee(last_name=SCRIPT)
    trainee.first_name = HANDLER
    cohort = make_cohort()
    service.enrol_trainees(cohort, [trainee.id])
    _db.session.commit()
    user = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="en")
    ids, email = (trainee.id, cohort.id), user.email
    _db.session.remove()

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")
    for path in ("/training/trainees", f"/training/trainees/{ids[0]}", f"/training/cohorts/{ids[1]}",
                 "/training/trainees?q=script"):
        page.goto(live_server + path)
        expect(page.locator("main")).to_contain_text("<SCRIPT>WINDOW.__CPMS_PWNED = 1</SCRIPT>")
        assert page.evaluate("window.__cpms_pwned") is None, path
        assert page.locator("main img[src=x]").count() == 0, path
