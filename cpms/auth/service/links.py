"""Invitations and self-service password resets: single-use links that expire, sent through the mail outbox.

A link carries the account's id and a fingerprint of its password hash, signed with the secret key and
stamped with its time. It works once (setting the password changes the hash, so the fingerprint no longer
matches) and only for CPMS_INVITATION_HOURS (invitations) or CPMS_PASSWORD_RESET_MINUTES (resets). A reset
request answers the same whether the account exists or not.
"""
import hashlib
import secrets
from html import escape

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from cpms.auth.models import User
from cpms.auth.service.accounts import _set_password, create_user, find_user_by_email
from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.extensions import db

PURPOSES = ("invitation", "reset")


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"cpms-account-{purpose}")


def _fingerprint(user):
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def _max_age(purpose):
    if purpose == "invitation":
        return current_app.config["INVITATION_HOURS"] * 3600
    return current_app.config["PASSWORD_RESET_MINUTES"] * 60


def link_token(user, purpose):
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_link(token, purpose):
    """The active account a link is for, or None when it is forged, expired or already used."""
    try:
        data = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u", 0)) if isinstance(data, dict) else None
    if user is None or not user.is_active or data.get("f") != _fingerprint(user):
        return None
    return user


def _link(purpose, token):
    base = current_app.config.get("BASE_URL")
    path = url_for("auth.password_set", purpose=purpose, token=token)
    return (base.rstrip("/") + path) if base else url_for("auth.password_set", purpose=purpose, token=token,
                                                          _external=True)


def _queue_mail(user, purpose):
    from cpms.notifications.service.mail import enqueue

    link = _link(purpose, link_token(user, purpose))
    with force_locale(user.locale or "fr"):
        if purpose == "invitation":
            subject = _("Your CPMS account")
            text = _("An account has been opened for you on CPMS. Choose your password with this link, valid "
                     "%(hours)d hours and usable once:", hours=current_app.config["INVITATION_HOURS"])
        else:
            subject = _("Choose a new CPMS password")
            text = _("Someone asked to reset the password of your CPMS account. If it was you, choose a new "
                     "password with this link, valid %(minutes)d minutes and usable once; otherwise ignore this "
                     "e-mail.", minutes=current_app.config["PASSWORD_RESET_MINUTES"])
    enqueue(f"{purpose}:{user.id}:{secrets.token_hex(8)}", kind=f"account_{purpose}", to_address=user.email,
            locale=user.locale or "fr", subject=subject, text=f"{text}\n\n{link}\n",
            html=f"<p>{escape(text)}</p><p><a href=\"{escape(link)}\">{escape(link)}</a></p>", user_id=user.id)


def invite_user(*, name, email, role, locale="fr", province_ids=(), commune_ids=()):
    """Open an account without a password and e-mail its owner a link to choose one."""
    user = create_user(name=name, email=email, role=role, password=secrets.token_urlsafe(32), locale=locale,
                       province_ids=province_ids, commune_ids=commune_ids)
    _queue_mail(user, "invitation")
    record_event("invitation_sent", entity="users", entity_id=user.id)
    db.session.flush()
    return user


def request_password_reset(email):
    """E-mail a reset link when an active account has this address; say nothing either way."""
    user = find_user_by_email(email)
    if user is not None and user.is_active:
        _queue_mail(user, "reset")
        record_event("password_reset_requested", entity="users", entity_id=user.id)
        db.session.flush()


def set_password_from_link(token, purpose, new_password):
    """Set the password of the account a link is for; the link then stops working."""
    user = user_for_link(token, purpose)
    if user is None:
        raise DomainError(_("This link has expired or was already used. Ask for a new one."))
    _set_password(user, new_password)
    user.is_password_change_required = False  # the owner chose it
    record_event("password_change", entity="users", entity_id=user.id, detail=f"by {purpose} link")
    db.session.flush()
    return user
