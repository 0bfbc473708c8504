"""Issue 21, findings 3 to 5: the login does the same work for unknown accounts, `next` is a same-site path
only, failures are counted without a race and one address does not lock out an office."""
import threading
from urllib.parse import quote

import pytest

from cpms.auth import service
from cpms.auth.service import passwords
from cpms.auth.service.passwords import password_problem
from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD, english


def test_an_unknown_account_costs_the_same_password_check(app, db, make_user, monkeypatch):
    make_user("trainer", email="known@example.org")
    checks = []
    real_verify = passwords.verify_password
    monkeypatch.setattr("cpms.auth.service.accounts.verify_password",
                        lambda hashed, password: checks.append(hashed) or real_verify(hashed, password))
    with english(app):
        for email in ("known@example.org", "nobody@example.org"):
            with pytest.raises(DomainError, match="E-mail address or password not recognised"):
                service.authenticate(email, "wrong-password-xyz", ip="10.0.0.1")
    assert len(checks) == 2 and all(hashed.startswith("$argon2") for hashed in checks)


@pytest.mark.parametrize("target", [
    "/%09/evil.example/", "/\t/evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example",
    "https://evil.example/", "/\n/evil.example", "javascript:alert(1)", "/ /evil.example",
])
def test_next_only_accepts_same_site_paths(web, client, make_user, target):
    user = make_user("trainer")
    response = web.post("/login?next=" + (target if "%" in target else quote(target, safe="")),
                        {"email": user.email, "password": TEST_PASSWORD}, page="/login")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location and location == "/"


def test_next_keeps_a_same_site_path(web, client, make_user):
    user = make_user("trainer")
    response = web.post("/login?next=" + quote("/trainees?q=a", safe=""),
                        {"email": user.email, "password": TEST_PASSWORD}, page="/login")
    assert response.headers["Location"] == "/trainees?q=a"


def test_one_address_does_not_lock_out_the_office(app, db, make_user):
    clumsy, colleague = make_user("trainer"), make_user("trainer")
    with english(app):
        for _ in range(10):
            with pytest.raises(DomainError):
                service.authenticate(clumsy.email, "wrong-password-xyz", ip="10.2.2.2")
            _db.session.commit()
        with pytest.raises(service.LoginThrottled):  # the account itself is locked
            service.authenticate(clumsy.email, TEST_PASSWORD, ip="10.2.2.2")
        _db.session.commit()
        assert service.authenticate(colleague.email, TEST_PASSWORD, ip="10.2.2.2").id == colleague.id


def test_the_second_factor_of_a_colleague_is_not_blocked_by_the_address(app, web, client, make_user, db):
    clumsy = make_user("trainer")
    with english(app):
        for _ in range(10):
            with pytest.raises(DomainError):
                service.authenticate(clumsy.email, "wrong-password-xyz", ip="127.0.0.1")
            _db.session.commit()
        assert not service.login_throttled("colleague@example.org", "127.0.0.1")
        assert service.login_throttled(clumsy.email, "127.0.0.1")


def test_simultaneous_failures_are_all_counted(app, db, make_user):
    """Every attempt is written before the count, so the limit holds even when attempts arrive together."""
    user = make_user("trainer")
    email = user.email
    _db.session.commit()
    outcomes = []
    barrier = threading.Barrier(8)

    def attempt():
        with app.app_context(), english(app):
            barrier.wait()
            for _ in range(4):
                try:
                    service.authenticate(email, "wrong-password-xyz", ip="10.3.3.3")
                except service.LoginThrottled:
                    outcomes.append("throttled")
                except DomainError:
                    outcomes.append("wrong")
                _db.session.commit()
            _db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("wrong") == 10  # 32 attempts: exactly 10 checked, the rest refused unchecked
    assert outcomes.count("throttled") == 22


@pytest.mark.parametrize("password, email, name", [
    ("aaaaaaaaaaaa", "someone@example.org", "Someone"),
    ("jk2@x.example-2026", "jk2@x.example", "J. K."),
    ("kabila-kabila-2026", "jean.k@example.org", "Jean Kabila"),
])
def test_guessable_passwords_are_refused(app, password, email, name):
    """Finding 8: passwords the former rules accepted."""
    with english(app):
        assert password_problem(password, email=email, name=name) is not None


def test_a_strong_phrase_is_accepted(app):
    with english(app):
        assert password_problem("mango truck violet harbour", email="jean.k@example.org", name="Jean Kabila") is None


def test_the_current_password_cannot_be_reused(app, db, make_user):
    user = make_user("trainer")
    with english(app), pytest.raises(DomainError, match="different from the current one"):
        service.change_password(user, current_password=TEST_PASSWORD, new_password=TEST_PASSWORD)
