"""A real SMTP server on localhost (aiosmtpd), mail settings, and a committee with action items
(a pytest plugin: every test sees these fixtures)."""
import email
import socket
from datetime import date, datetime, timezone
from email.policy import default as default_policy

import pytest

from cpms.extensions import db as _db

BASE_URL = "https://cpms.test"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message received; `refuse` answers RCPT with an error instead."""

    def __init__(self):
        self.messages = []
        self.refuse = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]

    def subjects(self):
        return sorted((m["To"], m["Subject"]) for m in self.messages)


@pytest.fixture
def mail_settings(app, monkeypatch):
    """Links in e-mails, a sender, three attempts a minute apart; SMTP still unconfigured."""
    for key, value in {"BASE_URL": BASE_URL, "SMTP_FROM": "cpms@test.cpms.example", "MAIL_MAX_ATTEMPTS": 3,
                       "MAIL_RETRY_SECONDS": 60, "SMTP_TIMEOUT": 5, "SMTP_HOST": None}.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture
def smtp_server(app, mail_settings, monkeypatch):
    """A real SMTP server on a free local port, and the app configured to send through it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    yield inbox
    controller.stop()


@pytest.fixture
def overdue_items(db, make_programme, make_user, make_action_item, make_committee, make_meeting):
    """A CLSP in Bipemba with `n` open action items due on 1 June 2017 and project officers of Kasaï-Oriental
    (one English, one French); returns (items, officers)."""
    def factory(n=1, officers=(("en", "officer.en@test.cpms.example"), ("fr", "officer.fr@test.cpms.example")),
                due=date(2017, 6, 1)):
        programme = make_programme(provinces=["Kasaï-Oriental"])
        committee = make_committee(programme=programme, commune="Bipemba", name=f"CLSP de Bipemba {programme.code}")
        meeting = make_meeting(committee, when=datetime(2017, 5, 8, 10, 0, tzinfo=timezone.utc))
        items = [make_action_item(meeting, description=f"Réparer l'éclairage du marché n° {i + 1}",
                                  due_date=due) for i in range(n)]
        users = [make_user("project_officer", provinces=["Kasaï-Oriental"], locale=locale, email=address)
                 for locale, address in officers]
        _db.session.commit()
        return items, users
    return factory
