"""Trainees, vetting, courses, cohorts, sessions, attendance and scores."""
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.labels import SEXES
from cpms.core.models import Audited, TimestampMixin, UTCDateTime, personal, utcnow, values_check
from cpms.extensions import db
from cpms.training import search

SPECIALTIES = ("community", "mining", "border", "riverine", "child_protection", "sgbv", "other")
COURSE_TYPES = ("basic", "commanders", "mining", "border", "tot", "refresher")
# the stored status is a cache of the phase for SQL filters ("completed" = ended or closed); the rules use
# Cohort.phase(today), derived from the dates, `closed_on` and a cancellation (docs/rules/training.md)
COHORT_STATUSES = ("planned", "running", "completed", "cancelled")
COHORT_PHASES = ("planned", "running", "ended", "closed", "cancelled")
VETTING_STATUSES = ("pending", "approved", "denied", "expired")
ATTENDANCE_STATUSES = ("present", "late", "excused", "absent")


class Rank(db.Model):
    """PNC ranks, a managed list (seeded by the migration)."""

    __tablename__ = "ranks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_fr: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self):
        return f"<Rank {self.code}>"


def full_name(last_name, post_name, first_name):
    """An officer's name as shown everywhere: LAST NAME, post-name, first name (the parts given)."""
    return " ".join(part for part in (last_name.upper(), post_name, first_name) if part)


class Trainee(Audited, TimestampMixin, db.Model):
    """A police officer who takes part in training."""

    __tablename__ = "trainees"
    __table_args__ = (
        CheckConstraint(values_check("sex", SEXES), name="sex"),
        CheckConstraint(values_check("specialty", SPECIALTIES), name="specialty"),
        Index("ix_trainees_names", "last_name", "first_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    matricule: Mapped[str] = mapped_column(String(30), unique=True, info=personal())
    last_name: Mapped[str] = mapped_column(String(80), info=personal())
    post_name: Mapped[str] = mapped_column(String(80), default="", info=personal())
    first_name: Mapped[str] = mapped_column(String(80), default="", info=personal())
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date, info=personal())
    rank_id: Mapped[int | None] = mapped_column(ForeignKey("ranks.id", ondelete="RESTRICT"), index=True)
    specialty: Mapped[str] = mapped_column(String(20), default="community")
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    # repeats the commune's province, for area-scoped queries without a join
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    unit: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str | None] = mapped_column(String(30), info=personal())
    consent_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    rank: Mapped[Rank | None] = relationship(lazy="joined")
    commune = relationship("Commune", lazy="joined")

    @property
    def full_name(self):
        return full_name(self.last_name, self.post_name, self.first_name)

    def __repr__(self):
        return f"<Trainee {self.id}>"


search.attach(Trainee.__table__)  # the search index (FTS5 on SQLite, a trigram index on PostgreSQL)


