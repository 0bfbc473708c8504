"""Uploads waiting for the user's confirmation, kept server-side (never in the session cookie).

A preview writes what it would import to a file under instance/<folder>/, named by a random token;
confirming or cancelling removes it, and files older than `max_age` seconds are removed by the next
preview. JSON payloads record their owner: only the user who uploaded may confirm.
"""
import json
import os
import secrets
import time

from flask import current_app
from flask_babel import gettext as _

from cpms.core.errors import DomainError

DEFAULT_MAX_AGE = 6 * 3600


def folder(name):
    path = os.path.join(current_app.instance_path, name)
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def path_for(name, token, suffix=".json"):
    """The file of a token, or None for a token that is not one of ours."""
    if not token or len(token) > 64 or not all(c.isalnum() or c in "-_" for c in token):
        return None
    return os.path.join(folder(name), f"{token}{suffix}")


def new_token():
    return secrets.token_urlsafe(24)


def remove_stale(name, max_age=DEFAULT_MAX_AGE):
    limit = time.time() - max_age
    for entry in os.scandir(folder(name)):
        try:
            if entry.is_file() and entry.stat().st_mtime < limit:
                os.remove(entry.path)
        except OSError:
            pass  # removed by another worker meanwhile


def discard(name, token, suffix=".json"):
    path = path_for(name, token, suffix)
    if path and os.path.exists(path):
        os.remove(path)


def save(name, actor, payload, max_age=DEFAULT_MAX_AGE):
    """Keep `payload` (JSON-serialisable) for `actor`; returns its token. Old files are removed first."""
    remove_stale(name, max_age)
    token = new_token()
    path = path_for(name, token)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # personal data: owner only
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump({"actor_id": getattr(actor, "id", None), "payload": payload}, out, ensure_ascii=False)
    return token


def load(name, token, actor, max_age=DEFAULT_MAX_AGE):
    """The payload saved under `token` by `actor`; DomainError when unknown, expired or someone else's."""
    path = path_for(name, token)
    expired = DomainError(_("This preview has expired: upload the file again."))
    if path is None or not os.path.exists(path) or os.path.getmtime(path) < time.time() - max_age:
        raise expired
    with open(path, encoding="utf-8") as source:
        stored = json.load(source)
    if stored.get("actor_id") != getattr(actor, "id", None):
        raise expired
    return stored["payload"]
