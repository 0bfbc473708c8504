"""Accounts: password rules, e-mail uniqueness, throttling, session tokens, API tokens."""
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from cpms.auth import service
from cpms.auth.service.passwords import password_problem
from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD, english


@pytest.mark.parametrize("password, reason", [
    ("short-pw1", "at least 12 characters"),
    ("qwerty123456", "too easy to guess"),
    ("QAZWSXEDCRFV", "too easy to guess"),  # case does not help
    ("azertyuiop123", "too easy to guess"),
])
def test_weak_passwords_are_refused_with_the_reason(app, password, reason):
    with english(app, ):
        assert reason in password_problem(password)


def test_password_containing_the_email_name_is_refused(app):
    with english(app, ):
        assert "name or e-mail" in password_problem("kabongo-2016-Mbuji", email="kabongo@example.org")
        assert password_problem("Lubilanji-river-2016") is None


def test_email_is_unique_whatever_its_case(app, db, make_user):
    make_user("trainer", email="Trainer.One@Example.org")
    with english(app), pytest.raises(DomainError, match="already exists"):
        service.create_user(name="Other", email="trainer.one@example.ORG", role="viewer", password=TEST_PASSWORD)
    assert service.find_user_by_email("TRAINER.ONE@example.org").email == "trainer.one@example.org"


def test_authenticate_checks_password_and_active_flag(app, db, make_user):
    user = make_user("trainer")
    with english(app, ):
        assert service.authenticate(user.email.upper(), TEST_PASSWORD).id == user.id
        with pytest.raises(DomainError, match="not recognised"):
            service.authenticate(user.email, "wrong-password-xyz")
        user.is_active = False
        _db.session.commit()
        with pytest.raises(DomainError, match="not recognised"):
            service.authenticate(user.email, TEST_PASSWORD)


def test_throttling_after_ten_failures_then_recovers(app, db, make_user):
    user = make_user("trainer")
    start = datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False), english(app, environ_base={"REMOTE_ADDR": "10.9.8.7"}):
        for _ in range(10):
            with pytest.raises(DomainError):
                service.authenticate(user.email, "wrong-password-xyz", ip="10.9.8.7")
            _db.session.commit()
        with pytest.raises(service.LoginThrottled, match="Wait 15 minutes"):
            service.authenticate(user.email, TEST_PASSWORD, ip="10.9.8.7")  # even the right password
    with time_machine.travel(start + timedelta(minutes=16), tick=False), english(app, ):
        assert service.authenticate(user.email, TEST_PASSWORD, ip="10.9.8.7").id == user.id


def test_refused_attempts_do_not_extend_the_lock(app, db, make_user):
    """Retrying while throttled checks no password: the lock ends 15 minutes after the last real failure."""
    user = make_user("trainer")
    start = datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False), english(app, ):
        for _ in range(10):
            with pytest.raises(DomainError):
                service.authenticate(user.email, "wrong-password-xyz", ip="10.9.8.6")
            _db.session.commit()
    with time_machine.travel(start + timedelta(minutes=10), tick=False), english(app, ):
        for _ in range(10):  # as many as the limit: were they counted, the lock would last until 8:25
            with pytest.raises(service.LoginThrottled):
                service.authenticate(user.email, TEST_PASSWORD, ip="10.9.8.6")
            _db.session.commit()
    with time_machine.travel(start + timedelta(minutes=16), tick=False), english(app, ):
        assert service.authenticate(user.email, TEST_PASSWORD, ip="10.9.8.6").id == user.id


def test_throttling_by_address_covers_many_accounts(app, db, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 10)
    user = make_user("viewer")
    with english(app, ):
        for n in range(10):
            with pytest.raises(DomainError):
                service.authenticate(f"guess{n}@example.org", "wrong-password-xyz", ip="10.1.1.1")
            _db.session.commit()
        with pytest.raises(service.LoginThrottled):
            service.authenticate(user.email, TEST_PASSWORD, ip="10.1.1.1")
        assert service.authenticate(user.email, TEST_PASSWORD, ip="10.1.1.2").id == user.id


def test_password_change_rotates_the_session_token(app, db, make_user):
    user = make_user("trainer")
    before = user.session_token
    with english(app, ):
        with pytest.raises(DomainError, match="current password"):
            service.change_password(user, current_password="nope-nope-nope", new_password="Another-Long-Phrase-7")
        service.change_password(user, current_password=TEST_PASSWORD, new_password="Another-Long-Phrase-7")
        _db.session.commit()
    assert user.session_token != before
    with english(app, ):
        assert service.authenticate(user.email, "Another-Long-Phrase-7").id == user.id


def test_admin_cannot_lock_themselves_out(app, db, make_user):
    admin = make_user("admin")
    with english(app, ), pytest.raises(DomainError, match="your own account"):
        service.update_user(admin, admin, name=admin.name, email=admin.email, role="viewer", locale="fr", is_active=True)


def test_api_token_is_stored_hashed_and_revocable(app, db, make_user):
    from sqlalchemy import select

    from cpms.auth.models import ApiToken
    user = make_user("me_officer")
    with english(app, ):
        token, raw = service.create_api_token(user, name="reports")
        _db.session.commit()
        assert raw not in {t.token_hash for t in _db.session.scalars(select(ApiToken))}
        assert service.user_for_api_token(raw).id == user.id
        assert service.user_for_api_token(raw + "x") is None
        token.revoked_at = datetime.now(timezone.utc)
        _db.session.commit()
        assert service.user_for_api_token(raw) is None
