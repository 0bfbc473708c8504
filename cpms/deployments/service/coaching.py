"""Coaching visits to recently trained officers and their follow-up actions."""
import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from cpms.core.audit import record_event
from cpms.core.bounds import ITEMS, PEOPLE_AT_MEETING, check_count, check_date
from cpms.core.errors import DomainError
from cpms.core.permissions import scope_of
from cpms.deployments.models import COACH_TYPES, CoachingVisit, FollowUpAction, coaching_visit_officers
from cpms.deployments.service.postings import can_see_officer, checked, resolve_place
from cpms.extensions import db
from cpms.training.models import Trainee


def can_see_visit(visit, scope):
    return scope.allows(visit.province_id, visit.commune_id)


def visible_visits(scope, *, commune_id=None, coach_type="", trainee_id=None):
    stmt = (select(CoachingVisit).where(scope.filter(CoachingVisit.province_id, CoachingVisit.commune_id))
            .order_by(CoachingVisit.visit_date.desc(), CoachingVisit.id.desc()))
    if commune_id:
        stmt = stmt.where(CoachingVisit.commune_id == commune_id)
    if coach_type in COACH_TYPES:
        stmt = stmt.where(CoachingVisit.coach_type == coach_type)
    if trainee_id:
        stmt = stmt.where(CoachingVisit.id.in_(select(coaching_visit_officers.c.visit_id)
                                               .where(coaching_visit_officers.c.trainee_id == trainee_id)))
    return stmt


def visit_counts(visit_ids, today=None):
    """{visit_id: (officers seen, open actions, overdue actions)} in two queries."""
    if not visit_ids:
        return {}
    today = today or date.today()
    officers = dict(db.session.execute(select(coaching_visit_officers.c.visit_id, func.count())
                                       .where(coaching_visit_officers.c.visit_id.in_(visit_ids))
                                       .group_by(coaching_visit_officers.c.visit_id)).all())
    actions = {visit_id: (open_, overdue) for visit_id, open_, overdue in db.session.execute(
        select(FollowUpAction.visit_id, func.sum(case((FollowUpAction.is_done.is_(False), 1), else_=0)),
               func.sum(case((FollowUpAction.is_done.is_(False) & (FollowUpAction.due_date < today), 1), else_=0)))
        .where(FollowUpAction.visit_id.in_(visit_ids)).group_by(FollowUpAction.visit_id))}
    return {vid: (officers.get(vid, 0), *(int(n or 0) for n in actions.get(vid, (0, 0)))) for vid in visit_ids}


def visit_officers(visit):
    return db.session.scalars(select(Trainee).join(coaching_visit_officers,
                                                   coaching_visit_officers.c.trainee_id == Trainee.id)
                              .where(coaching_visit_officers.c.visit_id == visit.id)
                              .order_by(Trainee.last_name, Trainee.first_name, Trainee.id)).all()


def visit_actions(visit):
    return db.session.scalars(select(FollowUpAction).where(FollowUpAction.visit_id == visit.id)
                              .order_by(FollowUpAction.position, FollowUpAction.id)).all()


def split_matricules(text):
    """The matricules typed in a box, one per line or separated by commas or semicolons, normalised."""
    from cpms.training.service import normalise_matricule
    parts = [normalise_matricule(part) for part in re.split(r"[\n,;]+", text or "")]
    return list(dict.fromkeys(part for part in parts if part))


def _officers(actor, matricules):
    if not matricules:
        raise DomainError(_("Enter the matricule of at least one officer seen."), field="matricules")
    checked(check_count, len(matricules), _("The number of officers seen"), PEOPLE_AT_MEETING, field="matricules")
    trainees = db.session.scalars(select(Trainee).where(Trainee.matricule.in_(matricules))).all()
    if actor is not None:
        check, scope = can_see_officer(actor), scope_of(actor)
        trainees = [t for t in trainees if check(t, scope)]
    unknown = sorted(set(matricules) - {t.matricule for t in trainees})
    if unknown:
        raise DomainError(_("No officer in your area has the matricule %(list)s. Check the numbers, or register "
                            "the officers first.", list=", ".join(unknown)), field="matricules")
    return trainees


