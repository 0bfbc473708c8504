"""The audit log: automatic records of every change to audited models, plus security events.

Changes are captured in an `after_flush` listener and written with a Core insert on the same
connection, so they commit or roll back together with the change they describe.
"""
import json
import uuid
from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context, request
from sqlalchemy import JSON, Column, ForeignKey, Index, String, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from cpms.core import transaction
from cpms.core.classification import is_personal
from cpms.core.models import Audited, UTCDateTime, utcnow
from cpms.extensions import db

MASK = "***"


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_entity", "entity", "entity_id"),
        Index("ix_audit_entries_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str | None] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(30))
    entity: Mapped[str | None] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    changes: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(500))

    def __repr__(self):
        return f"<AuditEntry {self.action} {self.entity}:{self.entity_id} by {self.actor_label}>"


ACTIONS = ("create", "update", "delete", "login", "login_failed", "logout", "access_denied",
           "password_change", "token_created", "export", "retention", "2fa_enabled",
           "2fa_disabled")


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "value") and hasattr(value, "name"):  # enums
        return value.value
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


def current_actor_fields():
    """(actor_id, actor_label, ip) of whoever acts now (cpms/core/transaction.py is the one channel)."""
    user = transaction.current_actor()
    ip = request.remote_addr if has_request_context() else None
    return getattr(user, "id", None), transaction.actor_label(), ip


_ALWAYS_IGNORED = frozenset({"created_at", "updated_at", "password_hash", "session_token"})


def _entity_name(obj):
    return obj.__audit_entity__ or obj.__table__.name


def _changes(obj, kind):
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if not isinstance(column, Column):  # a query_expression, not stored
            continue
        if column.key in _ALWAYS_IGNORED or column.key in obj.__audit_ignore__:
            continue
        masked = is_personal(column)
        hist = state.attrs[attr.key].history
        if kind == "update":
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old == new:
                continue
            changes[attr.key] = [MASK, MASK] if masked else [_jsonable(old), _jsonable(new)]
        else:
            value = getattr(obj, attr.key)
            if value is None:
                continue
            changes[attr.key] = MASK if masked else _jsonable(value)
    return changes


def _primary_key(obj):
    # identity keys are assigned only after the flush; the mapper reads the new primary key already
    values = inspect(obj).mapper.primary_key_from_instance(obj)
    return ":".join(str(part) for part in values)


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session, flush_context):
    rows = []
    for kind, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            if kind == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, kind)
            if kind == "update" and not changes:
                continue
            rows.append({"action": kind, "entity": _entity_name(obj), "entity_id": _primary_key(obj),
                         "changes": changes})
    if not rows:
        return
    actor_id, label, ip = current_actor_fields()
    now = utcnow()
    for row in rows:
        row.update(at=now, actor_id=actor_id, actor_label=label, ip=ip)
    session.connection().execute(insert(AuditEntry.__table__), rows)


def record_event(action, *, actor=None, actor_label=None, entity=None, entity_id=None, detail=None,
                 changes=None, ip=None):
    """Add a security or access event (login, refused access…) to the session; the caller commits."""
    actor_id, label, request_ip = current_actor_fields()
    ip = ip or request_ip
    if actor is not None:
        actor_id, label = actor.id, actor.email
    entry = AuditEntry(action=action, actor_id=actor_id, actor_label=actor_label or label, ip=ip,
                       entity=entity, entity_id=None if entity_id is None else str(entity_id),
                       detail=(detail or None) and detail[:500], changes=changes)
    db.session.add(entry)
    return entry


def record_event_now(action, **kwargs):
    """Record an event alone, dropping the request's other work, and keep it even if the answer is an error
    (a refused access answers 403)."""
    db.session.rollback()
    record_event(action, **kwargs)
    if has_request_context():
        transaction.keep_changes()
    else:
        db.session.commit()