class Vetting(Audited, TimestampMixin, db.Model):
    """Human-rights (Leahy) vetting of a trainee; the latest record counts."""

    __tablename__ = "vettings"
    __table_args__ = (CheckConstraint(values_check("status", VETTING_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    submitted_on: Mapped[date]
    batch_reference: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="", info=personal("sensitive"))

    def __repr__(self):
        return f"<Vetting {self.trainee_id} {self.status}>"


class Course(Audited, TimestampMixin, db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(values_check("course_type", COURSE_TYPES), name="course_type"),
        CheckConstraint("attendance_threshold BETWEEN 0 AND 100", name="threshold"),
        CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    title_fr: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    course_type: Mapped[str] = mapped_column(String(20))
    duration_days: Mapped[int] = mapped_column(Integer, default=0)
    hours: Mapped[int] = mapped_column(Integer, default=0)
    topics: Mapped[str] = mapped_column(Text, default="")
    attendance_threshold: Mapped[int] = mapped_column(Integer, default=80)
    pass_mark: Mapped[int] = mapped_column(Integer, default=50)
    issues_certificate: Mapped[bool] = mapped_column(Boolean, default=True)

    def title(self, locale):
        return self.title_fr if str(locale).startswith("fr") else self.title_en

    def __repr__(self):
        return f"<Course {self.code}>"


cohort_trainers = Table(
    "cohort_trainers", db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Cohort(Audited, TimestampMixin, db.Model):
    """One run of a course at a place and time."""

    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint(values_check("status", COHORT_STATUSES), name="status"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("capacity > 0", name="capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="RESTRICT"), index=True)
    training_centre: Mapped[str] = mapped_column(String(200), default="")
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    capacity: Mapped[int] = mapped_column(Integer, default=50)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    # language of the cohort's certificates ('fr' or 'en'); the column comes with the certificates migration
    certificate_language: Mapped[str] = mapped_column(String(2), default="fr", server_default="fr")
    # the explicit close (after the end date): the records of the cohort are final from then on (who closed it:
    # the audit log)
    closed_on: Mapped[date | None] = mapped_column(Date)

    course: Mapped[Course] = relationship(lazy="joined")
    programme = relationship("Programme", lazy="joined")
    commune = relationship("Commune", lazy="joined")
    trainers = relationship("User", secondary=cohort_trainers, lazy="selectin", order_by="User.name")

    def phase(self, today=None):
        """planned (before the start date), running (start to end date), ended (after the end date),
        closed (explicitly, after the end), or cancelled."""
        if self.status == "cancelled":
            return "cancelled"
        if self.closed_on is not None:
            return "closed"
        today = today or date.today()
        if today < self.start_date:
            return "planned"
        return "running" if today <= self.end_date else "ended"

    def has_ended(self, today=None):
        return self.phase(today) in ("ended", "closed")

    def __repr__(self):
        return f"<Cohort {self.id} {self.name}>"


class Enrolment(Audited, TimestampMixin, db.Model):
    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "trainee_id", name="uq_enrolments_cohort_trainee"),
        CheckConstraint("withdrawn_on IS NULL OR withdrawn_on >= enrolled_on", name="withdrawal"),
        CheckConstraint("pre_score IS NULL OR pre_score BETWEEN 0 AND 100", name="pre_score"),
        CheckConstraint("post_score IS NULL OR post_score BETWEEN 0 AND 100", name="post_score"),
        CheckConstraint("final_score IS NULL OR final_score BETWEEN 0 AND 100", name="final_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="RESTRICT"), index=True)
    enrolled_on: Mapped[date]
    withdrawn_on: Mapped[date | None]
    withdrawal_reason: Mapped[str] = mapped_column(String(300), default="")
    pre_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    post_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    final_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))

    trainee: Mapped[Trainee] = relationship(lazy="joined")
    cohort: Mapped[Cohort] = relationship(lazy="raise")

    def __repr__(self):
        return f"<Enrolment {self.cohort_id}/{self.trainee_id}>"


class TrainingSession(Audited, TimestampMixin, db.Model):
    __tablename__ = "training_sessions"
    __table_args__ = (
        UniqueConstraint("cohort_id", "session_date", "start_time", name="uq_training_sessions_slot"),
        CheckConstraint("end_time > start_time", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    session_date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    topic: Mapped[str] = mapped_column(String(200), default="")
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    cohort: Mapped[Cohort] = relationship(lazy="joined")

    def __repr__(self):
        return f"<TrainingSession {self.cohort_id} {self.session_date}>"


class Attendance(db.Model):
    """One mark per session and enrolment. Not audited row by row (a register is 400+ marks);
    the save is audited once, by the service."""

    __tablename__ = "attendances"
    __table_args__ = (CheckConstraint(values_check("status", ATTENDANCE_STATUSES), name="status"),
                      Index("ix_attendances_enrolment", "enrolment_id"))

    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(8))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self):
        return f"<Attendance {self.session_id}/{self.enrolment_id} {self.status}>"
