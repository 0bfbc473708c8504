"""Complaints and feedback from the population: the cases, their referrals and the sensitive-case focal points."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.complaints.crypto import EncryptedText
from cpms.core.models import Audited, TimestampMixin, UTCDateTime, personal, values_check
from cpms.extensions import db

CATEGORIES = {
    "feedback": _l("Feedback or suggestion"),
    "information": _l("Request for information"),
    "programme": _l("Complaint about the programme"),
    "police_conduct": _l("Complaint about police conduct"),
    "sea": _l("Sexual exploitation or abuse"),
    "child_safeguarding": _l("Child safeguarding"),
    "sgbv": _l("Sexual or gender-based violence"),
    "fraud": _l("Fraud or corruption"),
}
SENSITIVE_CATEGORIES = frozenset({"sea", "child_safeguarding", "sgbv", "fraud"})
CHANNELS = {"web": _l("Public web form"), "in_person": _l("In person"), "telephone": _l("Telephone"),
            "suggestion_box": _l("Suggestion box"), "meeting": _l("CLSP meeting or forum")}
STATUSES = {"received": _l("Received"), "acknowledged": _l("Acknowledged"), "under_review": _l("Under review"),
            "referred": _l("Referred"), "answered": _l("Answered"), "closed": _l("Closed")}
OPEN_STATUSES = ("received", "acknowledged", "under_review", "referred")
CONCERNS = {"": _l("Not said"), "station": _l("A police station"), "activity": _l("A programme activity"),
            "committee": _l("A committee"), "other": _l("Something else")}
CONTACT_CHANNELS = {"": _l("No contact"), "phone": _l("Telephone"), "sms": _l("Text message"),
                    "email": _l("E-mail"), "in_person": _l("In person")}
SEXES = {"": _l("Not said"), "F": _l("Female"), "M": _l("Male")}
AGE_GROUPS = {"": _l("Not said"), "under_18": _l("Under 18"), "18_35": _l("18 to 35"), "36_59": _l("36 to 59"),
              "60_plus": _l("60 and over")}
SATISFACTION = {"": _l("Not asked"), "satisfied": _l("Satisfied"), "partly": _l("Partly satisfied"),
                "not_satisfied": _l("Not satisfied"), "unreachable": _l("Could not be reached")}


class Complaint(Audited, TimestampMixin, db.Model):
    """One complaint or piece of feedback. `receipt_code` lets the person follow it without identifying
    themselves; `contact` is stored encrypted (cpms/complaints/crypto.py)."""

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(values_check("category", CATEGORIES), name="category"),
        CheckConstraint(values_check("channel", CHANNELS), name="channel"),
        CheckConstraint(values_check("status", STATUSES), name="status"),
    )
    __audit_ignore__ = frozenset({"updated_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_code: Mapped[str] = mapped_column(String(16), unique=True)
    category: Mapped[str] = mapped_column(String(30))
    is_sensitive: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    channel: Mapped[str] = mapped_column(String(20), default="web")
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    quartier: Mapped[str] = mapped_column(String(120), default="")
    event_date: Mapped[date | None]
    concerns: Mapped[str] = mapped_column(String(20), default="")
    concerns_detail: Mapped[str] = mapped_column(String(200), default="")
    # what it concerns, picked by staff among the stations and committees of their area (the public names it)
    concerns_station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id", ondelete="SET NULL"))
    concerns_committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="SET NULL"))
    account: Mapped[str] = mapped_column(Text, info=personal("sensitive"))
    contact: Mapped[str] = mapped_column(EncryptedText(), default="", info=personal("sensitive"))
    preferred_channel: Mapped[str] = mapped_column(String(20), default="")
    sex: Mapped[str] = mapped_column(String(1), default="")
    age_group: Mapped[str] = mapped_column(String(20), default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("committee_meetings.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledge_by: Mapped[date]
    answer_by: Mapped[date]
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer: Mapped[str] = mapped_column(Text, default="", info=personal("sensitive"))
    satisfaction: Mapped[str] = mapped_column(String(20), default="")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    commune = relationship("Commune", lazy="joined")
    assigned_to = relationship("User", lazy="joined")

    @property
    def concerns_label(self):
        return CONCERNS.get(self.concerns, "")

    @property
    def category_label(self):
        return CATEGORIES[self.category]

    @property
    def status_label(self):
        return STATUSES[self.status]

    @property
    def channel_label(self):
        return CHANNELS[self.channel]

    def __repr__(self):
        return f"<Complaint {self.id}>"


class Referral(Audited, TimestampMixin, db.Model):
    """A complaint passed to another service (police inspectorate, a protection partner…), with consent."""

    __tablename__ = "complaint_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    referred_to: Mapped[str] = mapped_column(String(200))
    referred_on: Mapped[date]
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="", info=personal("sensitive"))

    complaint: Mapped[Complaint] = relationship(lazy="raise")


class FocalPoint(Audited, TimestampMixin, db.Model):
    """A user designated by name to handle sensitive cases (SEA, child safeguarding, SGBV, fraud). Not implied
    by any role: an admin who is not a focal point does not see them."""

    __tablename__ = "complaint_focal_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)

    user = relationship("User", lazy="joined")
