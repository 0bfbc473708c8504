"""An M&E officer issues the certificates of a cohort and downloads the PDF; a visitor without an account
checks a code and sees a revoked certificate reported as revoked."""
import io
import threading

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from cpms.certificates import service
from cpms.certificates.pdf import grouped_code
from cpms.certificates.service import batches, codes
from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("fresh_rate_limits")]  # no request counted yet



def _login(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")


def test_me_officer_issues_the_cohort_certificates_and_downloads_the_pdf(page, live_server, app, make_user,
                                                                          completed_cohort):
    officer = make_user("me_officer", locale="en")
    cohort, done, _incomplete = completed_cohort(n=3, incomplete=1)
    email, cohort_id = officer.email, cohort.id
    _db.session.remove()  # no transaction of the test thread stays open while the server works

    _login(page, live_server, email)
    page.goto(f"{live_server}/training/cohorts/{cohort_id}/close-out")
    page.click("text=Certificates of this cohort")
    expect(page.locator("#certificate-summary")).to_have_text(
        "3 of 4 trainees completed the course; 0 hold a valid certificate.")
    page.click("#issue-cohort")
    expect(page.locator("#batch-label")).to_have_text("Waiting to start")

    # the scheduler's job, run here while the page polls the progress
    worker = threading.Thread(target=_run_batches, args=(app,))
    worker.start()
    worker.join(timeout=120)
    expect(page.locator("#batch-downloads")).to_be_visible(timeout=20_000)  # the page reloaded by itself
    expect(page.locator("main")).to_contain_text("3 certificates are ready.")

    with page.expect_download() as download_info:
        page.click("text=One PDF, a page per certificate")
    with open(download_info.value.path(), "rb") as handle:
        data = handle.read()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3
    assert all("Certificat de formation" in p.extract_text() for p in reader.pages)  # the cohort prints in French

    page.goto(f"{live_server}/certificates/cohorts/{cohort_id}")
    expect(page.locator("#certificate-summary")).to_have_text(
        "3 of 4 trainees completed the course; 3 hold a valid certificate.")
    page.locator("td a", has_text="CPMS-2016-").first.click()
    single = page.request.get(page.url + "/certificate.pdf")
    assert single.ok and single.body().startswith(b"%PDF") and len(PdfReader(io.BytesIO(single.body())).pages) == 1


def _run_batches(app):
    with app.app_context():
        batches.run_pending_batches(workers=1)
        _db.session.remove()


def test_a_visitor_checks_a_valid_and_a_revoked_certificate(page, live_server, make_certificate):
    valid = make_certificate()
    revoked = make_certificate()
    service.revoke_certificate(None, revoked, "Falsified attendance sheets")
    _db.session.commit()
    valid_code, valid_serial = valid.verification_code, valid.serial
    revoked_code, revoked_name = revoked.verification_code, revoked.holder_name
    _db.session.remove()

    page.goto(f"{live_server}/verify")
    expect(page.locator(".mainnav")).to_have_count(0)  # nobody is logged in
    page.fill("#code", grouped_code(valid_code).lower())  # typed from the paper, in lower case
    page.click("main button[type=submit]")
    expect(page.locator("#verification-status")).to_have_text("Certificat valide")
    expect(page.locator("#verified-serial")).to_have_text(valid_serial)

    page.fill("#code", revoked_code)
    page.click("main button[type=submit]")
    expect(page.locator("#verification-status")).to_have_text("Révoqué : ce certificat n'est plus valide")
    expect(page.locator("#verified-holder")).to_have_text(revoked_name)
    expect(page.locator("main")).not_to_contain_text("Falsified")

    page.fill("#code", codes.new_verification_code())
    page.click("main button[type=submit]")
    expect(page.locator("#verification-status")).to_have_text("Introuvable")
