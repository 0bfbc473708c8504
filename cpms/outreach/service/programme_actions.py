"""The programme's follow-up of actions agreed in joint workshops (docs/rules/outreach.md, "Agreed actions").

An agreed action goes either to a committee of the area (followup.py) or to the workshop's own programme: where no
committee exists (the Masisi workshop) the programme follows it up. The list is kept here, in outreach, because
workshops are its only source; programmes know nothing of it and show it through a panel on their page
(cpms/outreach/views.py, slot "programmes.programme"). Area: the workshop's commune.

"Overdue" is judged by the calendar of the workshop's place (cpms/geo/time.py): an action due on 30 November is
overdue from midnight in Mbuji-Mayi (22:00 UTC) and from midnight in Kinshasa (23:00 UTC), whatever the server's
clock says. Functions take `now` (an aware UTC datetime, the current time by default).
"""

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import case, func, literal, select

from cpms.core.bounds import check_date
from cpms.core.errors import DomainError
from cpms.core.models import UTCDateTime, utcnow
from cpms.extensions import db
from cpms.geo.models import Province
from cpms.geo.time import local_date_of, local_day
from cpms.outreach.models import PROGRAMME_ACTION_STATUSES, OutreachActivity, OutreachProgrammeAction

# who follows the programme's actions up: admins, project and M&E officers of the workshop's area
FOLLOWERS = frozenset({"admin", "project_officer", "me_officer"})
SHOWS = ("open", "overdue", "all")


def carry_to_programme(actor, activity, *, description, responsible, due_date):
    """Record an action agreed in `activity` (a joint workshop) on its programme's action items. Errors: an empty
    description or responsible, a due date before the workshop's first day or implausible."""
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe the action to take."), field="description")
    responsible = (responsible or "").strip()
    if not responsible:
        raise DomainError(_("Name who is responsible: a person or an organisation."), field="responsible")
    if due_date is None or due_date < activity.start_date:
        raise DomainError(_("The due date cannot be before %(date)s.", date=format_date(activity.start_date)),
                          field="due_date")
    check_date(due_date, _("The due date"))
    item = OutreachProgrammeAction(activity_id=activity.id, description=description[:2000],
                                   responsible=responsible[:200], due_date=due_date, status="open", note="",
                                   recorded_by_id=actor.id if actor is not None else None)
    db.session.add(item)
    db.session.flush()
    return item


def programme_actions_of(activity):
    """The actions of one workshop followed up by its programme."""
    return db.session.scalars(select(OutreachProgrammeAction).where(OutreachProgrammeAction.activity_id == activity.id)
                              .order_by(OutreachProgrammeAction.due_date, OutreachProgrammeAction.id)).all()


def _overdue(now):
    """SQL: open and due before the day `now` falls on at the workshop's place (needs Province in the FROM)."""
    local_today = local_date_of(literal(now or utcnow(), UTCDateTime()), Province.time_zone)
    return (OutreachProgrammeAction.status == "open") & (OutreachProgrammeAction.due_date < local_today)


def _with_place(stmt):
    return (stmt.join(OutreachProgrammeAction.activity)
            .join(Province, Province.id == OutreachActivity.province_id))


def _in_scope(programme_id, scope):
    return (OutreachActivity.programme_id == programme_id,
            scope.filter(OutreachActivity.province_id, OutreachActivity.commune_id))


def programme_actions(programme, scope, show="open", now=None):
    """The programme's agreed actions in the user's area, with their workshop: `show` "open" (the default),
    "overdue" (open and past their due date at the workshop's place) or "all"; soonest due first."""
    stmt = _with_place(select(OutreachProgrammeAction)).where(*_in_scope(programme.id, scope))
    if show == "open":
        stmt = stmt.where(OutreachProgrammeAction.status == "open")
    if show == "overdue":
        stmt = stmt.where(_overdue(now))
    return db.session.scalars(stmt.order_by(OutreachProgrammeAction.due_date, OutreachProgrammeAction.id)).all()


def visible_programme_actions(scope, *, programme_id=None, status="", overdue=False, now=None):
    """A statement: the programme agreed actions of workshops in the user's area (the API), soonest due first."""
    stmt = _with_place(select(OutreachProgrammeAction)).where(
        scope.filter(OutreachActivity.province_id, OutreachActivity.commune_id))
    if programme_id:
        stmt = stmt.where(OutreachActivity.programme_id == programme_id)
    if status:
        stmt = stmt.where(OutreachProgrammeAction.status == status)
    if overdue:
        stmt = stmt.where(_overdue(now))
    return stmt.order_by(OutreachProgrammeAction.due_date, OutreachProgrammeAction.id)


def programme_action_counts(programme, scope, now=None):
    """(all, open, overdue) agreed actions of the programme in the user's area, in one query."""
    is_open = OutreachProgrammeAction.status == "open"
    row = db.session.execute(
        _with_place(select(func.count(), func.count(case((is_open, 1))), func.count(case((_overdue(now), 1))))
                    .select_from(OutreachProgrammeAction))
        .where(*_in_scope(programme.id, scope))).one()
    return tuple(row)


def can_follow(item, scope):
    return scope.allows(item.activity.province_id, item.activity.commune_id)


def update_programme_action(item, *, status, note, today=None):
    """Open, done or dropped; dropping needs a note saying why. Closing sets the day (`today`, by default the
    current day at the workshop's place), reopening clears it."""
    if status not in PROGRAMME_ACTION_STATUSES:
        raise DomainError(_("Choose the status of the action."), field="status")
    note = (note or "").strip()
    if status == "dropped" and not note:
        raise DomainError(_("Say why the action was dropped."), field="note")
    if status != item.status:
        item.closed_on = None if status == "open" else (today or local_day(utcnow(), item.activity.commune))
    item.status, item.note = status, note[:1000]
    db.session.flush()
    return item
