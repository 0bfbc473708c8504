"""Browser journey: an M&E officer produces a quarterly indicator report, drills into one figure, locks the
period, and downloads the PDF and the XLSX."""
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def quarter(db, make_user, make_reporting):
    officer = make_user("me_officer", locale="en")
    data = make_reporting(officer)
    ids = {"email": officer.email, "programme_id": data.programme.id}
    db.session.close()  # no transaction of the test thread stays open while the server works
    return ids


def test_me_officer_reports_a_quarter_drills_down_locks_and_downloads(live_server, quarter, page):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", quarter["email"])
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")

    # the quarterly report: FY2017 Q1 of a programme whose fiscal year starts in October
    page.locator("nav.mainnav").get_by_role("link", name="Indicators").click()
    page.get_by_role("link", name="Report").first.click()
    page.select_option("select[name=period]", "FY2017-Q1")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("p.lead")).to_contain_text("FY2017 Q1 (Oct 2016 – Dec 2016)")
    meetings = page.locator("tr.ind-total", has_text="Meetings held")
    expect(meetings).to_contain_text("Off track")
    expect(page.locator("tr.ind-total", has_text="Dialogue participants")).to_contain_text("On track")

    # drill into the meetings figure: the two meetings of the quarter
    meetings.locator("td.actual a").click()
    expect(page.locator("h1")).to_contain_text("Meetings held")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("CLSP Bipemba")
    page.get_by_role("link", name="Back to the report").click()

    # lock the period: its figures are frozen
    page.fill("#lock-form input[name=note]", "Rapport trimestriel envoyé")
    page.get_by_role("button", name="Lock FY2017 Q1").click()
    expect(page.locator(".flash-success")).to_contain_text("FY2017 Q1 is locked")
    expect(page.locator("#lock-status")).to_contain_text("Rapport trimestriel envoyé")
    expect(page.locator("#lock-form")).to_have_count(0)

    # ask for the PDF and the XLSX: each is prepared by a job, then downloaded from the job's page
    report_url = page.url
    pdf_download = prepare_and_download(page, "PDF", report_url)
    with open(pdf_download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert pdf_download.suggested_filename == "indicators-PDP-TEST-FY2017-Q1.pdf"
    xlsx_download = prepare_and_download(page, "XLSX", report_url)
    with open(xlsx_download.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    totals = {row[0]: row for row in workbook["Totals"].iter_rows(min_row=2, values_only=True)}
    assert totals["MTG"][6] == 2 and totals["DLG"][6] == 90


def prepare_and_download(page, name, report_url):
    """Click the export's button on the report page, let the job run, download the file from the job's page."""
    from cpms.core.jobs import run_queued_jobs
    from cpms.extensions import db
    page.goto(report_url)
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.locator("h1")).to_have_text("Indicator report export")
    assert run_queued_jobs() == 1
    db.session.close()
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download ")).click()
    return download.value
