"""Certificates only when due (issue 17): on a cohort that has ended, the project officer issues the whole
cohort's certificates and sees them; on a running cohort the button is not offered and the page says why."""
import threading
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("fresh_rate_limits")]  # no request counted yet



def _login(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")


def _run_queued_work(app):
    """What the background worker does: the job mechanism when present, else the certificate batches."""
    with app.app_context():
        try:
            from cpms.core.jobs import run_queued_jobs
        except ImportError:
            from cpms.certificates.service.batches import run_pending_batches
            run_pending_batches(workers=1)
        else:
            run_queued_jobs()
        _db.session.commit()
        _db.session.remove()


def test_project_officer_issues_the_certificates_of_an_ended_cohort_not_of_a_running_one(
        page, live_server, app, make_user, completed_cohort):
    officer = make_user("project_officer", locale="en")
    today = date.today()
    ended, _done, _rest = completed_cohort(n=2, start=today - timedelta(days=120), end=today - timedelta(days=20))
    running, _done, _rest = completed_cohort(n=2, start=today - timedelta(days=30), end=today + timedelta(days=60))
    email, ended_id, running_id = officer.email, ended.id, running.id
    _db.session.remove()

    _login(page, live_server, email)
    # the running cohort: neither the whole-cohort batch nor "Issue" is offered, and the page says why
    page.goto(f"{live_server}/certificates/cohorts/{running_id}")
    expect(page.locator("#not-due")).to_contain_text("certificates are issued once it has ended")
    expect(page.locator("#issue-cohort")).to_have_count(0)
    expect(page.locator("main button", has_text="Issue")).to_have_count(0)

    # the cohort that ended: the project officer issues the whole cohort
    page.goto(f"{live_server}/training/cohorts/{ended_id}/close-out")
    page.click("text=Certificates of this cohort")
    expect(page.locator("#certificate-summary")).to_contain_text("0 hold a valid certificate")
    page.click("#issue-cohort")
    worker = threading.Thread(target=_run_queued_work, args=(app,))
    worker.start()
    worker.join(timeout=120)
    page.goto(f"{live_server}/certificates/cohorts/{ended_id}")
    expect(page.locator("#certificate-summary")).to_contain_text("2 hold a valid certificate")
    expect(page.locator("main .certificate-status[data-status=valid]")).to_have_count(2)
