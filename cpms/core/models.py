"""Shared model pieces: UTC timestamps, the audit mixin, personal-data markers, the heartbeat."""
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Float, LargeBinary, String, Table, Unicode
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from cpms.extensions import db


def utcnow():
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use cpms.core.models.utcnow()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def values_check(column, values):
    """SQL for a CHECK constraint limiting a column to a list of values."""
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def personal(kind="personal", retention=None):
    """Column info marking personal ('personal') or 'sensitive' data: masked in the audit log, hidden from
    viewers, erased at the end of its retention class (default: its table's; see cpms/core/classification.py)."""
    info = {"pii": kind}
    if retention:
        info["retention"] = retention
    return info


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Audited:
    """Marker: every insert, update and delete of this model is written to the audit log."""

    __audit_entity__: str | None = None  # defaults to the table name
    __audit_ignore__: frozenset = frozenset()  # bookkeeping columns not worth an audit entry


class SchedulerHeartbeat(db.Model):
    """One row per scheduler process name, touched by its heartbeat job."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    hostname: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None]

    def __repr__(self):
        return f"<SchedulerHeartbeat {self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}>"


# APScheduler's job store (cpms/core/scheduler.py), declared here so that the migrations create it and
# the models-versus-migrations check knows it; the columns are those SQLAlchemyJobStore expects.
scheduler_jobs = Table(
    "scheduler_jobs", db.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