def _check_actions(rows, visit_date):
    checked(check_count, len(rows), _("The number of follow-up actions"), ITEMS, field="actions")
    kept = []
    for row in rows:
        description = " ".join((row.get("description") or "").split())
        if row.get("remove") or (not description and not row.get("id") and row.get("due_date") is None):
            continue
        if not description:
            raise DomainError(_("Describe each follow-up action, or tick Remove."), field="actions")
        if row.get("due_date") is None:
            raise DomainError(_("Enter the due date of the follow-up action “%(what)s”.", what=description),
                              field="actions")
        checked(check_date, row["due_date"], _("The due date of “%(what)s”", what=description), field="actions")
        if row["due_date"] < visit_date:
            raise DomainError(_("The follow-up action “%(what)s” cannot be due before the visit.", what=description),
                              field="actions")
        kept.append({**row, "description": description, "responsible": " ".join((row.get("responsible") or "").split())})
    return kept


def _apply(actor, visit, *, visit_date, station_id=None, commune_id=None, coach_name, coach_type,
           coach_organisation="", observations="", matricules=(), actions=(), today=None):
    today = today or date.today()
    if visit_date is None:
        raise DomainError(_("Enter the date of the visit as YYYY-MM-DD."), field="visit_date")
    if visit_date > today:
        raise DomainError(_("The visit date is in the future: record a visit once it has taken place."),
                          field="visit_date")
    checked(check_date, visit_date, _("The visit date"), field="visit_date")
    coach_name = " ".join((coach_name or "").split())
    if not coach_name:
        raise DomainError(_("Enter the coach's name."), field="coach_name")
    if coach_type not in COACH_TYPES:
        raise DomainError(_("Choose whether the coach is a senior officer or a civil-society representative."),
                          field="coach_type")
    organisation = " ".join((coach_organisation or "").split())
    if coach_type == "civil_society" and not organisation:
        raise DomainError(_("Enter the organisation the civil-society representative belongs to."),
                          field="coach_organisation")
    station, commune = resolve_place(actor, station_id, commune_id)
    officers = _officers(actor, list(matricules))
    rows = _check_actions(actions, visit_date)
    visit.visit_date, visit.coach_name, visit.coach_type = visit_date, coach_name, coach_type
    visit.coach_organisation, visit.observations = organisation, (observations or "").strip()
    visit.station_id = station.id if station is not None else None
    visit.commune_id, visit.province_id = commune.id, commune.province_id
    if visit.recorded_by_id is None and actor is not None:
        visit.recorded_by_id = actor.id
    db.session.add(visit)
    db.session.flush()
    _save_officers(visit, officers)
    _save_actions(visit, rows, today)
    db.session.flush()
    return visit


def _save_officers(visit, officers):
    """Replace the officers seen; the link table is not audited row by row, so the change is recorded once."""
    wanted = {t.id for t in officers}
    current = set(db.session.scalars(select(coaching_visit_officers.c.trainee_id)
                                     .where(coaching_visit_officers.c.visit_id == visit.id)))
    if wanted != current:
        record_event("update", entity="coaching_visits", entity_id=visit.id,
                     changes={"officers_added": sorted(wanted - current), "officers_removed": sorted(current - wanted)})
    if current - wanted:
        db.session.execute(coaching_visit_officers.delete().where(
            coaching_visit_officers.c.visit_id == visit.id,
            coaching_visit_officers.c.trainee_id.in_(sorted(current - wanted))))
    if wanted - current:
        db.session.execute(coaching_visit_officers.insert(),
                           [{"visit_id": visit.id, "trainee_id": tid} for tid in sorted(wanted - current)])


def _save_actions(visit, rows, today):
    existing = {a.id: a for a in visit_actions(visit)}
    seen = set()
    for position, row in enumerate(rows, start=1):
        action_id = row.get("id")
        if action_id is not None and action_id not in existing:
            raise DomainError(_("A follow-up action belongs to another visit; reload the page."), field="actions")
        action = existing.get(action_id) or FollowUpAction(visit_id=visit.id)
        seen.add(action_id)
        action.position, action.description, action.responsible = position, row["description"], row["responsible"]
        action.due_date = row["due_date"]
        if row.get("is_done") and not action.is_done:
            action.is_done, action.done_on = True, today
        elif not row.get("is_done"):
            action.is_done, action.done_on = False, None
        db.session.add(action)
    for action_id, action in existing.items():
        if action_id not in seen:
            db.session.delete(action)


def create_visit(actor, **fields):
    """Record a coaching visit. Errors: no date, a future or implausible one, no coach name, an unknown coach type, a
    civil-society coach without organisation, no place or one outside the actor's area, no officer or unknown
    matricules (listed), more than PEOPLE_AT_MEETING officers, a follow-up action without description or due date,
    due before the visit or at an implausible date."""
    return _apply(actor, CoachingVisit(), **fields)


def update_visit(actor, visit, **fields):
    return _apply(actor, visit, **fields)
