"""Password hashing (argon2) and the password rules."""
import secrets
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 12


def _hasher():
    return PasswordHasher(**current_app.config.get("PASSWORD_HASH_PARAMS", {}))


def hash_password(password):
    return _hasher().hash(password)


_DUMMY_HASHES = {}


def dummy_password_hash():
    """A hash made with the current parameters, checked for unknown accounts so that they cost the same time."""
    params = tuple(sorted(current_app.config.get("PASSWORD_HASH_PARAMS", {}).items()))
    if params not in _DUMMY_HASHES:
        _DUMMY_HASHES[params] = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[params]


def verify_password(password_hash, password):
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def common_passwords():
    text = resources.files("cpms.auth.service").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line and not line.startswith("#"))


def password_problem(password, email=None, name=None):
    """The reason a password is refused, translated, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("The password must have at least %(n)d characters.", n=MIN_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords():
        return _("This password is among the most common passwords; choose another one.")
    for personal_word in filter(None, [email and email.split("@")[0].lower(), name and name.lower()]):
        if len(personal_word) >= 4 and personal_word in lowered:
            return _("The password must not contain your name or e-mail address.")
    return None
