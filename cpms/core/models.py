"""Shared model pieces: UTC timestamps, the audit mixin, personal-data markers, the heartbeat."""
from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from cpms.extensions import db

# the key of the advisory lock held while a PostgreSQL extension is created (the trainee search's pg_trgm, a
# restore): two schemas of one database built at the same time would otherwise both try to create it
EXTENSION_LOCK = 7_151_201


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


# Schema objects a domain creates outside the models (e.g. the trainee search index, cpms/training/search.py):
# comparing the schema with the models (Alembic's autogenerate, `flask db check`, the migration test) skips them.
# Tables and indexes by name, columns as "table.column".
UNMAPPED_SCHEMA_NAMES = set()


def include_name(name, type_, parent_names):
    """Alembic's include_name hook: every object but those of UNMAPPED_SCHEMA_NAMES."""
    if type_ == "column":
        return f"{parent_names.get('table_name')}.{name}" not in UNMAPPED_SCHEMA_NAMES
    return not (type_ in ("table", "index") and name in UNMAPPED_SCHEMA_NAMES)


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


STATES = ("queued", "running", "done", "failed", "cancelled")
ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")


class Job(db.Model):
    """A job: queued by a request (in its transaction), claimed by a worker under a lease, run by its handler
    (cpms/<domain>/tasks.py), finished `done` with an optional result file or `failed` with its reason."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(values_check("state", STATES), name="state"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
        Index("ix_jobs_state_run_after", "state", "run_after"),
        Index("ix_jobs_owner_created", "owner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    percent: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str | None] = mapped_column(String(200))  # a msgid, translated when shown
    message: Mapped[str | None] = mapped_column(String(500))  # a msgid returned by the handler
    error: Mapped[str | None] = mapped_column(Text)  # the failure reason, in the owner's language
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    back_url: Mapped[str | None] = mapped_column(String(500))
    result_path: Mapped[str | None] = mapped_column(String(500))
    result_filename: Mapped[str | None] = mapped_column(String(255))
    result_mimetype: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # the owner, by name: core imports no domain (the user model is the auth domain's)
    owner = relationship("User", lazy="select")

    @property
    def active(self):
        return self.state in ACTIVE

    def __repr__(self):
        return f"<Job {self.id} {self.kind} {self.state} {self.percent}%>"


import cpms.core.imports.models  # noqa: E402,F401  (the imports' tables: core's metadata holds them)
