"""Committees: creation, members, meetings with roll call and quorum, action items, representation."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import raiseload

from cpms.committees.models import (ACTION_STATUSES, COMMITTEE_KINDS, COMMITTEE_STATUSES, MEETING_KINDS,
                                    MEETING_STATUSES, MEMBER_CATEGORIES, MEMBER_ROLES, OPEN_ACTION_STATUSES,
                                    PROBLEM_CATEGORIES, ActionItem, MeetingAttendance, Committee, Meeting, Member,
                                    SecurityIssue)
from cpms.core.dashboard import Card, dashboard_provider
from cpms.core.errors import DomainError
from cpms.core.labels import SEXES
from cpms.core.models import utcnow
from cpms.core.permissions import STAFF_ROLES
from cpms.extensions import db
from cpms.geo.models import Commune, Quartier
from cpms.programmes.models import Programme

# Representation targets and quorum, overridable in instance/config.py (COMMITTEE_MIN_WOMEN_SHARE,
# COMMITTEE_MIN_YOUTH_SHARE, COMMITTEE_REQUIRED_CATEGORIES, COMMITTEE_QUORUM_SHARE).
DEFAULT_REQUIRED_CATEGORIES = ("police", "local_authority", "civil_society", "womens_group", "youth_group")

# --- visibility ------------------------------------------------------------------------------


def can_see(committee, scope):
    return scope.allows(committee.province_id, committee.commune_id)


def can_see_meeting(meeting, scope):
    return can_see(meeting.committee, scope)


def can_see_item(item, scope):
    return can_see(item.committee, scope)


def visible_committees(scope, kind=None, commune_id=None):
    stmt = (select(Committee).where(scope.filter(Committee.province_id, Committee.commune_id))
            .order_by(Committee.kind, Committee.name))
    if kind:
        stmt = stmt.where(Committee.kind == kind)
    if commune_id:
        stmt = stmt.where(Committee.commune_id == commune_id)
    return stmt


def committee_choices(scope, kinds=None):
    stmt = visible_committees(scope)
    if kinds:
        stmt = stmt.where(Committee.kind.in_(kinds))
    return [(c.id, c.name) for c in db.session.scalars(stmt)]


def commune_choices(scope):
    stmt = select(Commune).where(scope.filter(Commune.province_id, Commune.id)).order_by(Commune.name)
    return [(c.id, c.label) for c in db.session.scalars(stmt)]


def quartier_choices(scope):
    stmt = (select(Quartier, Commune.name).join(Commune, Commune.id == Quartier.commune_id)
            .where(scope.filter(Commune.province_id, Commune.id)).order_by(Commune.name, Quartier.name))
    return [(q.id, f"{commune} – {q.name}") for q, commune in db.session.execute(stmt)]


def programme_choices(scope):
    from cpms.programmes.service import visible_programmes
    return [(p.id, f"{p.code} – {p.name}") for p in db.session.scalars(visible_programmes(scope))]


def count_by_kind(scope):
    stmt = (select(Committee.kind, func.count()).where(scope.filter(Committee.province_id, Committee.commune_id))
            .group_by(Committee.kind))
    return dict(db.session.execute(stmt).all())


# --- committees ------------------------------------------------------------------------------


def _apply_committee(actor, scope, committee, *, kind, name, commune_id, quartier_id, parent_id, programme_id,
                     established_on, status):
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Enter the committee's name."), field="name")
    if kind not in COMMITTEE_KINDS:
        raise DomainError(_("Choose the type of committee."), field="kind")
    if status not in COMMITTEE_STATUSES:
        raise DomainError(_("Choose the committee's status."), field="status")
    commune = db.session.get(Commune, commune_id) if commune_id else None
    if commune is None or not scope.allows(commune.province_id, commune.id):
        raise DomainError(_("Choose a commune in your area."), field="commune_id")
    if quartier_id:
        quartier = db.session.get(Quartier, quartier_id)
        if quartier is None or quartier.commune_id != commune.id:
            raise DomainError(_("The quartier must be in the committee's commune."), field="quartier_id")
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme is None or commune.province_id not in programme.province_ids:
        raise DomainError(_("Choose a programme that covers the committee's province."), field="programme_id")
    if established_on > date.today():
        raise DomainError(_("The date established cannot be in the future."), field="established_on")
    if parent_id:
        parent = db.session.get(Committee, parent_id)
        if parent is None or parent.kind != "clsp" or (committee.id is not None and parent.id == committee.id):
            raise DomainError(_("A forum or committee can only feed a CLSP."), field="parent_id")
        if parent.province_id != commune.province_id:
            raise DomainError(_("The parent CLSP must be in the same province."), field="parent_id")
        if kind == "clsp":
            raise DomainError(_("A CLSP has no parent committee."), field="parent_id")
    clash = db.session.scalar(select(Committee.id).where(Committee.commune_id == commune.id,
                                                         func.lower(Committee.name) == name.lower()))
    if clash is not None and clash != committee.id:
        raise DomainError(_("This commune already has a committee named %(name)s.", name=name), field="name")
    committee.kind, committee.name, committee.status = kind, name, status
    committee.commune_id, committee.province_id = commune.id, commune.province_id
    committee.quartier_id, committee.parent_id = quartier_id or None, parent_id or None
    committee.programme_id, committee.established_on = programme.id, established_on


def create_committee(actor, scope, **fields):
    """Create a committee. Errors: no name, commune outside the area, programme not covering it, a
    parent that is not a CLSP of the same province, a CLSP with a parent, a date in the future."""
    committee = Committee()
    _apply_committee(actor, scope, committee, **fields)
    db.session.add(committee)
    db.session.flush()
    return committee


def update_committee(actor, scope, committee, **fields):
    _apply_committee(actor, scope, committee, **fields)
    db.session.flush()
    return committee


def child_committees(committee):
    return db.session.scalars(select(Committee).where(Committee.parent_id == committee.id)
                              .order_by(Committee.name)).all()


# --- members ---------------------------------------------------------------------------------


def _apply_member(member, *, name, sex, category, role, phone, email, start_date, end_date):
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Enter the member's name."), field="name")
    if sex not in SEXES:
        raise DomainError(_("Choose the member's sex."), field="sex")
    if category not in MEMBER_CATEGORIES:
        raise DomainError(_("Choose the category the member represents."), field="category")
    if role not in MEMBER_ROLES:
        raise DomainError(_("Choose the member's role."), field="role")
    if end_date is not None and end_date < start_date:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    member.name, member.sex, member.category, member.role = name, sex, category, role
    member.phone, member.email = (phone or "").strip(), (email or "").strip()
    member.start_date, member.end_date = start_date, end_date


def add_member(actor, committee, **fields):
    """Add a member to a committee. Errors: missing name, unknown sex/category/role, end before start."""
    member = Member(committee_id=committee.id)
    _apply_member(member, **fields)
    db.session.add(member)
    db.session.flush()
    return member


def update_member(actor, member, **fields):
    _apply_member(member, **fields)
    db.session.flush()
    return member


def committee_members(committee):
    return db.session.scalars(select(Member).where(Member.committee_id == committee.id)
                              .order_by(Member.end_date.is_not(None), Member.name)).all()


def _active_on(day):
    return and_(Member.start_date <= day, or_(Member.end_date.is_(None), Member.end_date >= day))


def active_members(committee, day):
    return db.session.scalars(select(Member).where(Member.committee_id == committee.id, _active_on(day))
                              .order_by(Member.name)).all()


# --- representation --------------------------------------------------------------------------

@dataclass
class Representation:
    members: int
    women: int
    youth: int
    categories: list
    women_target: float
    youth_target: float
    required_categories: list

    @property
    def women_share(self):
        return self.women / self.members if self.members else 0.0

    @property
    def youth_share(self):
        return self.youth / self.members if self.members else 0.0

    @property
    def women_met(self):
        return self.members > 0 and self.women_share >= self.women_target

    @property
    def youth_met(self):
        return self.members > 0 and self.youth_share >= self.youth_target

    @property
    def missing_categories(self):
        return [c for c in self.required_categories if c not in self.categories]

    @property
    def is_met(self):
        return self.women_met and self.youth_met and not self.missing_categories


def representation(committee_ids, day=None):
    """{committee id: Representation} of the members active on `day`, in one GROUP BY query.

    Targets come from the app config: COMMITTEE_MIN_WOMEN_SHARE (0.30), COMMITTEE_MIN_YOUTH_SHARE (0.20),
    COMMITTEE_REQUIRED_CATEGORIES. Youth are the members representing a youth group.
    """
    day = day or date.today()
    config = current_app.config
    women_target = config["COMMITTEE_MIN_WOMEN_SHARE"]
    youth_target = config["COMMITTEE_MIN_YOUTH_SHARE"]
    required = list(config.get("COMMITTEE_REQUIRED_CATEGORIES", DEFAULT_REQUIRED_CATEGORIES))
    result = {cid: Representation(0, 0, 0, [], women_target, youth_target, required) for cid in committee_ids}
    if not committee_ids:
        return result
    stmt = (select(Member.committee_id, Member.category, Member.sex, func.count())
            .where(Member.committee_id.in_(list(committee_ids)), _active_on(day))
            .group_by(Member.committee_id, Member.category, Member.sex))
    for committee_id, category, sex, count in db.session.execute(stmt):
        rep = result[committee_id]
        rep.members += count
        rep.women += count if sex == "F" else 0
        rep.youth += count if category == "youth_group" else 0
        if category not in rep.categories:
            rep.categories.append(category)
    order = list(MEMBER_CATEGORIES)
    for rep in result.values():
        rep.categories.sort(key=order.index)
    return result


# --- meetings --------------------------------------------------------------------------------

def committee_meetings(committee):
    return db.session.scalars(select(Meeting).where(Meeting.committee_id == committee.id)
                              .order_by(Meeting.starts_at.desc())).all()


def save_meeting(actor, committee, meeting=None, *, starts_at, place, kind, status, guests_women, guests_men,
                 agenda, minutes, decisions, present_member_ids, now=None):
    """Create or update a meeting with its roll call (one attendance row per member active that day).

    Errors: a meeting in the future marked held, unknown type or status, negative guests, a present
    member who is not an active member of the committee on the meeting's date.
    """
    now = now or utcnow()
    if kind not in MEETING_KINDS:
        raise DomainError(_("Choose the type of meeting."), field="kind")
    if status not in MEETING_STATUSES:
        raise DomainError(_("Choose the meeting's status."), field="status")
    if status == "held" and starts_at > now:
        raise DomainError(_("A meeting in the future cannot be marked as held: mark it planned, or correct "
                            "the date."), field="status")
    if (guests_women or 0) < 0 or (guests_men or 0) < 0:
        raise DomainError(_("The number of guests cannot be negative."), field="guests_women")
    members = active_members(committee, starts_at.date())
    active_ids = {m.id for m in members}
    present = set(present_member_ids or [])
    if present - active_ids:
        raise DomainError(_("Only members of the committee on the meeting's date can be marked present."),
                          field="present")
    if status != "held" and present:
        raise DomainError(_("Record the roll call only for a meeting that was held."), field="present")
    if meeting is None:
        meeting = Meeting(committee_id=committee.id)
        db.session.add(meeting)
        existing = {}
    else:
        existing = {a.member_id: a for a in db.session.scalars(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id))}
    meeting.starts_at, meeting.place, meeting.kind, meeting.status = starts_at, (place or "").strip(), kind, status
    meeting.guests_women, meeting.guests_men = guests_women or 0, guests_men or 0
    meeting.agenda, meeting.minutes, meeting.decisions = agenda or "", minutes or "", decisions or ""
    db.session.flush()
    for member_id, attendance in existing.items():
        if member_id not in active_ids:
            db.session.delete(attendance)
    if status == "held":
        for member in members:
            row = existing.get(member.id) or MeetingAttendance(meeting_id=meeting.id, member_id=member.id)
            row.is_present = member.id in present
            db.session.add(row)
    else:
        for attendance in existing.values():
            db.session.delete(attendance)
    db.session.flush()
    return meeting


def roll_call(meeting):
    return db.session.scalars(select(MeetingAttendance).join(Member, Member.id == MeetingAttendance.member_id)
                              .where(MeetingAttendance.meeting_id == meeting.id).order_by(Member.name)).all()


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
                                                       _active_on(meeting.starts_at.date())))
    return Quorum(members, int(present), current_app.config["COMMITTEE_QUORUM_SHARE"])


def add_security_issue(actor, meeting, *, category, description):
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
    now = now or utcnow()
    return db.session.scalars(select(Meeting).where(Meeting.committee_id == committee.id,
                                                    Meeting.starts_at >= now - timedelta(days=1),
                                                    Meeting.status != "cancelled")
                              .order_by(Meeting.starts_at)).all()


def calendar_ics(committee, meetings, base_url):
    """An iCalendar (RFC 5545) document of the meetings, one VEVENT each (two hours long)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//CPMS//Committees//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", committee.name)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"cpms-meeting-{meeting.id}@{base_url}")
        event.add("dtstamp", utcnow())
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + timedelta(hours=2))
        event.add("summary", f"{committee.name} – {meeting.kind_label}")
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.agenda:
            event.add("description", meeting.agenda)
        calendar.add_component(event)
    return calendar.to_ical()


