"""The bell, the list, mark as read, preferences; the admins' settings, scheduler state and outbox."""
import re
from datetime import date, datetime, timezone

import time_machine
from sqlalchemy import select

from cpms.core.service import beat
from cpms.extensions import db as _db
from cpms.notifications.models import Notification, NotificationPreference, OutboxMessage, ReminderSetting
from cpms.notifications.service.sweep import sweep_reminders
from tests.conftest import TEST_PASSWORD

JUNE_3 = datetime(2017, 6, 3, 8, 0, tzinfo=timezone.utc)


def bell(html):
    """The unread count shown in the top bar (0 when the bell shows none)."""
    match = re.search(r'class="bell".*?</a>', html, re.S)
    assert match, "no bell in the top bar"
    count = re.search(r'class="bell-count">(\d+)<', match.group(0))
    return int(count.group(1)) if count else 0


def login(web, user):
    assert web.post("/login", {"email": user.email, "password": TEST_PASSWORD}).status_code == 302


def swept(overdue_items, n=2):
    items, officers = overdue_items(n=n)
    with time_machine.travel(JUNE_3, tick=False):
        sweep_reminders(only={"action_overdue"})
    return items, officers


def test_the_bell_counts_unread_notifications_and_opening_one_leads_to_the_item(web, client, overdue_items,
                                                                                 mail_settings):
    items, (english, french) = swept(overdue_items)
    login(web, english)
    dashboard = client.get("/").get_data(as_text=True)
    assert bell(dashboard) == 2
    listing = client.get("/notifications/").get_data(as_text=True)
    assert "Overdue action item: Réparer l&#39;éclairage du marché n° 1" in listing
    notification = _db.session.scalar(select(Notification).where(Notification.user_id == english.id,
                                                                 Notification.object_key.endswith(f":{items[0].id}")))
    opened = client.get(f"/notifications/{notification.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/committees/action-items/{items[0].id}"
    assert bell(client.get("/").get_data(as_text=True)) == 1
    # French for the French officer, from the same stored reminder
    web.post("/logout", page="/")
    login(web, french)
    assert "Action en retard : Réparer" in client.get("/notifications/").get_data(as_text=True)


def test_mark_one_or_all_as_read(web, client, overdue_items, mail_settings):
    items, (english, _french) = swept(overdue_items, n=3)
    login(web, english)
    first = _db.session.scalar(select(Notification.id).where(Notification.user_id == english.id))
    assert web.post(f"/notifications/{first}/read", page="/notifications/").status_code == 302
    assert bell(client.get("/notifications/").get_data(as_text=True)) == 2
    unread_page = client.get("/notifications/?unread=1").get_data(as_text=True)
    assert unread_page.count('class="notification unread"') == 2
    response = web.post("/notifications/read-all", page="/notifications/", follow_redirects=True)
    assert "2 notifications marked as read." in response.get_data(as_text=True)
    assert bell(client.get("/").get_data(as_text=True)) == 0


def test_another_users_notification_answers_404(web, client, overdue_items, mail_settings):
    _items, (english, french) = swept(overdue_items, n=1)
    theirs = _db.session.scalar(select(Notification.id).where(Notification.user_id == french.id))
    login(web, english)
    assert client.get(f"/notifications/{theirs}/open").status_code == 404
    assert web.post(f"/notifications/{theirs}/read", page="/notifications/").status_code == 404
    assert _db.session.get(Notification, theirs).read_at is None


def test_the_list_takes_a_fixed_number_of_queries(app, web, client, login_as, count_queries):
    user = login_as("project_officer", "Kasaï-Oriental")

    def add(start, n):
        for i in range(start, start + n):
            _db.session.add(Notification(kind="action_overdue", object_key=f"committee_action_item:{i}",
                                         due_on=date(2017, 6, 1), recipient_key=f"user:{user.id}", user_id=user.id,
                                         locale="en", link_endpoint="committees.action_item_update",
                                         link_values={"item_id": i}, delivery="none",
                                         context={"committee": "CLSP", "description": f"Action {i}",
                                                  "responsible": "Mairie", "due_on": "2017-06-01"}))
        _db.session.commit()

    add(0, 2)
    with count_queries() as few:
        assert "Action 1" in client.get("/notifications/").get_data(as_text=True)
    add(2, 40)
    with count_queries() as many:
        assert "Action 41" in client.get("/notifications/").get_data(as_text=True)
    assert len(many) == len(few)


def test_preferences_list_the_roles_kinds_and_are_saved(web, client, login_as):
    user = login_as("trainer", "Kasaï-Oriental")
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Trainee under the attendance threshold" in page and "Certificate batch ready" in page
    assert "Construction milestone due" not in page
    response = web.post("/notifications/preferences", {"kind_attendance_low": "off", "kind_absence_streak": "digest",
                                                       "kind_certificate_batch_ready": "immediate"})
    assert response.status_code == 302
    chosen = dict(_db.session.execute(select(NotificationPreference.kind, NotificationPreference.delivery)
                                      .where(NotificationPreference.user_id == user.id)).all())
    assert chosen == {"attendance_low": "off", "absence_streak": "digest", "certificate_batch_ready": "immediate",
                      "job_finished": "immediate",  # everyone's kind (cpms/notifications/reminders.py), left as it was
                      "attendance_missing": "immediate"}  # the trainers' other kind, left as it was
    refused = web.post("/notifications/preferences", {"kind_attendance_low": "hourly", "kind_absence_streak": "off",
                                                      "kind_certificate_batch_ready": "off"})
    assert refused.status_code == 422


def test_viewers_have_only_the_background_work_kind(client, login_as):
    login_as("viewer")
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Background work finished" in page and "Certificate batch ready" not in page


def test_admins_change_the_kinds_settings(web, client, login_as):
    login_as("admin")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Upcoming committee meeting" in page and "never seen" in page
    form = {"enabled_action_overdue": "y", "after_action_overdue": "2", "before_meeting_upcoming": "5"}
    assert web.post("/notifications/settings", form).status_code == 302
    overdue = _db.session.get(ReminderSetting, "action_overdue")
    meeting = _db.session.get(ReminderSetting, "meeting_upcoming")
    assert (overdue.is_enabled, overdue.days_after) == (True, 2)
    assert (meeting.is_enabled, meeting.days_before) == (False, 5)  # its box was not ticked
    refused = web.post("/notifications/settings", {"before_meeting_upcoming": "400"})
    assert refused.status_code == 422 and "between 0 and 365" in refused.get_data(as_text=True)


def test_admins_see_the_scheduler_heartbeat_and_its_jobs(app, client, login_as):
    login_as("admin")
    beat("scheduler")
    beat("job:reminders.sweep")
    _db.session.commit()
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "running: last seen" in page and "never seen" not in page
    assert "reminders.sweep" in page and "mail.deliver" in page
    dashboard = client.get("/").get_data(as_text=True)
    assert "E-mails waiting or failed" in dashboard and "Scheduler running." in dashboard


def test_admins_read_the_outbox_and_send_a_message_again(web, client, login_as, overdue_items, mail_settings):
    swept(overdue_items, n=1)
    login_as("admin")
    page = client.get("/notifications/outbox").get_data(as_text=True)
    assert "E-mail is not configured" in page
    assert "officer.en@test.cpms.example" in page and "Pending (2)" in page
    message = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "officer.en@test.cpms.example"))
    detail = client.get(f"/notifications/outbox/{message.id}").get_data(as_text=True)
    assert "was due on June 1, 2017 and is still open" in detail
    message.status, message.attempts = "failed", 3
    _db.session.commit()
    assert web.post(f"/notifications/outbox/{message.id}/retry", page=f"/notifications/outbox/{message.id}").status_code == 302
    _db.session.refresh(message)
    assert (message.status, message.attempts) == ("pending", 0)
    assert "Failed (0)" in client.get("/notifications/outbox?status=failed").get_data(as_text=True)
