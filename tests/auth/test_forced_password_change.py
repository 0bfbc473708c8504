"""Issue 21, finding 10: a password an administrator chose (a reset, or an initial password typed on the new-user
form) must be replaced by its owner at the next login before any other page opens."""
import pytest
from sqlalchemy import select

from cpms.auth.models import ApiToken, User
from cpms.extensions import db as _db
from tests.conftest import Web

ADMIN_CHOSEN = "orchid lantern basalt meadow"
OWN_CHOICE = "mango truck violet harbour"


def _required(user_id):
    return _db.session.scalar(select(User.is_password_change_required).where(User.id == user_id))


def _reset_by_admin(app, web, login_as, user):
    login_as("admin")
    response = web.post(f"/users/{user.id}/password", {"new_password": ADMIN_CHOSEN}, page=f"/users/{user.id}")
    assert response.status_code == 302
    assert _required(user.id) is True
    detail = web.get(f"/users/{user.id}").get_data(as_text=True)
    assert "to be changed at the next login" in detail
    other = app.test_client()
    return other, Web(other)


def _log_in(browser_web, email, password):
    return browser_web.post("/login", {"email": email, "password": password})


def test_after_an_admin_reset_every_page_leads_to_the_password_change(app, web, login_as, make_user):
    user = make_user("trainer", provinces=["Kasaï-Oriental"])
    browser, own = _reset_by_admin(app, web, login_as, user)
    assert _log_in(own, user.email, ADMIN_CHOSEN).status_code == 302
    for path in ("/", "/account", "/trainees", "/account/two-factor", "/cohorts"):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/account/password"), path
    page = browser.get("/account/password").get_data(as_text=True)
    assert "An administrator set your current password" in page
    assert "choose your own to continue" in page  # the message of the redirect
    # a POST elsewhere is refused the same way and saves nothing
    assert own.post("/account/tokens", {"name": "sneaky"}, page="/account/password").status_code == 302
    assert _db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id)) is None
    assert browser.get("/healthz").status_code != 302  # public pages stay open


def test_the_same_password_is_refused_then_a_new_one_opens_the_site(app, web, login_as, make_user):
    user = make_user("trainer")
    browser, own = _reset_by_admin(app, web, login_as, user)
    _log_in(own, user.email, ADMIN_CHOSEN)
    same = own.post("/account/password", {"current_password": ADMIN_CHOSEN, "new_password": ADMIN_CHOSEN,
                                          "confirm": ADMIN_CHOSEN})
    assert same.status_code == 422
    assert "Choose a password different from the current one" in same.get_data(as_text=True)
    _db.session.expire_all()
    assert _required(user.id) is True
    assert browser.get("/").headers["Location"].endswith("/account/password")

    done = own.post("/account/password", {"current_password": ADMIN_CHOSEN, "new_password": OWN_CHOICE,
                                          "confirm": OWN_CHOICE})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    _db.session.expire_all()
    assert _required(user.id) is False
    assert browser.get("/").status_code == 200
    assert browser.get("/account").status_code == 200


def test_an_initial_password_typed_by_the_admin_must_be_changed(app, web, login_as):
    login_as("admin")
    response = web.post("/users/new", {"name": "Mbuyi Kalala", "email": "mbuyi@example.org", "role": "viewer",
                                       "locale": "en", "password": ADMIN_CHOSEN})
    assert response.status_code == 302
    browser = app.test_client()
    own = Web(browser)
    _log_in(own, "mbuyi@example.org", ADMIN_CHOSEN)
    assert browser.get("/").headers["Location"].endswith("/account/password")


def test_a_user_who_chose_their_password_is_not_forced(app, login_as, client):
    user = login_as("viewer")
    assert _required(user.id) is False
    assert client.get("/").status_code == 200


def test_the_forced_change_comes_before_the_admin_second_factor(app, web, login_as, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_ADMIN_2FA", True)
    colleague = make_user("admin")
    login_as("admin")
    from cpms.auth.service import reset_password
    reset_password(_db.session.get(User, colleague.id), new_password=ADMIN_CHOSEN)
    _db.session.commit()
    browser = app.test_client()
    own = Web(browser)
    _log_in(own, colleague.email, ADMIN_CHOSEN)
    assert browser.get("/users").headers["Location"].endswith("/account/password")
    assert browser.get("/account/two-factor").headers["Location"].endswith("/account/password")
    own.post("/account/password", {"current_password": ADMIN_CHOSEN, "new_password": OWN_CHOICE,
                                   "confirm": OWN_CHOICE})
    assert browser.get("/users").headers["Location"].endswith("/account/two-factor")  # then the second factor


@pytest.mark.parametrize("locale, expected", [("fr", "Un administrateur a défini votre mot de passe actuel"),
                                               ("en", "An administrator set your current password")])
def test_the_notice_is_in_the_user_language(app, web, login_as, make_user, locale, expected):
    user = make_user("trainer", locale=locale)
    browser, own = _reset_by_admin(app, web, login_as, user)
    _log_in(own, user.email, ADMIN_CHOSEN)
    assert expected in browser.get("/account/password").get_data(as_text=True)


def test_a_reset_link_clears_the_requirement(app, db, make_user):
    from cpms.auth.service import links, reset_password
    user = make_user("trainer")
    with app.test_request_context():
        reset_password(user, new_password=ADMIN_CHOSEN)
        token = links.link_token(user, "reset")
        links.set_password_from_link(token, "reset", OWN_CHOICE)
    assert user.is_password_change_required is False
