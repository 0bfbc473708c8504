"""A construction progress report written offline at 375 × 740, with a photo queued on the device: reloaded offline it
is still there, and when the connection returns the report and its photo reach the database once."""
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.stations.models import Photo, ProgressReport
from tests.e2e.offline import PHONE, drafts_on_device, login_on_phone, open_phone, wait_until_kept
from tests.helpers.images import image_bytes

pytestmark = pytest.mark.e2e

NARRATIVE = "Murs à deux mètres ; toiture livrée."


@pytest.fixture
def open_project(make_user, make_project):
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="en")
    project = make_project()
    ids = (officer.email, project.id)
    _db.session.remove()
    return ids


def _saved(project_id):
    _db.session.remove()
    return (_db.session.scalar(select(func.count()).select_from(ProgressReport).where(
                ProgressReport.project_id == project_id)),
            _db.session.scalar(select(func.count()).select_from(Photo).where(Photo.project_id == project_id)))


def test_a_report_and_its_photo_written_offline_arrive_once(playwright, live_server, open_project, tmp_path):
    email, project_id = open_project
    url = f"{live_server}/construction/{project_id}/reports/new"
    photo = tmp_path / "site.jpg"
    photo.write_bytes(image_bytes(size=(640, 480)))
    context = open_phone(playwright, tmp_path / "profile")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        login_on_phone(page, live_server, email)
        page.goto(url)
        wait_until_kept(page)
        context.set_offline(True)
        page.fill("input[name=report_date]", date.today().isoformat())
        page.fill("input[name=physical_progress]", "40")
        page.fill("textarea[name=narrative]", NARRATIVE)
        page.set_input_files("input[name=photos]", str(photo))
        expect(page.locator("#offline-photos")).to_have_text(
            "Photos kept on this device: 1. They are sent with the report.")
        page.click("main button[type=submit]")
        expect(page.locator("#offline-status")).to_contain_text("No connection")
        for _ in range(100):  # the draft, marked to be sent, is in the device's store
            if any(d["submitted"] and ["narrative", NARRATIVE] in d["values"] for d in drafts_on_device(page)):
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError(f"the draft is not on the device: {drafts_on_device(page)}")
        page.reload()  # offline: the page from the device, the report and its photo from IndexedDB
        expect(page.locator("#offline-status")).to_have_text("Restored from this device, not sent yet.")
        expect(page.locator("textarea[name=narrative]")).to_have_value(NARRATIVE)
        expect(page.locator("#offline-photos")).to_contain_text("Photos kept on this device: 1.")
        assert page.evaluate("document.querySelector('input[name=photos]').files.length") == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(tmp_path / "report-offline.png"))
        assert _saved(project_id) == (0, 0)
        context.set_offline(False)  # the connection returns: the report is sent, the project's page says so
        expect(page.locator(".flash-success")).to_have_text("Progress report saved.", timeout=15000)
        assert page.url == f"{live_server}/construction/{project_id}"
        assert _saved(project_id) == (1, 1)
        assert drafts_on_device(page) == []
        page.goto(url)
        expect(page.locator("#offline-draft")).to_be_hidden()
        assert _saved(project_id) == (1, 1)
    finally:
        context.close()
