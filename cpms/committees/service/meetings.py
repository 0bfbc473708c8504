"""Committee meetings: roll call and quorum (COMMITTEE_QUORUM_SHARE), security issues raised, the calendar."""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from cpms.committees.models import (
    MEETING_KINDS,
    MEETING_STATUSES,
    PROBLEM_CATEGORIES,
    Committee,
    Meeting,
    MeetingAttendance,
    Member,
    SecurityIssue,
)
from cpms.committees.service.members import active_members, member_active_on
from cpms.core.bounds import PEOPLE_AT_MEETING, check_count, check_date
from cpms.core.errors import DomainError
from cpms.core.models import utcnow
from cpms.extensions import db
from cpms.geo.time import local_day


def committee_meetings(committee):
    return db.session.scalars(select(Meeting).where(Meeting.committee_id == committee.id)
                              .order_by(Meeting.starts_at.desc())).all()


def _check_status(meeting, status, starts_at, now):
    """The meeting's life cycle (docs/rules/committees.md): planned → held once its time has passed, planned →
    cancelled, cancelled → planned again; a held meeting stays held."""
    if status not in MEETING_STATUSES:
        raise DomainError(_("Choose the meeting's status."), field="status")
    if status == "held" and starts_at > now:
        raise DomainError(_("A meeting in the future cannot be marked as held: mark it planned, or correct "
                            "the date."), field="status")
    if meeting is not None and meeting.status == "held" and status != "held":
        raise DomainError(_("This meeting was recorded as held: it cannot become planned or cancelled again. "
                            "Correct its roll call or minutes instead."), field="status")


def _check_record(committee, status, *, starts_at, guests_women, guests_men, minutes, decisions):
    """Plausible date and counts; what only a held meeting has (guests, minutes, decisions)."""
    check_date(starts_at, _("The meeting's date"))
    if starts_at is not None and local_day(starts_at, committee) < committee.established_on:
        raise DomainError(_("The meeting cannot be before the committee was established (%(date)s).",
                            date=format_date(committee.established_on)), field="starts_at")
    check_count(guests_women, _("Guests: women"), PEOPLE_AT_MEETING)
    check_count(guests_men, _("Guests: men"), PEOPLE_AT_MEETING)
    if status != "held" and ((guests_women or 0) or (guests_men or 0) or (minutes or "").strip()
                             or (decisions or "").strip()):
        raise DomainError(_("Guests, minutes and decisions are recorded only for a meeting that was held: mark "
                            "it held once it has taken place."), field="status")


def _save_roll_call(meeting, members, present, status):
    """One attendance row per member active on the meeting's day (only for a held meeting)."""
    existing = {a.member_id: a for a in db.session.scalars(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id))}
    active_ids = {m.id for m in members}
    for member_id, attendance in existing.items():
        if member_id not in active_ids or status != "held":
            db.session.delete(attendance)
    if status == "held":
        for member in members:
            row = existing.get(member.id) or MeetingAttendance(meeting_id=meeting.id, member_id=member.id)
            row.is_present = member.id in present
            db.session.add(row)


def save_meeting(committee, meeting=None, *, starts_at, place, kind, status, guests_women, guests_men,
                 agenda, minutes, decisions, present_member_ids, offline_key=None, now=None):
    """Create or update a meeting with its roll call (one attendance row per member active that day).

    `starts_at` is an aware datetime (forms convert the committee's local time with cpms.geo.time.to_utc).
    Errors (docs/rules/committees.md): a meeting in the future marked held, a held meeting made planned or
    cancelled, guests, minutes or a roll call for a meeting not held, implausible date or counts, a date before
    the committee was established, unknown type or status, a present member who was not a member that day.
    `offline_key` is the key of the device draft sent (cpms/core/drafts.py), kept to recognise it if sent again.
    """
    now = now or utcnow()
    if starts_at is None:
        raise DomainError(_("Enter the date and time as YYYY-MM-DD HH:MM."), field="starts_at")
    if kind not in MEETING_KINDS:
        raise DomainError(_("Choose the type of meeting."), field="kind")
    _check_status(meeting, status, starts_at, now)
    _check_record(committee, status, starts_at=starts_at, guests_women=guests_women, guests_men=guests_men,
                  minutes=minutes, decisions=decisions)
    members = active_members(committee, local_day(starts_at, committee))
    present = set(present_member_ids or [])
    if present - {m.id for m in members}:
        raise DomainError(_("Only members of the committee on the meeting's date can be marked present."),
                          field="present")
    if status != "held" and present:
        raise DomainError(_("Record the roll call only for a meeting that was held."), field="present")
    if meeting is None:
        meeting = Meeting(committee_id=committee.id)
        db.session.add(meeting)
    meeting.starts_at, meeting.place, meeting.kind, meeting.status = starts_at, (place or "").strip(), kind, status
    meeting.guests_women, meeting.guests_men = guests_women or 0, guests_men or 0
    meeting.agenda, meeting.minutes, meeting.decisions = agenda or "", minutes or "", decisions or ""
    if offline_key:
        meeting.offline_key = offline_key
    db.session.flush()
    _save_roll_call(meeting, members, present, status)
    db.session.flush()
    return meeting


def meeting_sent_with(committee, offline_key):
    """The committee's meeting last saved from the device draft `offline_key`, or None."""
    if not offline_key:
        return None
    return db.session.scalar(select(Meeting).where(Meeting.committee_id == committee.id,
                                                   Meeting.offline_key == offline_key))


