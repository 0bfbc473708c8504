"""Health report and audit-log queries."""
import socket
from datetime import date, datetime, time, timedelta, timezone

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, select, text

from cpms.core.audit import AuditEntry
from cpms.core.models import SchedulerHeartbeat, utcnow
from cpms.extensions import db


def _expected_heads():
    config = current_app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


def health_report():
    """Database reachable, migrations current, scheduler heartbeat age (seconds)."""
    report = {"status": "ok", "database": "ok", "migrations": "unknown", "scheduler": {}}
    try:
        db.session.execute(text("SELECT 1"))
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
        expected = _expected_heads()
        report["migrations"] = "current" if current == expected else "pending"
        report["migration_revisions"] = {"database": sorted(current), "code": sorted(expected)}
        beat = db.session.get(SchedulerHeartbeat, "scheduler")
        if beat is None:
            report["scheduler"] = {"status": "never seen", "age_seconds": None}
        else:
            age = (utcnow() - beat.beat_at).total_seconds()
            stale = age > 3 * current_app.config["SCHEDULER_HEARTBEAT_SECONDS"]
            report["scheduler"] = {"status": "stale" if stale else "ok", "age_seconds": round(age, 1),
                                   "last_heartbeat": beat.beat_at.isoformat()}
    except Exception as exc:  # the health check must answer even when the database is down
        db.session.rollback()
        report["database"] = f"error: {exc.__class__.__name__}"
        report["status"] = "error"
        return report
    if report["migrations"] != "current":
        report["status"] = "degraded"
    return report


def beat(name="scheduler"):
    """Write the scheduler's heartbeat (called by its job; the caller commits)."""
    row = db.session.get(SchedulerHeartbeat, name)
    if row is None:
        row = SchedulerHeartbeat(name=name)
        db.session.add(row)
    import os
    row.beat_at, row.hostname, row.pid = utcnow(), socket.gethostname(), os.getpid()
    db.session.flush()


def audited_entities():
    return db.session.scalars(select(AuditEntry.entity).where(AuditEntry.entity.is_not(None))
                              .distinct().order_by(AuditEntry.entity)).all()


def _parse_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def audit_query(action="", entity="", entity_id="", actor="", date_from="", date_to=""):
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if actor:
        stmt = stmt.where(func.lower(AuditEntry.actor_label).like(f"%{actor.lower()}%"))
    start, end = _parse_date(date_from), _parse_date(date_to)
    if start:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(start, time.min, timezone.utc))
    if end:
        stmt = stmt.where(AuditEntry.at < datetime.combine(end + timedelta(days=1), time.min, timezone.utc))
    return stmt
