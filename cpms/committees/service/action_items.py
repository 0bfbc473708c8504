"""Action items decided in meetings: raising them, moving them through their statuses, carrying them over."""
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import raiseload

from cpms.committees.models import ACTION_STATUSES, OPEN_ACTION_STATUSES, ActionItem, Committee, Meeting, Member
from cpms.committees.sources import action_source
from cpms.core.bounds import check_date
from cpms.core.errors import DomainError
from cpms.extensions import db
from cpms.geo.time import local_day


def current_members(committee_id, today=None):
    """Members who may be made responsible for an action: those whose membership has not ended."""
    today = today or date.today()
    return db.session.scalars(select(Member).where(Member.committee_id == committee_id,
                                                   or_(Member.end_date.is_(None), Member.end_date >= today))
                              .order_by(Member.name)).all()


def _check_responsible(meeting, responsible_member_id, organisation, today):
    if responsible_member_id:
        member = db.session.get(Member, responsible_member_id)
        if member is None or member.committee_id != meeting.committee_id:
            raise DomainError(_("The responsible person must be a member of this committee."),
                              field="responsible_member_id")
        if member.end_date is not None and member.end_date < today:
            raise DomainError(_("%(name)s left the committee on %(date)s: choose a current member, or name an "
                                "organisation.", name=member.name, date=format_date(member.end_date)),
                              field="responsible_member_id")
    elif not organisation:
        raise DomainError(_("Name who is responsible: a member or an organisation."),
                          field="responsible_organisation")


def raise_action_item(meeting, *, description, responsible_member_id, responsible_organisation, due_date,
                      today=None):
    """Record an action item decided in a meeting.

    Errors (docs/rules/committees.md): empty description, no responsible (member or organisation), a member of
    another committee or whose membership ended before `today`, a due date before the meeting or implausible.
    """
    today = today or date.today()
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe the action to take."), field="description")
    organisation = (responsible_organisation or "").strip()
    _check_responsible(meeting, responsible_member_id, organisation, today)
    meeting_day = local_day(meeting.starts_at, meeting.committee)
    if due_date is None or due_date < meeting_day:
        raise DomainError(_("The due date cannot be before the meeting (%(date)s).",
                            date=meeting_day.isoformat()), field="due_date")
    check_date(due_date, _("The due date"))
    item = ActionItem(committee_id=meeting.committee_id, meeting_id=meeting.id, description=description,
                      responsible_member_id=responsible_member_id or None, responsible_organisation=organisation,
                      due_date=due_date, status="open")
    db.session.add(item)
    db.session.flush()
    return item


def raise_sourced_action_item(committee, *, source_kind, source_id, description, responsible, due_date,
                              earliest):
    """Record an action item carried into `committee` from another domain (cpms/committees/sources.py): no
    meeting, a registered source kind and the id of its source; `responsible` names a person or an organisation.

    Errors: an unregistered source kind, an empty description or responsible, a due date before `earliest` (the
    source's own day) or implausible. The caller has checked that the user may see the committee.
    """
    if action_source(source_kind) is None or source_id is None:
        raise ValueError(f"unregistered action source {source_kind!r}")
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe the action to take."), field="description")
    responsible = (responsible or "").strip()
    if not responsible:
        raise DomainError(_("Name who is responsible: a person or an organisation."), field="responsible")
    if due_date is None or due_date < earliest:
        raise DomainError(_("The due date cannot be before %(date)s.", date=format_date(earliest)),
                          field="due_date")
    check_date(due_date, _("The due date"))
    item = ActionItem(committee_id=committee.id, meeting_id=None, source_kind=source_kind, source_id=source_id,
                      description=description, responsible_organisation=responsible[:200], due_date=due_date,
                      status="open")
    db.session.add(item)
    db.session.flush()
    return item


def sourced_action_items(source_kind, source_id):
    """The action items carried in from one source, with their committee."""
    return db.session.scalars(select(ActionItem).where(ActionItem.source_kind == source_kind,
                                                       ActionItem.source_id == source_id)
                              .order_by(ActionItem.due_date, ActionItem.id)).all()


def update_action_item(item, *, status, closing_note, today=None):
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
    """Action items of earlier meetings of the committee (or carried in from elsewhere before this meeting) that
    were still open when this meeting took place.

    Computed, not copied: an item stays on every later agenda until it is closed, and a closed item
    still shows on the agendas of the meetings held before its closing date.
    """
    meeting_day = local_day(meeting.starts_at, meeting.committee)
    raised_before = or_(Meeting.starts_at < meeting.starts_at,
                        and_(ActionItem.meeting_id.is_(None), ActionItem.created_at < meeting.starts_at))
    stmt = (select(ActionItem).outerjoin(Meeting, Meeting.id == ActionItem.meeting_id)
            .where(ActionItem.committee_id == meeting.committee_id, raised_before,
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
