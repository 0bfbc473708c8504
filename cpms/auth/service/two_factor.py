"""TOTP second factor (RFC 6238, as in authenticator apps) with one-time recovery codes.

Enrolment: a secret is drawn and shown as a QR code; it is saved only once the user types a valid code
from their app. Ten recovery codes are then shown once and stored as SHA-256 hashes; each works once.
"""
import hashlib
import json
import secrets

import pyotp
import segno
from flask_babel import gettext as _

from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.models import utcnow
from cpms.extensions import db

ISSUER = "CPMS"
RECOVERY_CODES = 10


def new_secret():
    return pyotp.random_base32()


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg_data_uri(uri):
    """The QR code as an inline SVG data: URI (the page fetches nothing from elsewhere)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4)


def _code_ok(secret, code):
    code = "".join((code or "").split())
    return code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def _hash(code):
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def enable_two_factor(user, secret, code):
    """Turn the second factor on once `code` proves the app has the secret; returns the recovery codes."""
    if not _code_ok(secret, code):
        raise DomainError(_("This code is not valid. Type the 6 digits your app shows now."), field="code")
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _n in range(RECOVERY_CODES)]
    user.totp_secret, user.totp_enabled_at = secret, utcnow()
    user.recovery_codes = json.dumps([_hash(c) for c in codes])
    record_event("2fa_enabled", entity="users", entity_id=user.id)
    db.session.flush()
    return codes


def disable_two_factor(user, code):
    if not verify_second_factor(user, code):
        raise DomainError(_("This code is not valid. Type the 6 digits your app shows now."), field="code")
    user.totp_secret = user.totp_enabled_at = user.recovery_codes = None
    record_event("2fa_disabled", entity="users", entity_id=user.id)
    db.session.flush()


def verify_second_factor(user, code):
    """True for a current TOTP code or an unused recovery code (which is then used up)."""
    if not user.has_two_factor:
        return False
    if _code_ok(user.totp_secret, code):
        return True
    hashes = json.loads(user.recovery_codes or "[]")
    digest = _hash(code or "")
    if digest in hashes:
        hashes.remove(digest)
        user.recovery_codes = json.dumps(hashes)
        db.session.flush()
        return True
    return False
