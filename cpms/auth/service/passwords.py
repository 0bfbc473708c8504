"""Password hashing (argon2) and the password rules (zxcvbn)."""
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 200  # zxcvbn's time grows with the length
MIN_SCORE = 3  # zxcvbn's scale: 0 (guessed at once) to 4


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


def _personal_words(email, name):
    """Words a password must not contain: the e-mail address, its local part, the name and each of its parts."""
    email = (email or "").lower()
    words = [email, email.split("@")[0]] if email else []
    words += [name.lower(), *re.split(r"[\s'.-]+", name.lower())] if name else []
    return [word for word in words if len(word) >= 4]


def _context_words(email):
    """What zxcvbn is told besides: each piece of the e-mail address (its domain's labels too)."""
    return [word for word in re.split(r"[@.+_-]", (email or "").lower()) if word]


def organisation_words():
    return [word.strip().lower() for word in current_app.config["PASSWORD_ORGANISATION_WORDS"].split(",")
            if word.strip()]


def password_problem(password, email=None, name=None):
    """The reason a password is refused, translated, or None when it is acceptable.

    zxcvbn judges how easy the password is to guess, knowing the person's names, e-mail address and the words
    of the organisation (CPMS_PASSWORD_ORGANISATION_WORDS); a score under 3 of 4 is refused."""
    if len(password) < MIN_LENGTH:
        return _("The password must have at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("The password must have at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    personal = _personal_words(email, name)
    if any(word in lowered for word in personal):
        return _("The password must not contain your name or e-mail address.")
    if zxcvbn(password, user_inputs=personal + _context_words(email) + organisation_words())["score"] < MIN_SCORE:
        return _("This password is too easy to guess. Use a longer phrase of several unrelated words.")
    return None