def meetings_to_keep(scope, now=None, limit=30):
    """Ids of the meetings of the coming week (from yesterday) of the committees in `scope`, first 30: their forms
    are kept on the user's device for use offline."""
    now = now or utcnow()
    return db.session.scalars(select(Meeting.id).join(Committee, Committee.id == Meeting.committee_id)
                              .where(scope.filter(Committee.province_id, Committee.commune_id),
                                     Meeting.status != "cancelled", Meeting.starts_at >= now - timedelta(days=1),
                                     Meeting.starts_at < now + timedelta(days=7))
                              .order_by(Meeting.starts_at).limit(limit)).all()


def roll_call(meeting):
    return db.session.scalars(select(MeetingAttendance).join(Member, Member.id == MeetingAttendance.member_id)
                              .where(MeetingAttendance.meeting_id == meeting.id).order_by(Member.name)).all()


@dataclass
class Presence:
    """Who was at a held meeting, by sex: members present (from the roll call) and guests."""
    members_women: int
    members_men: int
    guests_women: int
    guests_men: int

    @property
    def women(self):
        return self.members_women + self.guests_women

    @property
    def men(self):
        return self.members_men + self.guests_men

    @property
    def total(self):
        return self.women + self.men


def presence_by_sex(meeting, roll):
    """Members present by sex (from `roll`, the roll_call rows already read) and guests."""
    present = [row.member for row in roll if row.is_present]
    return Presence(sum(1 for m in present if m.sex == "F"), sum(1 for m in present if m.sex != "F"),
                    meeting.guests_women or 0, meeting.guests_men or 0)


def signatories(roll):
    """(chair, secretary): the members of the roll call holding those roles, or None."""
    def holding(role):
        return next((row.member for row in roll if row.member.role == role), None)
    return holding("president"), holding("secretary")


@dataclass
class Quorum:
    members: int
    present: int
    share: float

    @property
    def needed(self):
        from math import ceil
        return ceil(self.members * self.share - 1e-9)

    @property
    def is_met(self):
        return self.members > 0 and self.present >= self.needed


def quorum(meeting):
    """Members present against the quorum: COMMITTEE_QUORUM_SHARE (default one half) of the members
    active on the meeting's date; guests do not count."""
    stmt = (select(func.count(), func.coalesce(func.sum(case((MeetingAttendance.is_present, 1), else_=0)), 0))
            .where(MeetingAttendance.meeting_id == meeting.id))
    recorded, present = db.session.execute(stmt).one()
    members = recorded if recorded else db.session.scalar(
        select(func.count()).select_from(Member).where(Member.committee_id == meeting.committee_id,
                                                       member_active_on(local_day(meeting.starts_at, meeting.committee))))
    return Quorum(members, int(present), current_app.config["COMMITTEE_QUORUM_SHARE"])


def quorum_history(committee, limit=16):
    """(local day, members present, quorum) of the committee's latest `limit` held meetings with a roll call, oldest
    first, in one grouped query: the meetings and quorum chart of the committee's page."""
    share = current_app.config["COMMITTEE_QUORUM_SHARE"]
    rows = db.session.execute(
        select(Meeting.starts_at, func.count(MeetingAttendance.id),
               func.coalesce(func.sum(case((MeetingAttendance.is_present, 1), else_=0)), 0))
        .join(MeetingAttendance, MeetingAttendance.meeting_id == Meeting.id)
        .where(Meeting.committee_id == committee.id, Meeting.status == "held")
        .group_by(Meeting.id, Meeting.starts_at).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)).all()
    return [(local_day(starts_at, committee), int(present), Quorum(members, int(present), share).needed)
            for starts_at, members, present in reversed(rows)]


def quorum_chart(committee, fmt):
    """The chart of the members present at each held meeting against the quorum (cpms/core/charts.py)."""
    from cpms.core.charts import trend_chart

    history = quorum_history(committee)
    return trend_chart([format_date(day, "d MMM yy") for day, _p, _q in history], [p for _d, p, _q in history],
                       [q for _d, _p, q in history], fmt=fmt, max_labels=4)


def add_security_issue(meeting, *, category, description):
    """Record a security issue raised in a meeting. Errors: unknown category, empty description."""
    if category not in PROBLEM_CATEGORIES:
        raise DomainError(_("Choose the category of the security issue."), field="issue_category")
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe the security issue."), field="issue_description")
    issue = SecurityIssue(meeting_id=meeting.id, category=category, description=description)
    db.session.add(issue)
    db.session.flush()
    return issue


def meeting_issues(meeting):
    return db.session.scalars(select(SecurityIssue).where(SecurityIssue.meeting_id == meeting.id)
                              .order_by(SecurityIssue.id)).all()


def upcoming_meetings(committee, now=None):
    """The committee's meetings from yesterday on, cancelled ones included (its calendar marks them cancelled)."""
    now = now or utcnow()
    return db.session.scalars(select(Meeting).where(Meeting.committee_id == committee.id,
                                                    Meeting.starts_at >= now - timedelta(days=1))
                              .order_by(Meeting.starts_at)).all()


def visible_meetings(scope, committee_id=None):
    stmt = (select(Meeting).join(Committee, Committee.id == Meeting.committee_id)
            .where(scope.filter(Committee.province_id, Committee.commune_id))
            .order_by(Meeting.starts_at.desc()))
    if committee_id:
        stmt = stmt.where(Meeting.committee_id == committee_id)
    return stmt
