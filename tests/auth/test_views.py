"""Login, logout, dead cookies, password change, user administration through the web pages."""
import re

from sqlalchemy import select

from cpms.auth.models import User
from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD


def test_login_and_logout_are_audited(web, client, make_user):
    user = make_user("trainer")
    assert web.post("/login", {"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    web.post("/logout", page="/")
    actions = _db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id)
                                  .order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["login", "logout"]


def test_wrong_password_says_so_and_is_recorded(web, make_user):
    user = make_user("trainer")
    response = web.post("/login", {"email": user.email, "password": "wrong-password-xyz"})
    assert response.status_code == 200
    assert "E-mail address or password not recognised" in response.get_data(as_text=True) or \
        "non reconnu" in response.get_data(as_text=True)
    failed = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login_failed"))
    assert failed.actor_label == user.email


def test_throttled_login_message_in_french(web, make_user):
    user = make_user("trainer")
    for _ in range(10):
        web.post("/login", {"email": user.email, "password": "wrong-password-xyz"})
    html = web.post("/login", {"email": user.email, "password": TEST_PASSWORD}).get_data(as_text=True)
    assert "Trop de tentatives" in html  # visitors get French by default
    assert "Tableau de bord" not in html


def test_old_session_cookie_is_dead_after_logout(app, web, client, make_user):
    user = make_user("trainer")
    web.post("/login", {"email": user.email, "password": TEST_PASSWORD})
    stolen = client.get_cookie("session").value
    web.post("/logout", page="/")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_old_session_cookie_is_dead_after_password_change(app, web, client, make_user):
    user = make_user("trainer")
    web.post("/login", {"email": user.email, "password": TEST_PASSWORD})
    other_device = app.test_client()
    other_device.set_cookie("session", client.get_cookie("session").value)
    assert other_device.get("/").status_code == 200
    response = web.post("/account/password", {"current_password": TEST_PASSWORD,
                                                  "new_password": "Mbuji-Mayi-river-22", "confirm": "Mbuji-Mayi-river-22"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200          # this session goes on
    assert other_device.get("/").status_code == 302    # the other one is dead


def test_password_change_form_explains_refusals(web, login_as):
    login_as("viewer")
    response = web.post("/account/password", {"current_password": TEST_PASSWORD,
                                                  "new_password": "qwerty123456", "confirm": "qwerty123456"})
    assert response.status_code == 422
    assert "too easy to guess" in response.get_data(as_text=True)  # the user chose English


def test_idle_session_expires(app, web, client, make_user):
    from datetime import datetime, timedelta, timezone

    import time_machine
    user = make_user("trainer")
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        web.post("/login", {"email": user.email, "password": TEST_PASSWORD})
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_creates_edits_deactivates_and_resets(web, client, login_as):
    login_as("admin")
    kasai = web.get("/users/new").get_data(as_text=True)
    province = re.search(r'value="(\d+)"[^>]*> <label[^>]*>Kasaï-Oriental', kasai) or \
        re.search(r'<input[^>]*value="(\d+)"[^>]*>\s*<label[^>]*>Kasaï-Oriental', kasai)
    response = web.post("/users/new", {"name": "Ilunga Mutombo", "email": "Ilunga@Example.org", "role": "trainer",
                                           "locale": "fr", "password": "Kasai-trainer-pass-1", "is_active": "y",
                                           "provinces": [province.group(1)]})
    assert response.status_code == 302
    user = _db.session.scalar(select(User).where(User.email == "ilunga@example.org"))
    assert user.role == "trainer" and [p.name for p in user.provinces] == ["Kasaï-Oriental"]

    duplicate = web.post("/users/new", {"name": "X", "email": "ILUNGA@example.org", "role": "viewer",
                                            "locale": "fr", "password": "Kasai-trainer-pass-1"})
    assert duplicate.status_code == 422 and "already exists" in duplicate.get_data(as_text=True)

    edited = web.post(f"/users/{user.id}/edit", {"name": "Ilunga Mutombo", "email": "ilunga@example.org",
                                                     "role": "project_officer", "locale": "en"})
    assert edited.status_code == 302
    _db.session.refresh(user)
    assert user.role == "project_officer" and user.is_active is False and user.provinces == []

    weak = web.post(f"/users/{user.id}/password", {"new_password": "short"}, page=f"/users/{user.id}")
    assert weak.status_code == 422 and "at least 12 characters" in weak.get_data(as_text=True)
    reset = web.post(f"/users/{user.id}/password", {"new_password": "Kasai-river-2016-X"}, page=f"/users/{user.id}")
    assert reset.status_code == 302


def test_deactivated_user_cannot_log_in(web, make_user):
    user = make_user("trainer")
    user.is_active = False
    _db.session.commit()
    response = web.post("/login", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200 and "Tableau de bord" not in response.get_data(as_text=True)


def test_user_creates_and_revokes_an_api_token(web, client, login_as):
    login_as("me_officer")
    html = web.post("/account/tokens", {"name": "Excel"}, page="/account").get_data(as_text=True)
    raw = re.search(r'<code class="token">(cpms_[^<]+)</code>', html).group(1)
    api = client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200
    token_id = re.search(r'/account/tokens/(\d+)/revoke', html).group(1)
    web.post(f"/account/tokens/{token_id}/revoke", page="/account")
    assert client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_login_redirects_only_to_local_pages(web, make_user):
    user = make_user("viewer")
    response = web.post("/login?next=//evil.example/x", {"email": user.email, "password": TEST_PASSWORD},
                            page="/login")
    assert response.headers["Location"] == "/"