# --- action items ----------------------------------------------------------------------------

def raise_action_item(actor, meeting, *, description, responsible_member_id, responsible_organisation, due_date):
    """Record an action item decided in a meeting.

    Errors: empty description, no responsible (member or organisation), a member of another committee,
    a due date before the meeting.
    """
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe the action to take."), field="description")
    organisation = (responsible_organisation or "").strip()
    if responsible_member_id:
        member = db.session.get(Member, responsible_member_id)
        if member is None or member.committee_id != meeting.committee_id:
            raise DomainError(_("The responsible person must be a member of this committee."),
                              field="responsible_member_id")
    elif not organisation:
        raise DomainError(_("Name who is responsible: a member or an organisation."),
                          field="responsible_organisation")
    if due_date is None or due_date < meeting.starts_at.date():
        raise DomainError(_("The due date cannot be before the meeting (%(date)s).",
                            date=meeting.starts_at.date().isoformat()), field="due_date")
    item = ActionItem(committee_id=meeting.committee_id, meeting_id=meeting.id, description=description,
                      responsible_member_id=responsible_member_id or None, responsible_organisation=organisation,
                      due_date=due_date, status="open")
    db.session.add(item)
    db.session.flush()
    return item


def update_action_item(actor, item, *, status, closing_note, today=None):
    """Move an action item to another status. Closing it (done or dropped) needs a note on what was done;
    reopening clears the closing date."""
    today = today or date.today()
    if status not in ACTION_STATUSES:
        raise DomainError(_("Choose the status of the action item."), field="status")
    note = (closing_note or "").strip()
    if status in OPEN_ACTION_STATUSES:
        item.status, item.closed_on = status, None
        if note:
            item.closing_note = note
    else:
        if not note:
            raise DomainError(_("To close an action item, write a note on what was done (or why it was "
                                "dropped)."), field="closing_note")
        if item.is_open or item.closed_on is None:
            item.closed_on = today
        item.status, item.closing_note = status, note
    db.session.flush()
    return item


