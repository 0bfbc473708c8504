"""One transaction per unit of work, and one channel for who is acting.

Requests (Indico's request-handler idea): views never commit. `finish_request`, an `after_request` hook,
commits the session when the answer is a success (status below 400) and rolls it back otherwise; an
exception that escapes the view rolls back too (the 500 handler). A view whose error answer must still
keep what it wrote (a failed login attempt counted, a refused access logged) says so with `keep_changes()`.
A service that raises a DomainError may have flushed part of its work: `save_form` and `run_action`
(cpms/core/forms.py) roll it back at once, before the page is drawn again.

Jobs and CLI commands use `in_transaction(label)`: it names the actor, commits on success and rolls back on
error, exactly like a request; `in_transaction()` alone is a short step under whoever acts now.

The acting user: `current_actor()` is the user on whose behalf the code runs – the logged-in user of a
request, or the user a job or command runs for (`acting_as(user)`), or None for the system. The audit log
(cpms/core/audit.py) and the services read it from here and from nowhere else; `actor_label()` names the
system actor ("scheduler:<job>", "cli") in the audit log.
"""
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass

from flask import g, has_request_context
from flask_login import current_user

from cpms.extensions import db


@dataclass(frozen=True)
class _Acting:
    user: object | None
    label: str


_acting = ContextVar("cpms_acting", default=None)


def current_actor():
    """The user on whose behalf the code runs, or None (the system, or an anonymous visitor)."""
    acting = _acting.get()
    if acting is not None:
        return acting.user
    if has_request_context():
        user = current_user._get_current_object() if current_user else None
        if user is not None and getattr(user, "is_authenticated", False):
            return user
    return None


def actor_label():
    """How the audit log names the actor: the user's e-mail, else the job's or command's label, else 'system'."""
    user = current_actor()
    if user is not None:
        return getattr(user, "email", str(user))
    acting = _acting.get()
    return acting.label if acting is not None else "system"


@contextmanager
def acting_as(user=None, label="system"):
    """Run the block on behalf of `user` (None: the system, named `label` in the audit log)."""
    token = _acting.set(_Acting(user, label))
    try:
        yield
    finally:
        _acting.reset(token)


@contextmanager
def in_transaction(label=None, user=None):
    """A job's or command's unit of work: commits on success, rolls back on error. It acts as `user`/`label`;
    without either it keeps whoever acts now (a job's short steps inside the job's own unit of work)."""
    acting = acting_as(user, label or "system") if (label or user) else nullcontext()
    with acting:
        try:
            yield db.session
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()


def keep_changes():
    """Commit this request's changes even though its answer is an error (e.g. a failed login attempt)."""
    g.cpms_keep_changes = True


def finish_request(response):
    """after_request: commit a successful request's work, roll back the rest."""
    if response.status_code < 400 or g.pop("cpms_keep_changes", False):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def init_app(app):
    app.after_request(finish_request)
