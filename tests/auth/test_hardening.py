"""Sessions and the second factor: lifetime, cookie flags, CSRF failures, TOTP with recovery codes."""
import re
from datetime import datetime, timedelta, timezone

import pyotp
import time_machine
from sqlalchemy import func, select

from cpms import create_app
from cpms.auth.models import User
from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD, make_test_config


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(app, web, client, make_user):
    user = make_user("trainer")
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        web.post("/login", {"email": user.email, "password": TEST_PASSWORD})
    for minutes in range(20, 12 * 60, 20):  # active every 20 minutes: never idle
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_idle_timeout_and_lifetime_are_settings(app, web, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    user = make_user("trainer")
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        web.post("/login", {"email": user.email, "password": TEST_PASSWORD})
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert client.get("/").status_code == 302


def _session_cookie_header(client_response):
    return next(h for h in client_response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_is_httponly_and_samesite_lax(web, make_user):
    user = make_user("viewer")
    response = web.post("/login", {"email": user.email, "password": TEST_PASSWORD})
    header = _session_cookie_header(response)
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header


def test_session_cookie_is_secure_in_production(tmp_path):
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'prod.sqlite3'}", {}, CPMS_ENV="production"),
                     instance_path=str(tmp_path))
    with app.app_context():
        _db.create_all()
    response = app.test_client().get("/login")
    header = _session_cookie_header(response)
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with app.app_context():
        _db.engine.dispose()


def test_a_failed_csrf_check_goes_back_to_the_form_with_a_message(web, client, login_as):
    login_as("admin")
    response = client.post("/programmes/new", data={"csrf_token": "forged", "code": "X"},
                           headers={"Referer": "http://localhost/programmes/new"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/programmes/new")
    page = client.get("/programmes/new").get_data(as_text=True)
    assert "The form had expired or was sent from another page" in page


def _enrol(web, client):
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code class="token">([A-Z2-7]+)</code>', page).group(1)
    wrong = web.post("/account/two-factor", {"action": "enable", "code": "000000"}, page="/account/two-factor")
    assert wrong.status_code == 422 and "not valid" in wrong.get_data(as_text=True)
    done = web.post("/account/two-factor", {"action": "enable", "code": pyotp.TOTP(secret).now()},
                    page="/account/two-factor")
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _fresh_login(app, user):
    from tests.conftest import Web
    other = app.test_client()
    web = Web(other)
    response = web.post("/login", {"email": user.email, "password": TEST_PASSWORD})
    return other, web, response


def test_totp_enrolment_then_login_needs_the_code(app, web, client, login_as):
    user = login_as("trainer")
    secret, codes = _enrol(web, client)
    _db.session.expire_all()
    assert _db.session.get(User, user.id).has_two_factor

    browser, other_web, response = _fresh_login(app, user)
    assert response.headers["Location"].endswith("/login/verify")
    assert browser.get("/").status_code == 302  # not logged in by the password alone
    bad = other_web.post("/login/verify", {"code": "123456"})
    assert bad.status_code == 422
    assert _db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "login_failed", AuditEntry.detail == "second factor")) == 1
    good = other_web.post("/login/verify", {"code": pyotp.TOTP(secret).now()})
    assert good.status_code == 302 and browser.get("/").status_code == 200


def test_a_recovery_code_works_once(app, web, client, login_as):
    user = login_as("project_officer")
    _secret, codes = _enrol(web, client)
    browser, other_web, _response = _fresh_login(app, user)
    assert other_web.post("/login/verify", {"code": codes[0]}).status_code == 302
    browser2, web2, _response = _fresh_login(app, user)
    assert web2.post("/login/verify", {"code": codes[0]}).status_code == 422
    assert web2.post("/login/verify", {"code": codes[1]}).status_code == 302


def test_admins_must_enrol_when_required(app, web, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_ADMIN_2FA", True)
    login_as("admin")
    response = client.get("/users")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor")
    _enrol(web, client)
    assert client.get("/users").status_code == 200


def test_other_roles_are_not_forced(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_ADMIN_2FA", True)
    login_as("trainer")
    assert client.get("/").status_code == 200
