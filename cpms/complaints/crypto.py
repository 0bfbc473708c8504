"""The complainant's contact details, encrypted at rest with Fernet (the `cryptography` library: AES-128-CBC with
an HMAC-SHA256, authenticated) under a key from the configuration.

CPMS_COMPLAINT_CONTACT_KEY holds one or more Fernet keys separated by commas (make one with
`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`): the first encrypts,
every one decrypts, so a key is rotated by putting the new one first. Without it the key is derived from the
secret key, which then must not change (docs/configuration.md). The database, its backups and the audit log hold
only the token; an empty contact stays empty (so that "no contact" needs no key).
"""
import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator


class ContactKeyError(RuntimeError):
    """A stored contact cannot be decrypted with the configured keys."""


@lru_cache(maxsize=4)
def _fernet(keys, secret_key):
    if keys:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])
    derived = hashlib.sha256(b"cpms-complaint-contact:" + (secret_key or "").encode()).digest()
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def contact_cipher():
    config = current_app.config
    return _fernet(config.get("COMPLAINT_CONTACT_KEY") or "", config.get("SECRET_KEY") or "")


def encrypt_contact(text):
    return contact_cipher().encrypt(text.encode()).decode() if text else ""


def decrypt_contact(token):
    if not token:
        return ""
    try:
        return contact_cipher().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ContactKeyError("a complaint's contact cannot be decrypted: check CPMS_COMPLAINT_CONTACT_KEY "
                              "(the key that encrypted it must stay in the list)") from error


class EncryptedText(TypeDecorator):
    """Text stored as a Fernet token, read back in clear."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt_contact(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt_contact(value)
