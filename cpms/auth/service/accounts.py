"""Accounts: creation, editing, passwords, logins with throttling, API tokens.

Services check the rules, flush, and never commit (the request or command does). The audit log names the acting
user (cpms.core.transaction.current_actor); `update_user` takes the actor because a rule depends on who acts.
"""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from cpms.auth.models import ApiToken, User, hash_api_token, new_session_token
from cpms.auth.service.passwords import dummy_password_hash, hash_password, password_problem, verify_password
from cpms.core.audit import AuditEntry, record_event
from cpms.core.dashboard import Card, TodayLine, dashboard_provider, today_provider
from cpms.core.errors import DomainError
from cpms.core.models import utcnow
from cpms.core.permissions import ADMIN, ROLES
from cpms.extensions import db
from cpms.geo.models import Commune, Province
from cpms.geo.reference import EAST, WEST


def set_time_zone(user, zone):
    """The zone `user` reads times in: Kinshasa time (UTC+1) or Lubumbashi time (UTC+2); empty for that of their
    areas (User.display_zone). Flush only."""
    if zone and zone not in (WEST, EAST):
        raise DomainError(_("Choose Kinshasa time, Lubumbashi time, or that of your area."), field="time_zone")
    user.time_zone = zone or None
    db.session.flush()
    return user


def normalise_email(email):
    return (email or "").strip().lower()


def find_user_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_password(password, email, name, field="password"):
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise DomainError(problem, field=field)


def _set_areas(user, province_ids, commune_ids):
    province_ids = list(province_ids or [])
    commune_ids = list(commune_ids or [])
    provinces = db.session.scalars(select(Province).where(Province.id.in_(province_ids))).all() if province_ids else []
    communes = db.session.scalars(select(Commune).where(Commune.id.in_(commune_ids))).all() if commune_ids else []
    if len(provinces) != len(set(province_ids)) or len(communes) != len(set(commune_ids)):
        raise DomainError(_("One of the chosen areas does not exist any more; reload the page and choose again."))
    user.provinces = list(provinces)
    user.communes = list(communes)


def create_user(*, name, email, role, password, locale="fr", province_ids=(), commune_ids=(), chosen_by_admin=False):
    """Create an account. Errors: e-mail already used, unknown role, weak password.

    `chosen_by_admin`: an administrator typed the initial password, so its owner must replace it at the first
    login (an invitation lets the person choose it; the command line sets up the server's own accounts)."""
    email = normalise_email(email)
    if role not in ROLES:
        raise DomainError(_("Choose one of the listed roles."), field="role")
    if find_user_by_email(email) is not None:
        raise DomainError(_("An account with this e-mail address already exists."), field="email")
    _check_password(password, email, name)
    user = User(name=name.strip(), email=email, role=role, locale=locale, is_active=True,
                password_hash=hash_password(password), password_changed_at=utcnow(),
                is_password_change_required=chosen_by_admin)
    _set_areas(user, province_ids, commune_ids)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(actor, user, *, name, email, role, locale, is_active, province_ids=(), commune_ids=()):
    """Edit an account (admins). An admin cannot deactivate or demote their own account."""
    email = normalise_email(email)
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise DomainError(_("An account with this e-mail address already exists."), field="email")
    if user.id == actor.id and (not is_active or role != ADMIN) and actor.role == ADMIN:
        raise DomainError(_("You cannot deactivate your own account or remove your own admin role."))
    was_active = user.is_active
    user.name, user.email, user.role, user.locale, user.is_active = name.strip(), email, role, locale, is_active
    _set_areas(user, province_ids, commune_ids)
    if was_active and not is_active:
        user.session_token = new_session_token()  # ends the user's open sessions
    db.session.flush()
    return user


def change_password(user, *, current_password, new_password):
    """A user changes their own password; every other session of theirs ends, and a change an administrator
    required is done."""
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_("The current password is not correct."), field="current_password")
    _set_password(user, new_password)
    user.is_password_change_required = False
    record_event("password_change", entity="users", entity_id=user.id)
    db.session.flush()


def reset_password(user, *, new_password):
    """An admin sets a new password for a user; the user's sessions end, and at the next login the user must
    choose their own before any other page opens."""
    _set_password(user, new_password)
    user.is_password_change_required = True
    record_event("password_change", entity="users", entity_id=user.id, detail="reset by admin")
    db.session.flush()


