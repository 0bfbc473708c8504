"""The field journey of issue 19 at 375 × 740: a trainer opens today's register, loses the connection, marks 12
trainees absent, reloads (the marks are still there), closes the browser and opens it again with the same
profile, comes back online: the 12 marks reach the database once."""
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Attendance, TrainingSession
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def todays_register(make_user, make_cohort, make_trainee):
    today = date.today()
    trainer = make_user("trainer", provinces=["Kasaï-Oriental"], locale="en")
    cohort = make_cohort(trainers=[trainer], start=today - timedelta(days=30), end=today + timedelta(days=60))
    service.enrol_trainees(cohort, [make_trainee().id for _ in range(20)], enrolled_on=today - timedelta(days=30))
    session = TrainingSession(cohort_id=cohort.id, session_date=today, start_time=time(8), end_time=time(12))
    _db.session.add(session)
    _db.session.commit()
    ids = (trainer.email, session.id)
    _db.session.remove()
    return ids


def _open(playwright, profile):
    return playwright.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                         viewport=PHONE)


def _login(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")


def _wait_until_kept(page):
    script = ("() => Promise.all([caches.open('cpms-pages-v1').then(c => c.match(location.pathname)),"
              " caches.open('cpms-shell-v1').then(c => c.keys())]).then(([page, shell]) => !!page && shell.length >= 3)")
    for _ in range(100):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the register page was not kept on the device")


def _kept_on_device(page):
    """How many marks wait in the phone's IndexedDB store (bounded: fails rather than hangs)."""
    return page.evaluate("""() => new Promise((done, fail) => {
        setTimeout(() => fail(new Error('IndexedDB did not answer within 10 s')), 10000);
        const r = indexedDB.open('cpms-offline', 1);
        r.onerror = r.onblocked = () => fail(new Error('IndexedDB could not be opened'));
        r.onsuccess = () => { const q = r.result.transaction('marks').objectStore('marks').count();
                              q.onsuccess = () => { done(q.result); r.result.close(); }; }; })""")


def _marks_in_db(session_id):
    _db.session.remove()
    return _db.session.scalar(select(func.count()).select_from(Attendance).where(Attendance.session_id == session_id))


def test_twelve_absences_marked_offline_arrive_once(playwright, live_server, todays_register, tmp_path):
    email, session_id = todays_register
    url = f"{live_server}/training/sessions/{session_id}/register"
    context = _open(playwright, tmp_path / "profile")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        _login(page, live_server, email)
        page.goto(url)
        _wait_until_kept(page)  # the register page is kept on the device before the connection drops
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        rows = page.locator("ol.rg li")
        expect(rows).to_have_count(20)
        expect(page.locator("#rg-counts b[data-c='']")).to_have_text("20")
        context.set_offline(True)
        for n in range(12):
            rows.nth(n).locator("label.rg-a").click()
        expect(page.locator("#rg-counts b[data-c=absent]")).to_have_text("12")
        expect(page.locator("#register-pending")).to_have_text("Waiting to be sent: 12 marks kept on this device.")
        page.click("text=Save the register")
        expect(page.locator("#register-status")).to_contain_text("No connection")
        page.reload()  # offline: the page comes from the device, the marks from IndexedDB

        expect(page.locator("ol.rg li input[value=absent]:checked")).to_have_count(12)
        expect(page.locator("#register-pending")).to_contain_text("12 marks kept")
        assert _marks_in_db(session_id) == 0
    finally:
        context.close()

    context = _open(playwright, tmp_path / "profile")  # the browser closed and opened again, back online
    try:
        page = context.pages[0] if context.pages else context.new_page()
        _login(page, live_server, email)  # the login did not outlive the browser; the marks did
        page.goto(url)
        expect(page.locator("#register-status")).to_have_text(
            "Register saved. Present: 0 · late: 0 · excused: 0 · absent: 12 · not marked: 8.")
        expect(page.locator("#register-pending")).to_be_hidden()
        assert _marks_in_db(session_id) == 12
        page.reload()  # nothing left to send: nothing sent twice
        expect(page.locator("ol.rg li input[value=absent]:checked")).to_have_count(12)
        expect(page.locator("#register-pending")).to_be_hidden()
        assert _marks_in_db(session_id) == 12
    finally:
        context.close()


def test_another_user_of_the_same_phone_never_sees_the_marks(playwright, live_server, todays_register, make_user,
                                                            tmp_path):
    email, session_id = todays_register
    url = f"{live_server}/training/sessions/{session_id}/register"
    colleague = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="en").email
    _db.session.remove()
    context = _open(playwright, tmp_path / "profile")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        _login(page, live_server, email)
        page.goto(url)
        _wait_until_kept(page)
        context.set_offline(True)
        page.locator("ol.rg li").nth(0).locator("label.rg-a").click()
        expect(page.locator("#register-pending")).to_contain_text("1 marks kept")
        context.set_offline(False)
        page.goto(url)  # online again: the mark is sent, then a second mark stays on the device
        for _ in range(200):  # the first mark is on the server and no longer waiting on the device
            if _marks_in_db(session_id) == 1 and _kept_on_device(page) == 0:
                break
            page.wait_for_timeout(100)
        expect(page.locator("#register-pending")).to_be_hidden()
        context.set_offline(True)
        page.locator("ol.rg li").nth(1).locator("label.rg-l").click()
        expect(page.locator("#register-pending")).to_contain_text("1 marks kept")
        page.goto("about:blank")  # the first user leaves the phone with the mark unsent...
        context.clear_cookies()
        context.set_offline(False)
        _login(page, live_server, colleague)  # ...and a colleague logs in on it
        page.goto(url)
        expect(page.locator("ol.rg li").nth(0).locator("input[value=absent]")).to_be_checked()  # the server's mark
        expect(page.locator("ol.rg li").nth(1).locator("input:checked")).to_have_count(0)  # not the first user's
        expect(page.locator("#register-pending")).to_be_hidden()
        left = page.evaluate("""() => new Promise((done, fail) => {
            setTimeout(() => fail(new Error('IndexedDB did not answer within 10 s')), 10000);
            const r = indexedDB.open('cpms-offline', 1);
            r.onerror = r.onblocked = () => fail(new Error('IndexedDB could not be opened'));
            r.onsuccess = () => { const q = r.result.transaction('marks').objectStore('marks').count();
                                  q.onsuccess = () => { done(q.result); r.result.close(); }; }; })""")
        assert left == 0
        assert _marks_in_db(session_id) == 1  # the first user's unsent mark was not sent under the colleague's name
    finally:
        context.close()
