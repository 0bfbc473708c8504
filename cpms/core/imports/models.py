"""The confirmed imports of every domain and their staged rows.

The tables keep the names they were released with (training_imports, training_import_rows: the trainee import
came first); the `kind` column says which import a row belongs to ("trainees", "equipment_items"…)."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.models import TimestampMixin, UTCDateTime, personal, values_check
from cpms.extensions import db

IMPORT_STATUSES = ("queued", "published", "failed", "cancelled")
IMPORT_STAGES = ("file", "checked")


class ImportRecord(TimestampMixin, db.Model):
    """One confirmed import file, named by the token of its preview: a second confirmation of the same preview
    finds it and imports nothing. Its rows wait in training_import_rows, invisible to every page, until one short
    transaction publishes them (cpms/core/imports/staging.py)."""

    __tablename__ = "training_imports"
    __table_args__ = (CheckConstraint(values_check("status", IMPORT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    context_id: Mapped[int | None]  # what the file is imported into (a cohort, a session), if anything
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int | None]
    message: Mapped[str] = mapped_column(String(500), default="")
    job_id: Mapped[int | None]  # the job that imports a large file (cpms/core/jobs); kept after the job expires
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner = relationship("User", lazy="select")  # whose area the checks of a staged import use

    def __repr__(self):
        return f"<ImportRecord {self.id} {self.kind} {self.status}>"


class ImportRow(db.Model):
    """A staged row: as read from the file (stage "file"), or checked and ready to publish (stage "checked")."""

    __tablename__ = "training_import_rows"
    __table_args__ = (CheckConstraint(values_check("stage", IMPORT_STAGES), name="stage"),)

    import_id: Mapped[int] = mapped_column(ForeignKey("training_imports.id", ondelete="CASCADE"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, info=personal())

    def __repr__(self):
        return f"<ImportRow {self.import_id}/{self.stage}/{self.position}>"
