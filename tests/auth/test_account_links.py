"""Issue 21, finding 10: invitation by e-mail, self-service reset with the same answer for every address,
single-use expiring links."""
import re
from datetime import datetime, timedelta, timezone

import time_machine
from sqlalchemy import select

from cpms.auth.models import User
from cpms.extensions import db as _db
from cpms.notifications.models import OutboxMessage
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "mango truck violet harbour"


def _link_in_outbox(email):
    message = _db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email)
                                  .order_by(OutboxMessage.id.desc())).first()
    assert message is not None, "no e-mail queued"
    return re.search(r"https?://\S+", message.body_text).group(0).split("://", 1)[1].split("/", 1)[1]


def test_an_admin_invites_and_the_person_chooses_a_password_once(app, web, client, login_as, db):
    login_as("admin")
    page = web.get("/users/new").get_data(as_text=True)
    assert 'value="" selected' in page or "– Choose a role –" in page  # no role chosen in advance
    response = web.post("/users/new", {"name": "Aline Mbuyi", "email": "aline@example.org", "role": "trainer",
                                       "locale": "en", "password": ""}, follow_redirects=True)
    assert "an invitation to choose a password was e-mailed to aline@example.org" in response.get_data(as_text=True)
    path = "/" + _link_in_outbox("aline@example.org")
    web.post("/logout", page="/")
    response = web.post(path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert response.status_code == 200
    response = web.post("/login", {"email": "aline@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    web.post("/logout", page="/")
    assert client.get(path).status_code == 410  # used once


def test_reset_answers_the_same_for_unknown_and_known_addresses(app, web, client, make_user, db):
    user = make_user("trainer", email="known@example.org")
    answers = []
    for email in ("known@example.org", "nobody@example.org"):
        response = web.post("/password/forgotten", {"email": email}, follow_redirects=True)
        page = re.sub(r'value="[^"]*\.[^"]*\.[^"]*"', 'value="csrf"', response.get_data(as_text=True))
        answers.append(re.sub(r"\s+", " ", page))
    assert answers[0] == answers[1]
    assert _db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.to_address == "nobody@example.org")) is None
    path = "/" + _link_in_outbox(user.email)
    web.post(path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert web.post("/login", {"email": user.email, "password": TEST_PASSWORD}).status_code == 200  # old one gone
    assert web.post("/login", {"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_a_reset_link_expires(app, web, client, make_user, db):
    user = make_user("trainer", email="late@example.org")
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        web.post("/password/forgotten", {"email": user.email})
        path = "/" + _link_in_outbox(user.email)
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        response = client.get(path)
    assert response.status_code == 410
    assert _db.session.scalar(select(User.password_changed_at).where(User.id == user.id)) is not None
