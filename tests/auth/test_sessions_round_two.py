"""Issue 21, finding 9: admins need a second factor in production by default; a session cookie without its
login or last-seen time is expired; every role can turn the second factor on and receives recovery codes."""
import re

import pyotp
import pytest

from cpms.auth.models import User
from cpms.core.permissions import ROLES
from cpms.extensions import db as _db


def test_a_session_without_its_times_is_expired(app, client, login_as):
    login_as("trainer")
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:  # a cookie signed with the key but lacking its times
        session.pop("login_at")
        session.pop("seen_at")
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Votre session a expiré" in client.get("/login").get_data(as_text=True)  # French by default


def test_admins_need_a_second_factor_in_production_by_default(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "CPMS_ENV", "production")
    login_as("admin")
    response = client.get("/users")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor")


def test_production_can_allow_admins_without_second_factor(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "CPMS_ENV", "production")
    monkeypatch.setitem(app.config, "ALLOW_ADMIN_WITHOUT_2FA", True)
    login_as("admin")
    assert client.get("/users").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_turn_on_the_second_factor_and_gets_recovery_codes(app, web, client, login_as, role):
    user = login_as(role)
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/account/two-factor"' in account
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="token">([A-Z2-7]+)</code>', page).group(1)
    done = web.post("/account/two-factor", {"action": "enable", "code": pyotp.TOTP(secret).now()},
                    page="/account/two-factor")
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.get_data(as_text=True))
    assert len(set(codes)) == 10
    _db.session.expire_all()
    assert _db.session.get(User, user.id).has_two_factor