def _set_password(user, new_password):
    _check_password(new_password, user.email, user.name, field="new_password")
    if user.password_hash and verify_password(user.password_hash, new_password):
        raise DomainError(_("Choose a password different from the current one."), field="new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()


def end_sessions(user):
    """Kill every session cookie issued to this user (called at logout)."""
    user.session_token = new_session_token()
    db.session.flush()


def recent_login_failures(email, ip):
    """Failed logins in the throttling window for this account and for this address.

    Attempts refused because the limit was reached are recorded but not counted: no password was checked, so
    they are not guesses, and counting them would keep an office locked out for as long as someone retries."""
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    base = select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "login_failed", AuditEntry.at >= since,
        or_(AuditEntry.detail.is_(None), AuditEntry.detail != "throttled"))
    by_account = db.session.scalar(base.where(AuditEntry.actor_label == normalise_email(email)))
    by_address = db.session.scalar(base.where(AuditEntry.ip == ip)) if ip else 0
    return by_account, by_address


def login_throttled(email, ip, *, counting_this_attempt=False):
    """True when this account has reached CPMS_LOGIN_MAX_FAILURES, or this address (every account behind it
    together) CPMS_LOGIN_MAX_FAILURES_PER_ADDRESS, within the window. The address limit is much higher than the
    account one, so a whole office behind one connection is not locked out by one person's mistakes."""
    by_account, by_address = recent_login_failures(email, ip)
    extra = 1 if counting_this_attempt else 0  # the attempt itself was already recorded as a failure
    return (by_account - extra >= current_app.config["LOGIN_MAX_FAILURES"]
            or by_address - extra >= current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"])


class LoginThrottled(DomainError):
    pass


def _throttled_error():
    return LoginThrottled(_("Too many failed attempts. Wait %(minutes)d minutes, then try again.",
                            minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]))


def authenticate(email, password, ip=None):
    """The user for these credentials, or a DomainError. Failures are recorded and throttled.

    The count comes from the audit log, so the limit holds across every worker process. It cannot be raced:
    the account's row is locked (PostgreSQL) and the attempt is written as a failure *before* the count
    (which on SQLite takes the database's write lock), so simultaneous attempts queue up and each one sees the
    others. A right password then turns its row into the "login" event. Unknown accounts cost the same
    password check as known ones, so the answer time does not tell whether an account exists.
    """
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email).with_for_update())
    attempt = record_event("login_failed", actor_label=email, ip=ip)
    db.session.flush()
    if login_throttled(email, ip, counting_this_attempt=True):
        attempt.detail = "throttled"
        raise _throttled_error()
    if user is None:
        verify_password(dummy_password_hash(), password)  # the same work as for a known account
        raise DomainError(_("E-mail address or password not recognised."))
    if not verify_password(user.password_hash, password) or not user.is_active:
        attempt.detail = "inactive account" if not user.is_active else None
        raise DomainError(_("E-mail address or password not recognised."))
    attempt.action, attempt.actor_id = "login", user.id
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def create_api_token(user, name=None):
    """A new personal API token for `user`; returns (token row, the raw token shown once)."""
    raw = "cpms_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=hash_api_token(raw), prefix=raw[:10], name=name)
    db.session.add(token)
    record_event("token_created", entity="users", entity_id=user.id)
    db.session.flush()
    return token, raw


def user_for_api_token(raw):
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_api_token(raw),
                                                     ApiToken.revoked_at.is_(None)))
    if token is None or not token.user.is_active:
        return None
    token.last_used_at = utcnow()
    return token.user


def search_users(term=None, role=None):
    stmt = select(User).order_by(User.name)
    if term:
        like = f"%{term.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    if role:
        stmt = stmt.where(User.role == role)
    return stmt


@dashboard_provider
def account_cards(user, scope):
    from datetime import timedelta as _td

    from flask_babel import lazy_gettext as _l

    if user.role != ADMIN:
        return []
    # SQL figures: counted by core with the page's other cards, in one statement
    active = select(func.count()).select_from(User).where(User.is_active.is_(True)).scalar_subquery()
    failures = select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "login_failed", AuditEntry.at >= utcnow() - _td(days=1)).scalar_subquery()
    return [Card(_l("Active user accounts"), active, "auth.user_list"),
            Card(_l("Failed logins, last 24 hours"), failures, "core.audit_list")]


@today_provider(roles={ADMIN})
def accounts_today(user, scope):
    """Active accounts whose owner has never logged in yet: one query."""
    from flask import url_for
    from flask_babel import ngettext

    waiting = db.session.scalar(select(func.count()).select_from(User).where(User.is_active.is_(True),
                                                                             User.last_login_at.is_(None)))
    if not waiting:
        return []
    return [TodayLine(ngettext("%(num)d account not yet activated (never logged in)",
                               "%(num)d accounts not yet activated (never logged in)", waiting),
                      url_for("auth.user_list"))]
