"""Local security committees (CLSP), neighbourhood forums, their members, meetings and action items."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.models import Audited, TimestampMixin, UTCDateTime, personal, values_check
from cpms.extensions import db

COMMITTEE_KINDS = {"clsp": _l("Local security committee (CLSP)"), "forum": _l("Neighbourhood forum"),
                   "cldp": _l("Local peace and development committee")}
COMMITTEE_STATUSES = {"active": _l("Active"), "dormant": _l("Dormant"), "dissolved": _l("Dissolved")}
MEMBER_CATEGORIES = {"police": _l("Police"), "local_authority": _l("Local authority"),
                     "civil_society": _l("Civil society"), "womens_group": _l("Women's group"),
                     "youth_group": _l("Youth group"), "customary": _l("Customary authority"),
                     "religious": _l("Religious leader"), "other": _l("Other")}
MEMBER_ROLES = {"president": _l("President"), "secretary": _l("Secretary"), "member": _l("Member")}
MEETING_KINDS = {"ordinary": _l("Ordinary"), "extraordinary": _l("Extraordinary"), "workshop": _l("Workshop")}
MEETING_STATUSES = {"planned": _l("Planned"), "held": _l("Held"), "cancelled": _l("Cancelled")}
# The diagnostic categories, shared by the issues raised in meetings and the problems of a diagnostic.
PROBLEM_CATEGORIES = {"burglary": _l("Burglary"), "interpersonal_violence": _l("Interpersonal violence"),
                      "sexual_violence": _l("Sexual violence"), "youth_gangs": _l("Youth gangs"),
                      "incivilities": _l("Incivilities"), "theft": _l("Theft"), "drugs": _l("Drugs"),
                      "land_conflict": _l("Land conflict"), "other": _l("Other")}
ACTION_STATUSES = {"open": _l("Open"), "in_progress": _l("In progress"), "done": _l("Done"),
                   "dropped": _l("Dropped")}
OPEN_ACTION_STATUSES = ("open", "in_progress")


class Committee(Audited, TimestampMixin, db.Model):
    """A CLSP, neighbourhood forum or peace committee. `province_id` repeats the commune's province."""

    __tablename__ = "committees"
    __table_args__ = (
        UniqueConstraint("commune_id", "name", name="uq_committees_commune_name"),
        CheckConstraint(values_check("kind", COMMITTEE_KINDS), name="kind"),
        CheckConstraint(values_check("status", COMMITTEE_STATUSES), name="status"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="clsp")
    name: Mapped[str] = mapped_column(String(200))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    quartier_id: Mapped[int | None] = mapped_column(ForeignKey("quartiers.id", ondelete="RESTRICT"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="SET NULL"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="RESTRICT"), index=True)
    established_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="active")

    commune = relationship("Commune", lazy="joined")
    quartier = relationship("Quartier", lazy="joined")
    programme = relationship("Programme", lazy="joined")
    parent: Mapped["Committee | None"] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    @property
    def kind_label(self):
        return COMMITTEE_KINDS[self.kind]

    @property
    def status_label(self):
        return COMMITTEE_STATUSES[self.status]

    def __repr__(self):
        return f"<Committee {self.name}>"


class Member(Audited, TimestampMixin, db.Model):
    __tablename__ = "committee_members"
    __table_args__ = (
        CheckConstraint("sex IN ('F', 'M')", name="sex"),
        CheckConstraint(values_check("category", MEMBER_CATEGORIES), name="category"),
        CheckConstraint(values_check("role", MEMBER_ROLES), name="role"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), info=personal())
    sex: Mapped[str] = mapped_column(String(1))
    category: Mapped[str] = mapped_column(String(30))
    role: Mapped[str] = mapped_column(String(20), default="member")
    phone: Mapped[str] = mapped_column(String(40), default="", info=personal())
    email: Mapped[str] = mapped_column(String(254), default="", info=personal())
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    committee: Mapped[Committee] = relationship(lazy="raise")

    def is_active_on(self, day):
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def __repr__(self):
        return f"<Member {self.id} of committee {self.committee_id}>"


