"""A trainer opens a session's register, marks three officers absent, saves and sees the rate change;
then the same with the connection cut during the save and restored."""
from datetime import date, time

import pytest
from playwright.sync_api import expect

from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import TrainingSession
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def trainer_with_register(make_user, make_cohort, make_trainee):
    trainer = make_user("trainer", provinces=["Kasaï-Oriental"], locale="en")
    cohort = make_cohort(trainers=[trainer])
    trainees = [make_trainee() for _ in range(10)]
    service.enrol_trainees(cohort, [t.id for t in trainees])
    first = TrainingSession(cohort_id=cohort.id, session_date=date(2016, 4, 4), start_time=time(8), end_time=time(12))
    second = TrainingSession(cohort_id=cohort.id, session_date=date(2016, 4, 5), start_time=time(8), end_time=time(12))
    _db.session.add_all([first, second])
    _db.session.commit()
    ids = (trainer.email, cohort.id, first.id, second.id)
    _db.session.remove()
    return ids


def _login(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")


def _mark_three_absent(page):
    rows = page.locator("ol.rg li")
    expect(rows).to_have_count(10)
    for n in range(3):
        rows.nth(n).locator("label.rg-a").click()


def test_trainer_marks_three_absent_and_sees_the_rate(page, live_server, trainer_with_register):
    email, cohort_id, first, _second = trainer_with_register
    _login(page, live_server, email)
    page.goto(f"{live_server}/training/sessions/{first}/register")
    page.click("#all-present")  # explicit: nobody is present until marked
    _mark_three_absent(page)
    page.click("text=Save the register")
    # the confirmation stays on the register, with the counts saved
    expect(page.locator("#register-status")).to_have_text(
        "Register saved. Present: 7 · late: 0 · excused: 0 · absent: 3 · not marked: 0.")
    page.goto(f"{live_server}/training/cohorts/{cohort_id}")
    expect(page.locator("#cohort-rate")).to_have_text("70 %")
    expect(page.locator(".flag").first).to_be_visible()  # three trainees below the threshold


def test_save_survives_a_dropped_connection(page, context, live_server, trainer_with_register):
    email, cohort_id, first, second = trainer_with_register
    _login(page, live_server, email)
    page.goto(f"{live_server}/training/sessions/{first}/register")
    page.click("#all-present")
    _mark_three_absent(page)
    context.set_offline(True)
    page.click("text=Save the register")
    expect(page.locator("#register-status")).to_contain_text("No connection")
    expect(page.locator("#register-pending")).to_have_text("Waiting to be sent: 10 marks kept on this device.")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#register-status")).to_contain_text("absent: 3")
    expect(page.locator("#register-pending")).to_be_hidden()  # nothing is left waiting on the device
    page.goto(f"{live_server}/training/cohorts/{cohort_id}")
    expect(page.locator("#cohort-rate")).to_have_text("70 %")