def carried_over_items(meeting):
    """Action items of earlier meetings of the committee that were still open when this meeting took place.

    Computed, not copied: an item stays on every later agenda until it is closed, and a closed item
    still shows on the agendas of the meetings held before its closing date.
    """
    meeting_day = meeting.starts_at.date()
    stmt = (select(ActionItem).join(Meeting, Meeting.id == ActionItem.meeting_id)
            .where(ActionItem.committee_id == meeting.committee_id, Meeting.starts_at < meeting.starts_at,
                   or_(ActionItem.status.in_(OPEN_ACTION_STATUSES), ActionItem.closed_on >= meeting_day))
            .order_by(ActionItem.due_date, ActionItem.id).options(raiseload(ActionItem.committee)))
    return db.session.scalars(stmt).all()


def meeting_action_items(meeting):
    return db.session.scalars(select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                              .order_by(ActionItem.id).options(raiseload(ActionItem.committee))).all()


def visible_action_items(scope, *, status=None, overdue=False, committee_id=None, today=None):
    """Action items of every committee in the area; `status='open'` means open or in progress."""
    today = today or date.today()
    stmt = (select(ActionItem).join(Committee, Committee.id == ActionItem.committee_id)
            .where(scope.filter(Committee.province_id, Committee.commune_id))
            .order_by(ActionItem.status.in_(OPEN_ACTION_STATUSES).desc(), ActionItem.due_date, ActionItem.id))
    if status == "open":
        stmt = stmt.where(ActionItem.status.in_(OPEN_ACTION_STATUSES))
    elif status:
        stmt = stmt.where(ActionItem.status == status)
    if overdue:
        stmt = stmt.where(ActionItem.status.in_(OPEN_ACTION_STATUSES), ActionItem.due_date < today)
    if committee_id:
        stmt = stmt.where(ActionItem.committee_id == committee_id)
    return stmt