class Meeting(Audited, TimestampMixin, db.Model):
    __tablename__ = "committee_meetings"
    __table_args__ = (
        CheckConstraint(values_check("kind", MEETING_KINDS), name="kind"),
        CheckConstraint(values_check("status", MEETING_STATUSES), name="status"),
        CheckConstraint("guests_women >= 0 AND guests_men >= 0", name="guests"),
        UniqueConstraint("committee_id", "offline_key", name="uq_committee_meetings_offline_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="ordinary")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    guests_women: Mapped[int] = mapped_column(Integer, default=0)
    guests_men: Mapped[int] = mapped_column(Integer, default=0)
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    # the key of the last form that saved this meeting from a device's draft (static/js/offline-form.js): the
    # same draft sent twice is saved once
    offline_key: Mapped[str | None] = mapped_column(String(64))

    committee: Mapped[Committee] = relationship(lazy="joined")
    attendances: Mapped[list["MeetingAttendance"]] = relationship(back_populates="meeting", lazy="raise",
                                                           cascade="all, delete-orphan")
    issues: Mapped[list["SecurityIssue"]] = relationship(back_populates="meeting", lazy="raise",
                                                         cascade="all, delete-orphan", order_by="SecurityIssue.id")

    @property
    def kind_label(self):
        return MEETING_KINDS[self.kind]

    @property
    def status_label(self):
        return MEETING_STATUSES[self.status]

    def __repr__(self):
        return f"<Meeting {self.id} of committee {self.committee_id}>"


class MeetingAttendance(Audited, db.Model):
    """One row of a meeting's roll call: a member, present or not."""

    __tablename__ = "committee_attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_committee_attendances_meeting_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meetings.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_members.id", ondelete="CASCADE"), index=True)
    is_present: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="attendances", lazy="raise")
    member: Mapped[Member] = relationship(lazy="joined")

    def __repr__(self):
        return f"<MeetingAttendance {self.member_id}@{self.meeting_id} {self.is_present}>"


class SecurityIssue(Audited, db.Model):
    """A security problem raised during a meeting, with a diagnostic category."""

    __tablename__ = "committee_security_issues"
    __table_args__ = (CheckConstraint(values_check("category", PROBLEM_CATEGORIES), name="category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meetings.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="issues", lazy="raise")

    @property
    def category_label(self):
        return PROBLEM_CATEGORIES[self.category]

    def __repr__(self):
        return f"<SecurityIssue {self.category}>"


class ActionItem(Audited, TimestampMixin, db.Model):
    """Raised in a meeting, or carried in from another domain (`source_kind` and `source_id`, registered in
    cpms/committees/sources.py, e.g. the actions agreed in an outreach workshop); while open it sits on the agenda
    of every later meeting of its committee."""

    __tablename__ = "committee_action_items"
    __table_args__ = (
        CheckConstraint(values_check("status", ACTION_STATUSES), name="status"),
        CheckConstraint("status IN ('open', 'in_progress') OR (closed_on IS NOT NULL AND closing_note <> '')",
                        name="closed_with_note"),
        Index("ix_committee_action_items_status_due", "status", "due_date"),  # overdue counts (migration 0013)
        CheckConstraint("meeting_id IS NOT NULL OR (source_kind <> '' AND source_id IS NOT NULL)",
                        name="meeting_or_source"),
        Index("ix_committee_action_items_source", "source_kind", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("committee_meetings.id", ondelete="CASCADE"),
                                                   index=True)
    # an item from elsewhere (cpms/committees/sources.py): the registered kind and the id of its source
    source_kind: Mapped[str] = mapped_column(String(30), default="")
    source_id: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    responsible_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("committee_members.id", ondelete="SET NULL"))
    responsible_organisation: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    closing_note: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None]

    committee: Mapped[Committee] = relationship(lazy="joined")
    meeting: Mapped[Meeting | None] = relationship(lazy="raise")
    responsible_member: Mapped[Member | None] = relationship(lazy="joined")

    @property
    def is_open(self):
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, today):
        return self.is_open and self.due_date < today

    @property
    def status_label(self):
        return ACTION_STATUSES[self.status]

    @property
    def responsible_label(self):
        if self.responsible_member is not None:
            return self.responsible_member.name
        return self.responsible_organisation

    def __repr__(self):
        return f"<ActionItem {self.id} {self.status}>"


class CalendarFeed(db.Model):
    """A user's secret calendar address (the meetings of the committees they may see), for calendar programs that
    subscribe without a session. Only the SHA-256 of the token is kept; making a new address or stopping the feed
    revokes the old one (docs/rules/committees.md, "Calendar")."""

    __tablename__ = "committee_calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info=personal("sensitive", "account"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
