"""Reminders are claimed once per (kind, object, due date, recipient) and e-mailed once, whatever happens."""
import threading
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.notifications.models import Notification, OutboxMessage
from cpms.notifications.service.mail import deliver_outbox
from cpms.notifications.service.sweep import sweep_reminders

JUNE_3 = datetime(2017, 6, 3, 8, 0, tzinfo=timezone.utc)


def count(model, *where):
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_an_overdue_action_item_reaches_each_officer_once_in_app_and_by_mail(overdue_items, smtp_server):
    (item,), (english, french) = overdue_items()
    with time_machine.travel(JUNE_3, tick=False):
        first = sweep_reminders(only={"action_overdue"})
        again = sweep_reminders(only={"action_overdue"})
        assert deliver_outbox() == {"sent": 2, "retry": 0, "failed": 0}
        assert deliver_outbox()["sent"] == 0
    assert (first["claimed"], again["claimed"]) == (2, 0)
    notifications = _db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert [(n.user_id, n.object_key, n.due_on.isoformat()) for n in notifications] == [
        (english.id, f"committee_action_item:{item.id}", "2017-06-01"),
        (french.id, f"committee_action_item:{item.id}", "2017-06-01")]
    assert len(smtp_server.messages) == 2
    mail_en, = smtp_server.to(english.email)
    mail_fr, = smtp_server.to(french.email)
    assert mail_en["Subject"] == "Overdue action item: Réparer l'éclairage du marché n° 1"
    assert mail_fr["Subject"] == "Action en retard : Réparer l'éclairage du marché n° 1"
    text = mail_en.get_body(("plain",)).get_content()
    html = mail_en.get_body(("html",)).get_content()
    assert "was due on June 1, 2017 and is still open" in text
    link = f"https://cpms.test/notifications/{notifications[0].id}/open"
    assert link in text and f'href="{link}"' in html
    assert "était due le 1 juin 2017" in mail_fr.get_body(("plain",)).get_content()
    assert mail_fr["Content-Language"] == "fr"


class Killed(BaseException):
    """Stands for the process being killed: not an Exception, so nothing in the sweep catches it."""


def test_a_sweep_killed_half_way_and_run_again_sends_nothing_twice_and_loses_nothing(app, overdue_items,
                                                                                      smtp_server, monkeypatch):
    items, officers = overdue_items(n=3)  # 6 reminders: 3 items for 2 officers
    expected = sorted((officer.email, f"{'Overdue action item: ' if officer.locale == 'en' else 'Action en retard : '}"
                                      f"{item.description}") for officer in officers for item in items)
    import cpms.notifications.service.sweep as sweep_module
    compose = sweep_module.compose_reminder
    calls = {"n": 0}

    def dies_on_the_fourth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise Killed()
        return compose(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "compose_reminder", dies_on_the_fourth)
    with time_machine.travel(JUNE_3, tick=False):
        with pytest.raises(Killed):
            sweep_reminders(only={"action_overdue"})
        _db.session.remove()  # the dead process's connection: its open transaction is rolled back
        # three whole claims survived, each with its e-mail; the fourth left nothing behind
        assert (count(Notification), count(OutboxMessage)) == (3, 3)

        monkeypatch.setattr(sweep_module, "compose_reminder", compose)
        assert sweep_reminders(only={"action_overdue"})["claimed"] == 3
        assert sweep_reminders(only={"action_overdue"})["claimed"] == 0
        assert deliver_outbox()["sent"] == 6
    assert smtp_server.subjects() == expected


def test_two_schedulers_sweeping_and_sending_at_once_send_nothing_twice(app, overdue_items, smtp_server):
    items, officers = overdue_items(n=8)  # 16 reminders
    start = threading.Barrier(2)
    results, errors = [], []

    def scheduler():
        try:
            with app.app_context():
                start.wait(timeout=30)
                results.append(sweep_reminders(only={"action_overdue"}))
                results.append(deliver_outbox())
        except BaseException as error:  # reported below
            errors.append(error)

    with time_machine.travel(JUNE_3, tick=False):
        threads = [threading.Thread(target=scheduler) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert sum(r.get("claimed", 0) for r in results) == 16
    assert sum(r.get("sent", 0) for r in results) == 16
    assert len(smtp_server.messages) == 16
    assert len(set(smtp_server.subjects())) == 16
    assert count(Notification) == 16 and count(OutboxMessage, OutboxMessage.status == "sent") == 16


def test_a_message_interrupted_while_sending_is_sent_once_after_its_lease(app, overdue_items, smtp_server,
                                                                          monkeypatch):
    overdue_items(officers=(("en", "officer@test.cpms.example"),))
    import cpms.notifications.service.mail as mail_module
    connect = mail_module._connect

    def killed_while_connecting():
        raise Killed()

    with time_machine.travel(JUNE_3, tick=False) as clock:
        sweep_reminders(only={"action_overdue"})
        monkeypatch.setattr(mail_module, "_connect", killed_while_connecting)
        with pytest.raises(Killed):
            deliver_outbox()
        _db.session.remove()
        monkeypatch.setattr(mail_module, "_connect", connect)
        assert deliver_outbox()["sent"] == 0  # still leased to the dead sender
        clock.shift(75)  # 3 × SMTP timeout + 60 s
        assert deliver_outbox()["sent"] == 1
        assert deliver_outbox()["sent"] == 0
    assert len(smtp_server.messages) == 1
    message = _db.session.scalar(select(OutboxMessage))
    assert (message.status, message.attempts) == ("sent", 2)