def action_counts(committee_id, today=None):
    """(open, overdue) action items of a committee, in one query."""
    today = today or date.today()
    is_open = ActionItem.status.in_(OPEN_ACTION_STATUSES)
    stmt = (select(func.coalesce(func.sum(case((is_open, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((and_(is_open, ActionItem.due_date < today), 1), else_=0)), 0))
            .where(ActionItem.committee_id == committee_id))
    open_count, overdue = db.session.execute(stmt).one()
    return int(open_count), int(overdue)


def visible_meetings(scope, committee_id=None):
    stmt = (select(Meeting).join(Committee, Committee.id == Meeting.committee_id)
            .where(scope.filter(Committee.province_id, Committee.commune_id))
            .order_by(Meeting.starts_at.desc()))
    if committee_id:
        stmt = stmt.where(Meeting.committee_id == committee_id)
    return stmt


@dashboard_provider
def committee_cards(user, scope):
    in_area = scope.filter(Committee.province_id, Committee.commune_id)
    committees = db.session.scalar(select(func.count()).select_from(Committee).where(in_area))
    cards = [Card(_l("Committees and forums in your area"), committees, "committees.committee_list")]
    if user.role in STAFF_ROLES:  # not counted for a card the user would not see
        overdue = db.session.scalar(select(func.count()).select_from(ActionItem)
                                    .join(Committee, Committee.id == ActionItem.committee_id)
                                    .where(in_area, ActionItem.status.in_(OPEN_ACTION_STATUSES),
                                           ActionItem.due_date < date.today()))
        cards.append(Card(_l("Overdue action items"), overdue, "committees.action_item_list", roles=STAFF_ROLES))
    return cards

