"""Outreach activities, their participants (a roster), their counts (when there is no roster) and their evidence."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.models import Audited, TimestampMixin, UTCDateTime, utcnow, values_check
from cpms.extensions import db
from cpms.geo.time import local_day

KINDS = ("radio", "theatre", "posters", "session", "media_training", "civil_society_training", "joint_workshop")
TOPICS = ("community_policing", "child_protection", "sgbv", "psea", "human_rights", "other")
CATEGORIES = ("police", "womens_group", "youth", "leader", "media", "local_authority", "public")
SEXES = ("F", "M")


class OutreachActivity(Audited, TimestampMixin, db.Model):
    """A campaign, a training of media or civil society, or a joint workshop, held in a commune from start_date
    to end_date (inclusive). `province_id` repeats the commune's province for area filters."""

    __tablename__ = "outreach_activities"
    __table_args__ = (
        CheckConstraint(values_check("kind", KINDS), name="kind"),
        CheckConstraint(values_check("topic", TOPICS), name="topic"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(30))
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    quartier: Mapped[str] = mapped_column(String(120), default="")
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(60), default="")
    partners: Mapped[str] = mapped_column(String(300), default="")
    facilitators: Mapped[str] = mapped_column(String(300), default="")
    cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    programme = relationship("Programme", lazy="joined", innerjoin=True)
    commune = relationship("Commune", lazy="joined", innerjoin=True)

    def __repr__(self):
        return f"<OutreachActivity {self.id} {self.kind} {self.start_date}>"


class OutreachParticipant(Audited, TimestampMixin, db.Model):
    """One person on an activity's roster: a police officer from the trainee registry (trainee_id, category
    "police") or a civil-society participant with name, organisation, category and sex; at a training, the scores
    of the questionnaires before and after."""

    __tablename__ = "outreach_participants"
    __table_args__ = (
        CheckConstraint(values_check("category", CATEGORIES), name="category"),
        CheckConstraint(values_check("sex", SEXES), name="sex"),
        CheckConstraint("(trainee_id IS NULL) = (category <> 'police')", name="police_from_registry"),
        CheckConstraint("pre_score IS NULL OR pre_score BETWEEN 0 AND 100", name="pre_score"),
        CheckConstraint("post_score IS NULL OR post_score BETWEEN 0 AND 100", name="post_score"),
        UniqueConstraint("activity_id", "trainee_id", name="officer_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("outreach_activities.id", ondelete="CASCADE"), index=True)
    trainee_id: Mapped[int | None] = mapped_column(ForeignKey("trainees.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(1))
    # a training's pre- and post-questionnaire, in points out of 100 (the knowledge gain, as for cohorts)
    pre_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    post_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))

    trainee = relationship("Trainee", lazy="joined")

    @property
    def display_name(self):
        if self.trainee is not None:
            return f"{self.trainee.last_name} {self.trainee.first_name} ({self.trainee.matricule})"
        return self.name


class OutreachFacilitator(Audited, TimestampMixin, db.Model):
    """A facilitator who can be reached: a CPMS user of the area (user_id) or a name with an e-mail address. They
    get the reminder before the activity (cpms/outreach/reminders.py); the free-text `facilitators` of the
    activity keep the others."""

    __tablename__ = "outreach_facilitators"
    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR email <> ''", name="reachable"),
        UniqueConstraint("activity_id", "user_id", name="user_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("outreach_activities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")

    user = relationship("User", lazy="joined")

    @property
    def display_name(self):
        return self.user.name if self.user is not None else self.name


class OutreachCount(Audited, TimestampMixin, db.Model):
    """People reached by an activity without a roster (a crowd, a radio audience), by sex and category, with the
    estimate's source."""

    __tablename__ = "outreach_counts"
    __table_args__ = (
        CheckConstraint(values_check("category", CATEGORIES), name="category"),
        CheckConstraint(values_check("sex", SEXES), name="sex"),
        CheckConstraint("people >= 0", name="people"),
        UniqueConstraint("activity_id", "category", "sex", name="one_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("outreach_activities.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(1))
    people: Mapped[int] = mapped_column(Integer)
    estimate_source: Mapped[str] = mapped_column(String(200), default="")


EVIDENCE_KINDS = ("attendance_sheet", "photo", "material")
AUDIO_TYPES = ("audio/mpeg", "audio/ogg", "audio/mp4", "audio/wav")
EVIDENCE_TYPES = ("image/jpeg", "image/png", "application/pdf", *AUDIO_TYPES)


class OutreachEvidence(Audited, db.Model):
    """A file proving an activity took place: an attendance sheet's scan, a photo or a material (JPEG, PNG, PDF or
    audio: MP3, Ogg/Opus, M4A, WAV).

    Images are re-encoded without metadata and have a thumbnail; PDFs are kept as sent after their checks. Files
    live under UPLOAD_DIR/outreach/ with random names and are served by a view that checks access."""

    __tablename__ = "outreach_evidence"
    __table_args__ = (
        CheckConstraint(values_check("kind", EVIDENCE_KINDS), name="kind"),
        CheckConstraint(values_check("content_type", EVIDENCE_TYPES), name="content_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("outreach_activities.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    thumbnail_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(30))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_image(self):
        return self.content_type.startswith("image/")

    @property
    def is_audio(self):
        return self.content_type.startswith("audio/")

    def __repr__(self):
        return f"<OutreachEvidence {self.id} {self.kind} {self.stored_name}>"


PROGRAMME_ACTION_STATUSES = ("open", "done", "dropped")


class OutreachProgrammeAction(Audited, TimestampMixin, db.Model):
    """An action agreed in a joint workshop and followed up by the workshop's programme rather than by a committee
    (the programme's follow-up: cpms/outreach/service/programme_actions.py). The programme and the place are the
    activity's; `responsible` names a person or an organisation. Closing it (done or dropped) sets `closed_on`;
    dropping it needs a note."""

    __tablename__ = "outreach_programme_actions"
    __table_args__ = (
        CheckConstraint(values_check("status", PROGRAMME_ACTION_STATUSES), name="status"),
        CheckConstraint("(status = 'open') = (closed_on IS NULL)", name="closed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("outreach_activities.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(2000))
    responsible: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    note: Mapped[str] = mapped_column(String(1000), default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    activity = relationship("OutreachActivity", lazy="joined", innerjoin=True)

    @property
    def is_open(self):
        return self.status == "open"

    def is_overdue(self, now):
        """Open and due before the day `now` (aware UTC) falls on at the workshop's place."""
        return self.is_open and self.due_date < local_day(now, self.activity.commune)
