"""The field journey of issue 19 for a committee meeting, at 375 × 740: a project officer opens the meeting's
roll call, loses the connection, ticks the members present and writes the minutes, reloads (still there), closes
the browser and opens it again with the same profile, comes back online: the roll call and the minutes reach the
database once."""
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from cpms.committees.models import Meeting, MeetingAttendance
from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from tests.e2e.offline import PHONE, drafts_on_device, login_on_phone, open_phone, wait_until_kept

pytestmark = pytest.mark.e2e

MINUTES = "La séance est ouverte à 10 h. Le marché de Bipemba reste sans éclairage."


@pytest.fixture
def todays_meeting(make_user, make_committee, make_member, make_meeting):
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="en")
    committee = make_committee()
    members = [make_member(committee, name=f"Membre {n:02d}") for n in range(1, 9)]
    meeting = make_meeting(committee, when=datetime.now(timezone.utc) - timedelta(hours=1))  # held, nobody ticked
    ids = (officer.email, meeting.id, [m.id for m in members])
    _db.session.remove()
    return ids


def _present_in_db(meeting_id):
    _db.session.remove()
    return _db.session.scalars(select(MeetingAttendance.member_id).where(
        MeetingAttendance.meeting_id == meeting_id, MeetingAttendance.is_present).order_by(
        MeetingAttendance.member_id)).all()


def _updates_in_db(meeting_id):
    return _db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "committee_meetings", AuditEntry.entity_id == str(meeting_id), AuditEntry.action == "update"))


def test_roll_call_and_minutes_written_offline_arrive_once(playwright, live_server, todays_meeting, tmp_path):
    email, meeting_id, members = todays_meeting
    url = f"{live_server}/committees/meetings/{meeting_id}/edit"
    context = open_phone(playwright, tmp_path / "profile")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        login_on_phone(page, live_server, email)
        page.goto(url)
        wait_until_kept(page)  # the form is kept on the device before the connection drops
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        context.set_offline(True)
        for name in ("Membre 01", "Membre 03", "Membre 04", "Membre 07"):
            page.get_by_label(name, exact=True).check()
        page.fill("textarea[name=minutes]", MINUTES)
        expect(page.locator("#offline-draft")).to_have_text(
            "A draft of this form is kept on this device and has not been sent yet.")
        page.click("main button[type=submit]")
        expect(page.locator("#offline-status")).to_contain_text("No connection")
        for _ in range(100):  # the draft, marked to be sent, is in the device's store
            if any(d["submitted"] and ["minutes", MINUTES] in d["values"] for d in drafts_on_device(page)):
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError(f"the draft is not on the device: {drafts_on_device(page)}")
        page.screenshot(path=str(tmp_path / "offline.png"))
        page.reload()  # offline: the page comes from the device, the draft from IndexedDB

        expect(page.locator("#offline-status")).to_have_text("Restored from this device, not sent yet.")
        expect(page.locator("input[name=present]:checked")).to_have_count(4)
        expect(page.locator("textarea[name=minutes]")).to_have_value(MINUTES)
        expect(page.locator("#offline-draft")).to_be_visible()
        assert _present_in_db(meeting_id) == []
    finally:
        context.close()

    context = open_phone(playwright, tmp_path / "profile")  # the browser closed and opened again, back online
    try:
        page = context.pages[0] if context.pages else context.new_page()
        login_on_phone(page, live_server, email)  # the login did not outlive the browser; the draft did
        page.goto(url)  # the draft waiting to be sent is sent, and the meeting's page says it was saved
        expect(page.locator(".flash-success")).to_have_text("Meeting saved.", timeout=15000)
        assert page.url == f"{live_server}/committees/meetings/{meeting_id}"
        page.screenshot(path=str(tmp_path / "sent.png"))
        assert _present_in_db(meeting_id) == [members[0], members[2], members[3], members[6]]
        _db.session.remove()
        assert _db.session.get(Meeting, meeting_id).minutes == MINUTES
        assert _updates_in_db(meeting_id) == 1
        assert drafts_on_device(page) == []
        page.goto(url)  # nothing left on the device: nothing restored, nothing sent twice
        expect(page.locator("textarea[name=minutes]")).to_have_value(MINUTES)
        expect(page.locator("#offline-draft")).to_be_hidden()
        expect(page.locator("#offline-status")).to_be_hidden()
        assert _updates_in_db(meeting_id) == 1
    finally:
        context.close()


def test_another_user_of_the_same_phone_never_sees_the_draft(playwright, live_server, todays_meeting, make_user,
                                                           tmp_path):
    email, meeting_id, _members = todays_meeting
    colleague = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="en").email
    _db.session.remove()
    url = f"{live_server}/committees/meetings/{meeting_id}/edit"
    context = open_phone(playwright, tmp_path / "profile")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        login_on_phone(page, live_server, email)
        page.goto(url)
        wait_until_kept(page)
        context.set_offline(True)
        page.fill("textarea[name=minutes]", MINUTES)
        expect(page.locator("#offline-draft")).to_be_visible()
        for _ in range(100):
            if any(["minutes", MINUTES] in d["values"] for d in drafts_on_device(page)):
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError("the draft is not on the device")
        page.goto("about:blank")  # the first user leaves the phone with the draft unsent...
        context.clear_cookies()
        context.set_offline(False)
        login_on_phone(page, live_server, colleague)  # ...and a colleague logs in on it
        page.goto(url)
        expect(page.locator("textarea[name=minutes]")).to_have_value("")
        expect(page.locator("#offline-status")).to_be_hidden()
        expect(page.locator("#offline-draft")).to_be_hidden()
        for _ in range(100):  # the first user's draft is deleted from the device
            if drafts_on_device(page) == []:
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError("the first user's draft is still on the device")
        _db.session.remove()
        assert _db.session.get(Meeting, meeting_id).minutes == ""
    finally:
        context.close()
