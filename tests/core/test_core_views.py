"""Dashboard, security headers, error pages, language switch, configuration."""
import re

import pytest
from sqlalchemy import select

from cpms import create_app
from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db


def test_security_headers_on_every_page(client, login_as):
    anonymous = client.get("/login")
    csp = anonymous.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert anonymous.headers["X-Content-Type-Options"] == "nosniff"
    assert anonymous.headers["Referrer-Policy"] == "same-origin"
    login_as("project_officer")
    page = client.get("/")
    assert page.headers["Cache-Control"] == "no-store"  # pages of logged-in users carry personal data


def test_pages_have_no_inline_script_and_load_only_own_assets(client, login_as):
    login_as("admin")
    for url in ("/", "/users", "/programmes/", "/geography/", "/audit", "/account"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html and "style=" not in html
        for asset in re.findall(r'(?:src|href)="([^"#]+)"', html):
            assert asset.startswith("/") or asset.startswith("data:"), asset


def test_dashboard_counts_what_is_in_the_users_area(client, login_as, make_programme):
    make_programme(provinces=["Kasaï-Oriental"], code="KOR")
    make_programme(provinces=["Haut-Katanga"], code="HKT")
    make_programme(provinces=["Kasaï-Oriental", "Haut-Katanga"], code="BOTH")
    login_as("trainer", "Haut-Katanga")
    html = client.get("/").get_data(as_text=True)
    cards = dict((title.strip(), value) for value, title in
                 re.findall(r'card-value">([\d\s,.\u202f\xa0]+)</span>\s*<span class="card-title">([^<]+)<', html))
    assert cards["Programmes in your area"].strip() == "2"
    assert cards["Communes in your area"].strip() == "7"  # the seven communes of Lubumbashi
    assert "Users" not in html  # no admin card or link for a trainer


def _cards(html):
    return {title.strip(): value.strip() for value, title in
            re.findall(r'card-value">([\d\s,.\u202f\xa0]+)</span>\s*<span class="card-title">([^<]+)<', html)}


def test_dashboard_counts_again_on_each_visit_and_follows_a_change_of_area(client, login_as, make_programme,
                                                                          make_user):
    """The cards' statement is built once per user, area and day and only executed on later visits: the figures
    still follow the data, and a new area gets its own statement."""
    from cpms.auth.service import update_user
    from tests.conftest import province_id
    user = login_as("project_officer", "Haut-Katanga")
    first = _cards(client.get("/").get_data(as_text=True))
    assert first["Programmes in your area"] == "0" and first["Communes in your area"] == "7"
    make_programme(provinces=["Haut-Katanga"], code="HKT")
    assert _cards(client.get("/").get_data(as_text=True))["Programmes in your area"] == "1"
    update_user(make_user("admin"), user, name=user.name, email=user.email, role=user.role, locale=user.locale, is_active=True,
                province_ids=[province_id("Kasaï-Oriental")])
    _db.session.commit()
    moved = _cards(client.get("/").get_data(as_text=True))
    assert moved["Programmes in your area"] == "0"
    assert moved["Communes in your area"] != "7"  # Kasaï-Oriental's communes, no longer Lubumbashi's


def test_admin_dashboard_counts_accounts_and_failed_logins(client, login_as, web):
    web.post("/login", {"email": "nobody@example.org", "password": "wrong-password-123"})
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'card-value">1</span>\s*<span class="card-title">Active user accounts', html)
    assert re.search(r'card-value">1</span>\s*<span class="card-title">Failed logins, last 24 hours', html)


def test_language_switch_changes_interface_and_is_remembered(client, web, login_as):
    user = login_as("viewer", locale="fr")
    assert "<h1>Tableau de bord</h1>" in client.get("/").get_data(as_text=True)
    web.post("/language", {"lang": "en", "next": "/"}, page="/")
    assert "<h1>Dashboard</h1>" in client.get("/").get_data(as_text=True)
    _db.session.refresh(user)
    assert user.locale == "en"


def test_the_home_page_follows_a_change_of_language_in_its_cards_and_menu(client, web, login_as, make_programme):
    """The cards (kept per user and day) and the menu (kept per app) keep their labels translated: per language,
    so a switch shows the next page in the new language; a title with an apostrophe is written as before."""
    make_programme(provinces=["Haut-Katanga"], code="HKT")
    login_as("project_officer", "Haut-Katanga", locale="fr")
    french = client.get("/").get_data(as_text=True)
    assert _cards(french)["Programmes dans votre zone"] == "1" and "Vagues d'enquête dans votre zone" in french
    assert '<a href="/" aria-current="page">Tableau de bord</a>' in french
    web.post("/language", {"lang": "en", "next": "/"}, page="/")
    english = client.get("/").get_data(as_text=True)
    assert _cards(english)["Programmes in your area"] == "1" and "Programmes dans votre zone" not in english
    assert '<a href="/" aria-current="page">Dashboard</a>' in english and "Tableau de bord" not in english
    web.post("/language", {"lang": "fr", "next": "/"}, page="/")
    assert _cards(client.get("/").get_data(as_text=True))["Programmes dans votre zone"] == "1"


