"""Issue 21, finding 9: admins need a second factor in production by default; a session cookie without its
login or last-seen time is expired."""


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
