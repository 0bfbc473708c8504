"""A project officer records a late enrolment on the running cohort: picks the officer, gives the date two weeks
after the start, and sees the date (flagged as a late enrolment) on the cohort page – on a desktop and at
375 px wide."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from cpms.extensions import db as _db
from cpms.training import service
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e

TODAY = date.today()


@pytest.fixture
def running_cohort(make_user, make_cohort, make_trainee):
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="en")
    cohort = make_cohort(start=TODAY - timedelta(weeks=10), end=TODAY + timedelta(weeks=10))
    service.enrol_trainees(cohort, [make_trainee() for _ in range(3)])
    late = make_trainee(last_name="Tshibanda")
    make_trainee(last_name="Mukendi")
    _db.session.commit()
    ids = (officer.email, cohort.id, late.matricule)
    _db.session.remove()
    return ids


def _login(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_late_enrolment_is_recorded_with_its_date(page, live_server, running_cohort, width):
    page.set_viewport_size({"width": width, "height": 800})
    email, cohort_id, matricule = running_cohort
    _login(page, live_server, email)
    page.goto(f"{live_server}/training/cohorts/{cohort_id}")
    expect(page.locator("#cohort-phase")).to_contain_text("Running")
    page.fill("input[name=q]", "Tshibanda")
    page.click("text=Search")
    page.check(f"text={matricule}")
    late_on = TODAY - timedelta(weeks=8)
    page.fill("#enrolled_on", late_on.isoformat())
    page.click("text=Enrol the ticked trainees")
    expect(page.locator(".flash-success")).to_contain_text("1 trainees enrolled")
    row = page.locator("tr", has_text=matricule)
    expect(row.locator(".enrolled-on")).to_contain_text("late enrolment")
    expect(row.locator(".enrolled-on")).to_contain_text(f"{late_on.month}/{late_on.day}/{late_on.strftime('%y')}")
    expect(row.locator(".enrolled-on")).to_be_visible()
    # a date outside the cohort is refused with a message that says what to fix
    page.goto(f"{live_server}/training/cohorts/{cohort_id}?q=Mukendi")
    page.locator("input[name=trainee_ids]").first.check()
    page.fill("#enrolled_on", (TODAY + timedelta(weeks=20)).isoformat())
    page.evaluate("document.getElementById('enrolled_on').removeAttribute('max')")
    page.click("text=Enrol the ticked trainees")
    expect(page.locator(".flash-error")).to_contain_text("within the cohort")
