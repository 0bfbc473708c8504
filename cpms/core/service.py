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


def liveness():
    """True when the database answers a `SELECT 1` (the load balancer's check, /livez)."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001  – any failure means "not live"
        db.session.rollback()
        return False


def health_report():
    """The monitoring status (/healthz): database, migrations, scheduler heartbeat, workers seen, queue wait.

    `status` is `ok`, or `degraded` with `problems` naming each fault; `error` when the database is unreachable."""
    report = {"status": "ok", "database": "ok", "migrations": "unknown", "scheduler": {}, "workers": {},
              "queue": {}, "problems": []}
    try:
        db.session.execute(text("SELECT 1"))
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
        expected = _expected_heads()
        report["migrations"] = "current" if current == expected else "pending"
        report["migration_revisions"] = {"database": sorted(current), "code": sorted(expected)}
        now = utcnow()
        report["scheduler"] = _scheduler_status(now)
        report["workers"] = _workers_status(now)
        report["queue"] = _queue_status(now)
    except Exception as exc:  # the health check must answer even when the database is down
        db.session.rollback()
        report["database"] = f"error: {exc.__class__.__name__}"
        report["status"] = "error"
        report["problems"].append("database unreachable")
        return report
    problems = report["problems"]
    if report["migrations"] != "current":
        problems.append("migrations not current")
    if report["scheduler"]["status"] != "ok":
        problems.append(f"scheduler {report['scheduler']['status']}")
    if report["workers"]["status"] != "ok":
        problems.append(f"workers {report['workers']['status']}")
    if report["queue"]["status"] != "ok":
        problems.append("jobs waiting too long")
    if problems:
        report["status"] = "degraded"
    return report


def _age(moment, now):
    return round((now - moment).total_seconds(), 1) if moment is not None else None


def _scheduler_status(now):
    beat = db.session.get(SchedulerHeartbeat, "scheduler")
    if beat is None:
        return {"status": "never seen", "age_seconds": None}
    age = _age(beat.beat_at, now)
    stale = age > 3 * current_app.config["SCHEDULER_HEARTBEAT_SECONDS"]
    return {"status": "stale" if stale else "ok", "age_seconds": age, "last_heartbeat": beat.beat_at.isoformat()}


def _workers_status(now):
    """The workers' heartbeats ("worker:<host>:<pid>"): ok when one was seen within CPMS_WORKER_STALE_SECONDS."""
    limit = current_app.config["WORKER_STALE_SECONDS"]
    beats = db.session.scalars(select(SchedulerHeartbeat).where(SchedulerHeartbeat.name.like("worker:%"))
                               .order_by(SchedulerHeartbeat.beat_at.desc())).all()
    alive = [beat for beat in beats if _age(beat.beat_at, now) <= limit]
    if not beats:
        status = "never seen"
    else:
        status = "ok" if alive else "stale"
    return {"status": status, "alive": len(alive), "last_seen_seconds": _age(beats[0].beat_at, now) if beats else None,
            "threshold_seconds": limit}


def _queue_status(now):
    from cpms.core.jobs.queue import oldest_waiting_seconds, queue_counts
    waited = oldest_waiting_seconds(now)
    limit = current_app.config["JOB_QUEUE_ALERT_SECONDS"]
    counts = queue_counts()
    return {"status": "ok" if waited is None or waited <= limit else "waiting too long",
            "oldest_waiting_seconds": round(waited, 1) if waited is not None else None, "threshold_seconds": limit,
            "queued": counts.get("queued", 0), "running": counts.get("running", 0)}


def beat(name="scheduler"):
    """Write a heartbeat: the scheduler's (its job), a worker's ("worker:<host>:<pid>"); the caller commits."""
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
