"""Delivery: SMTP failures retried with backoff then marked failed, mail kept without SMTP, preferences,
and the daily digest."""
import re
from datetime import date, datetime, timedelta, timezone

import time_machine
from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.notifications import service
from cpms.notifications.models import Notification, NotificationPreference, OutboxMessage
from cpms.notifications.service.digest import send_digests
from cpms.notifications.service.mail import deliver_outbox
from cpms.notifications.service.sweep import sweep_reminders
from tests.notifications.fixtures import free_port

JUNE_3 = datetime(2017, 6, 3, 8, 0, tzinfo=timezone.utc)
NOTHING = {"sent": 0, "retry": 0, "failed": 0}
ONE_OFFICER = (("en", "officer@test.cpms.example"),)


def outbox():
    _db.session.expire_all()
    return _db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_smtp_refusals_are_retried_with_backoff_then_marked_failed(overdue_items, smtp_server):
    overdue_items(officers=ONE_OFFICER)
    smtp_server.refuse = "451 4.3.0 Mailbox busy, try again later"
    with time_machine.travel(JUNE_3, tick=False) as clock:
        sweep_reminders(only={"action_overdue"})
        assert deliver_outbox() == {"sent": 0, "retry": 1, "failed": 0}
        message, = outbox()
        assert (message.status, message.attempts) == ("pending", 1)
        assert "451" in message.last_error and message.next_attempt_at == JUNE_3 + timedelta(seconds=60)
        assert deliver_outbox() == NOTHING  # not before its time
        clock.shift(60)
        assert deliver_outbox() == {"sent": 0, "retry": 1, "failed": 0}
        assert outbox()[0].next_attempt_at == JUNE_3 + timedelta(seconds=60 + 120)  # the delay doubles
        clock.shift(120)
        assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 1}  # the third and last attempt
        message, = outbox()
        assert (message.status, message.attempts) == ("failed", 3)
        clock.shift(3600)
        assert deliver_outbox() == NOTHING
        assert smtp_server.messages == []

        # the server accepts mail again; an admin sends the failed message again
        smtp_server.refuse = None
        service.retry_message(message)
        _db.session.commit()
        assert deliver_outbox()["sent"] == 1
    assert [m["To"] for m in smtp_server.messages] == ["officer@test.cpms.example"]


def test_a_permanent_refusal_fails_at_once(overdue_items, smtp_server):
    overdue_items(officers=ONE_OFFICER)
    smtp_server.refuse = "550 5.1.1 No such user here"
    with time_machine.travel(JUNE_3, tick=False):
        sweep_reminders(only={"action_overdue"})
        assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 1}
    message, = outbox()
    assert (message.status, message.attempts) == ("failed", 1) and "550" in message.last_error


def test_a_server_that_does_not_answer_is_tried_again_later(app, overdue_items, mail_settings, monkeypatch):
    overdue_items()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens there
    with time_machine.travel(JUNE_3, tick=False):
        sweep_reminders(only={"action_overdue"})
        # the connection is the problem: one attempt is spent, the other message waits for the next run
        assert deliver_outbox() == {"sent": 0, "retry": 1, "failed": 0}
    assert sorted((m.status, m.attempts) for m in outbox()) == [("pending", 0), ("pending", 1)]


def test_without_smtp_mail_stays_in_the_outbox(overdue_items, mail_settings):
    overdue_items()
    with time_machine.travel(JUNE_3, tick=False):
        sweep_reminders(only={"action_overdue"})
        assert deliver_outbox() == NOTHING
    assert [(m.status, m.attempts) for m in outbox()] == [("pending", 0), ("pending", 0)]


