"""Postings of trained officers to stations or communes, and coaching visits with their follow-up actions."""
from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.models import Audited, TimestampMixin, personal, values_check
from cpms.extensions import db

# why a posting ended before the officer's minimum period in the programme's area
END_REASONS = ("transfer_out", "resignation", "dismissal", "death", "other")
COACH_TYPES = ("senior_officer", "civil_society")


class Posting(Audited, TimestampMixin, db.Model):
    """An officer's assignment to a station or a commune, from `start_date` to `end_date` (the last day served,
    inclusive; open while None).

    `commune_id` is the station's commune when a station is given, and `province_id` repeats the commune's
    province (as on Station) so that area scopes and the retention queries filter without joins.
    """

    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
        CheckConstraint("end_reason IS NULL OR " + values_check("end_reason", END_REASONS), name="end_reason"),
        CheckConstraint("end_reason IS NULL OR end_date IS NOT NULL", name="reason_needs_end"),
        Index("ix_postings_trainee_start", "trainee_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="RESTRICT"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    function: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    end_note: Mapped[str] = mapped_column(String(300), default="")

    trainee = relationship("Trainee", lazy="joined", innerjoin=True)
    station = relationship("Station", lazy="joined")
    commune = relationship("Commune", lazy="joined", innerjoin=True)

    @property
    def place(self):
        return self.station.name if self.station is not None else self.commune.name

    @property
    def is_open(self):
        return self.end_date is None

    def __repr__(self):
        return f"<Posting {self.id} trainee={self.trainee_id} {self.start_date}–{self.end_date or ''}>"


coaching_visit_officers = Table(
    "coaching_visit_officers", db.metadata,
    Column("visit_id", ForeignKey("coaching_visits.id", ondelete="CASCADE"), primary_key=True),
    Column("trainee_id", ForeignKey("trainees.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class CoachingVisit(Audited, TimestampMixin, db.Model):
    """A follow-up visit of recently trained officers by a senior officer or a civil-society representative."""

    __tablename__ = "coaching_visits"
    __table_args__ = (CheckConstraint(values_check("coach_type", COACH_TYPES), name="coach_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_date: Mapped[date] = mapped_column(Date, index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"), index=True)
    coach_name: Mapped[str] = mapped_column(String(200), info=personal())
    coach_type: Mapped[str] = mapped_column(String(20))
    coach_organisation: Mapped[str] = mapped_column(String(200), default="")
    observations: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    commune = relationship("Commune", lazy="joined", innerjoin=True)
    station = relationship("Station", lazy="joined")
    officers = relationship("Trainee", secondary=coaching_visit_officers, lazy="raise",
                            order_by="Trainee.last_name")
    actions: Mapped[list["FollowUpAction"]] = relationship(back_populates="visit", lazy="raise",
                                                           order_by="FollowUpAction.position",
                                                           cascade="all, delete-orphan")

    @property
    def place(self):
        return self.station.name if self.station is not None else self.commune.name

    def __repr__(self):
        return f"<CoachingVisit {self.id} {self.visit_date}>"


class FollowUpAction(Audited, TimestampMixin, db.Model):
    """Something agreed during a coaching visit, due by a date."""

    __tablename__ = "coaching_actions"
    __table_args__ = (CheckConstraint("done_on IS NULL OR is_done", name="done_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("coaching_visits.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(500))
    responsible: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date] = mapped_column(Date)
    is_done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_on: Mapped[date | None] = mapped_column(Date)

    visit: Mapped[CoachingVisit] = relationship(back_populates="actions", lazy="raise")

    def is_overdue(self, today):
        return not self.is_done and self.due_date < today

    def __repr__(self):
        return f"<FollowUpAction {self.visit_id}/{self.position} done={self.is_done}>"
