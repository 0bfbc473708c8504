"""Browser journey: a project officer sees the notification of an overdue action item under the bell, opens
it, lands on the action item, and the unread count drops."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from playwright.sync_api import expect

from cpms.notifications.service.sweep import sweep_reminders
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e


def test_officer_opens_the_notification_of_an_overdue_action_item(live_server, db, make_user, make_programme, page,
                                                                  make_action_item, make_committee, make_meeting):
    today = date.today()
    committee = make_committee(programme=make_programme(provinces=["Kasaï-Oriental"]), commune="Bipemba",
                               name="CLSP de Bipemba")
    meeting = make_meeting(committee, when=datetime.combine(today - timedelta(days=20), time(9), timezone.utc))
    overdue = make_action_item(meeting, description="Réparer l'éclairage du marché",
                               due_date=today - timedelta(days=3))
    make_action_item(meeting, description="Organiser des patrouilles de nuit",
                     due_date=today - timedelta(days=2))
    email = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="en").email
    overdue_id = overdue.id
    assert sweep_reminders(only={"action_overdue"})["claimed"] == 2  # what the scheduler's sweep does
    db.session.close()

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{live_server}/")

    bell = page.locator("a.bell")
    expect(bell.locator(".bell-count")).to_have_text("2")
    bell.click()
    expect(page.locator("h1")).to_have_text("Notifications")
    page.get_by_role("link", name="Overdue action item: Réparer l'éclairage du marché").click()

    expect(page).to_have_url(f"{live_server}/committees/action-items/{overdue_id}")
    expect(page.locator("main")).to_contain_text("Réparer l'éclairage du marché")
    expect(bell.locator(".bell-count")).to_have_text("1")
    bell.click()
    expect(page.locator("li.notification.unread")).to_have_count(1)
    expect(page.locator("li.notification.unread")).to_contain_text("Organiser des patrouilles de nuit")