def test_a_page_sends_a_new_session_cookie_only_when_the_last_seen_time_is_a_minute_old(client, login_as):
    """The idle timeout's last-seen time is written at most once a minute: pages in between send no cookie."""
    from datetime import datetime, timedelta, timezone

    import time_machine
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        login_as("viewer")
        client.get("/account")  # the first page with a form keeps the CSRF secret in the session
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert "Set-Cookie" not in client.get("/account").headers
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert any(c.startswith("session=") for c in client.get("/account").headers.getlist("Set-Cookie"))
    with time_machine.travel(start + timedelta(seconds=61 + 29 * 60), tick=False):  # idle 29 min since the write
        assert client.get("/account").status_code == 200


def test_french_is_the_default_for_visitors(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Se connecter" in html


def test_dates_and_numbers_follow_the_locale(app):
    from datetime import date

    from flask_babel import force_locale
    with app.test_request_context():
        env = app.jinja_env
        with force_locale("fr"):
            assert env.filters["date"](date(2016, 3, 29)) == "29 mars 2016"
            assert env.filters["number"](12345) in ("12\u202f345", "12\xa0345")
        with force_locale("en"):
            assert env.filters["date"](date(2016, 3, 29)) == "Mar 29, 2016"
            assert env.filters["number"](12345) == "12,345"
            assert env.filters["number"](97.8) == "97.8" and env.filters["number"](None) == ""
        with force_locale("fr"):
            assert env.filters["number"](97.8) == "97,8"  # the remembered figures are kept apart by language


def test_a_url_pattern_builds_the_same_links_as_url_for(app):
    from flask import url_for
    with app.test_request_context():
        trainee_url = app.jinja_env.globals["url_pattern"]("training.trainee_detail", "trainee_id")
        assert [trainee_url(n) for n in (1, 42)] == [url_for("training.trainee_detail", trainee_id=n) for n in (1, 42)]


def test_unknown_page_is_a_friendly_404(client, login_as):
    login_as("viewer")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)


def test_server_error_shows_an_incident_number_and_no_stack_trace(app, db, tmp_path, caplog):
    broken = create_app(dict(app.config, PROPAGATE_EXCEPTIONS=False, TESTING=False),
                        instance_path=str(tmp_path))

    @broken.route("/boom-test")
    def boom():
        raise RuntimeError("secret internals")
    boom._cpms_access = ("public", None)

    try:
        response = broken.test_client().get("/boom-test")
    finally:
        with broken.app_context():
            _db.engine.dispose()  # else its pooled connection is garbage-collected mid-suite
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    incident = re.search(r"<code>([0-9a-f]{12})</code>", html).group(1)
    assert "secret internals" not in html and "Traceback" not in html
    assert incident in caplog.text


def test_csrf_failure_returns_to_the_form_with_a_message(client):
    response = client.post("/login", data={"email": "a@b.org", "password": "x"}, headers={"Referer": "http://localhost/login"})
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "expired" in follow or "expiré" in follow


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("CPMS_ENV", "production")
    monkeypatch.delenv("CPMS_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="CPMS_SECRET_KEY"):
        create_app(instance_path=str(tmp_path))


def test_configuration_layers(monkeypatch, tmp_path):
    (tmp_path / "config.py").write_text("PORT = 6001\nHOST = '0.0.0.0'\nSMTP_HOST = 'mail.local'\n")
    monkeypatch.setenv("CPMS_PORT", "7002")
    monkeypatch.setenv("CPMS_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("CPMS_SMTP_STARTTLS", "true")
    monkeypatch.setenv("CPMS_DATABASE_URL", "postgresql://cpms@db/cpms")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["HOST"] == "0.0.0.0"          # instance/config.py over the default
    assert app.config["PORT"] == 7002               # environment over instance/config.py
    assert app.config["SMTP_HOST"] == "mail.local"
    assert app.config["SMTP_STARTTLS"] is True
    assert app.config["BABEL_DEFAULT_LOCALE"] == "en"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://cpms@db/cpms"


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_refused_access_is_audited(client, login_as):
    user = login_as("viewer")
    assert client.get("/users").status_code == 403
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "access_denied"))
    assert entry.actor_id == user.id and "/users" in entry.detail


def test_menu_marks_only_the_current_section(client, login_as):
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', html) == ["/"]
    html = client.get("/users/new").get_data(as_text=True)
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', html) == ["/users"]


def test_menu_marks_one_entry_per_domain(client, login_as):
    login_as("admin")
    html = client.get("/training/trainees/new").get_data(as_text=True)
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', html) == ["/training/trainees"]
    html = client.get("/training/courses").get_data(as_text=True)
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', html) == ["/training/"]


def test_the_trainer_s_menu_holds_the_trainer_s_work_only(client, login_as):
    """Issue 19: the menu shows a role's entries; the pages left out stay readable by the link."""
    login_as("trainer")
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    entries = re.findall(r'<a href="([^"]+)"', nav)
    assert "/training/" in entries and "/training/trainees" in entries and "/certificates/" in entries
    assert not {"/plans/", "/indicators/", "/geography/", "/committees/", "/complaints/figures"} & set(entries)
    assert client.get("/plans/").status_code == 200  # still allowed, only not in the menu


def test_a_served_app_hides_its_long_lived_objects_from_the_collector(tmp_path):
    """Issue 22: without it, full collections walked the app's ~230,000 objects several times per big page."""
    import gc
    gc.unfreeze()
    try:
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
        assert gc.get_freeze_count() > 100_000
        assert len(gc.get_objects()) < gc.get_freeze_count() / 2  # what the collector still walks
    finally:
        gc.unfreeze()