def test_users_choose_no_email_or_the_digest_per_kind(overdue_items, smtp_server):
    items, (english, french) = overdue_items(n=2)
    _db.session.add_all([NotificationPreference(user_id=english.id, kind="action_overdue", delivery="off"),
                         NotificationPreference(user_id=french.id, kind="action_overdue", delivery="digest")])
    _db.session.commit()
    with time_machine.travel(JUNE_3, tick=False):
        assert sweep_reminders(only={"action_overdue"})["claimed"] == 4
        deliver_outbox()
    # in the application always; by e-mail not at once
    assert len(_db.session.scalars(select(Notification).where(Notification.user_id == english.id)).all()) == 2
    assert outbox() == [] and smtp_server.messages == []


def test_the_daily_digest_gathers_the_days_reminders_in_one_email(app, overdue_items, smtp_server, make_user):
    items, (english, french) = overdue_items(n=2)
    for user in (english, french):
        for kind in ("action_overdue", "action_due_soon"):
            _db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery="digest"))
    meeting = items[0].meeting_id
    from cpms.committees.models import Meeting
    from cpms.committees.service import raise_action_item
    raise_action_item(_db.session.get(Meeting, meeting), description="Organiser des patrouilles de nuit",
                      responsible_member_id=None, responsible_organisation="PNC", due_date=date(2017, 6, 4))
    _db.session.commit()
    english_email, french_email = english.email, french.email

    with time_machine.travel(JUNE_3.replace(hour=4), tick=False) as clock:
        assert sweep_reminders()["claimed"] == 6
        assert send_digests() == 0  # the digest goes out from 05:00 UTC
        clock.move_to(JUNE_3.replace(hour=6))
        assert send_digests() == 2
        assert send_digests() == 0  # once a day
        assert deliver_outbox()["sent"] == 2
    mail, = smtp_server.to(english_email)
    assert mail["Subject"] == "CPMS: 3 reminders on June 3, 2017"
    text = mail.get_body(("plain",)).get_content()
    for title in ("Overdue action item: Réparer l'éclairage du marché n° 1",
                  "Overdue action item: Réparer l'éclairage du marché n° 2",
                  "Action item due on Jun 4, 2017: Organiser des patrouilles de nuit"):
        assert title in text
    assert len(re.findall(r"https://cpms.test/notifications/\d+/open", text)) == 3
    assert smtp_server.to(french_email)[0]["Subject"] == "CPMS : 3 rappels le 3 juin 2017"

    # a reminder arriving after the day's digest waits for the next day's
    with time_machine.travel(datetime(2017, 6, 3, 18, 0, tzinfo=timezone.utc), tick=False) as clock:
        raise_action_item(_db.session.get(Meeting, meeting), description="Sensibiliser les commerçants",
                          responsible_member_id=None, responsible_organisation="Mairie", due_date=date(2017, 6, 5))
        _db.session.commit()
        assert sweep_reminders(only={"action_due_soon"})["claimed"] == 2
        assert send_digests() == 0
        clock.move_to(datetime(2017, 6, 4, 5, 30, tzinfo=timezone.utc))
        assert send_digests() == 2
        deliver_outbox()
    latest = smtp_server.to(english_email)[-1]
    assert latest["Subject"] == "CPMS: 1 reminder on June 4, 2017"
    assert "Sensibiliser les commerçants" in latest.get_body(("plain",)).get_content()
    assert len(smtp_server.messages) == 4


def test_old_mail_text_is_erased_and_old_notifications_deleted(app, overdue_items, smtp_server):
    from cpms.notifications.service import purge_old

    overdue_items(officers=ONE_OFFICER)
    with time_machine.travel(JUNE_3, tick=False) as clock:
        sweep_reminders(only={"action_overdue"})
        deliver_outbox()
        clock.shift(timedelta(days=89))
        assert purge_old() == (0, 0)
        clock.shift(timedelta(days=2))
        assert purge_old() == (1, 0)
        message, = outbox()
        assert (message.status, message.body_text, message.body_html) == ("sent", "", "")
        clock.shift(timedelta(days=2 * 365))
        assert purge_old() == (0, 1)
        _db.session.commit()
    assert _db.session.scalars(select(Notification)).all() == []
