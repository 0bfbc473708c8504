"""The milestone template, construction projects and their milestones."""
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from cpms.core.bounds import check_date, check_money
from cpms.core.errors import DomainError
from cpms.core.permissions import ADMIN, scope_of
from cpms.extensions import db
from cpms.programmes.models import Programme
from cpms.stations.models import ConstructionProject, Handover, Milestone, MilestoneTemplateItem, Station
from cpms.stations.reference import CURRENCIES, PROJECT_KINDS, load_default_template, mark_required_milestones
from cpms.stations.service.stations import can_see_station


def template_items():
    return db.session.scalars(select(MilestoneTemplateItem).order_by(MilestoneTemplateItem.position,
                                                                     MilestoneTemplateItem.id)).all()


def ensure_default_template():
    """Load the default template when it is empty (the migration does it; tests and the demo call this)."""
    if load_default_template(db.session.connection()):
        mark_required_milestones(db.session.connection(), tables=("milestone_template_items",))


def accepted_handover(project):
    """The project's handover when the final acceptance is signed, else None: the project is then closed."""
    return db.session.scalar(select(Handover).where(Handover.project_id == project.id,
                                                    Handover.is_final_acceptance.is_(True)))


def ensure_not_accepted(project, message):
    """Refuse a change to a project whose final acceptance is signed; `message` takes %(date)s."""
    handover = accepted_handover(project)
    if handover is not None:
        raise DomainError(message % {"date": format_date(handover.handover_date)})


def _clean_rows(rows):
    """Rows of (id or None, name, weight, remove, …): drop removed and blank rows, check the rest."""
    kept = []
    for row in rows:
        if row["remove"] or (not row["id"] and not (row["name"] or "").strip()):
            continue
        name = " ".join((row["name"] or "").split())
        if not name:
            raise DomainError(_("Every milestone needs a name."), field="rows")
        if row["weight"] is None or row["weight"] < 0:
            raise DomainError(_("%(name)s: the weight must be zero or more.", name=name), field="rows")
        kept.append({**row, "name": name})
    if not kept:
        raise DomainError(_("Keep at least one milestone."), field="rows")
    if sum(row["weight"] for row in kept) <= 0:
        raise DomainError(_("At least one milestone needs a weight above zero."), field="rows")
    return kept


def _rename(item, name):
    """A default milestone keeps its code (and so its translated name) unless the user really renamed it:
    the form shows the name in the user's language, which is not a rename."""
    if name not in (item.name, str(item.label)):
        item.code, item.name = None, name


def update_template(rows):
    """Replace the template by the edited rows (id, name, weight, remove) in their order."""
    existing = {item.id: item for item in template_items()}
    kept = _clean_rows(rows)
    kept_ids = {row["id"] for row in kept if row["id"]}
    for item_id, item in existing.items():
        if item_id not in kept_ids:
            db.session.delete(item)
    for position, row in enumerate(kept, start=1):
        item = existing.get(row["id"]) if row["id"] else None
        if item is None:
            item = MilestoneTemplateItem(code=None, name=row["name"])
            db.session.add(item)
        _rename(item, row["name"])
        item.position, item.weight = position, row["weight"]
        item.is_required = bool(row.get("is_required"))
    db.session.flush()


# --- Projects --------------------------------------------------------------------------------------

def _apply_project(actor, project, *, station_id, programme_id, kind, contractor, contract_amount, currency,
                   start_date, planned_completion_date, description=""):
    station = db.session.get(Station, station_id) if station_id else None
    if station is None or (actor is not None and not can_see_station(station, scope_of(actor))):
        raise DomainError(_("Choose the station being built or rehabilitated."), field="station_id")
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme is None:
        raise DomainError(_("Choose the programme that funds the project."), field="programme_id")
    if station.province_id not in programme.province_ids:
        raise DomainError(_("Programme %(code)s does not cover the province of this station.", code=programme.code),
                          field="programme_id")
    if kind not in PROJECT_KINDS:
        raise DomainError(_("Choose the kind of project."), field="kind")
    if currency not in CURRENCIES:
        raise DomainError(_("Choose USD or CDF."), field="currency")
    _check_amount_and_dates(contract_amount, start_date, planned_completion_date)
    project.station_id, project.programme_id, project.kind = station.id, programme.id, kind
    project.contractor, project.contract_amount, project.currency = (contractor or "").strip(), contract_amount, currency
    project.start_date, project.planned_completion_date = start_date, planned_completion_date
    project.description = (description or "").strip()
    return station


def _check_amount_and_dates(contract_amount, start_date, planned_completion_date):
    if contract_amount is not None and contract_amount <= 0:
        raise DomainError(_("The contract amount must be greater than zero (leave it empty if not known yet)."),
                          field="contract_amount")
    check_field(check_money, contract_amount, _("The contract amount"), field="contract_amount")
    if start_date is None:
        raise DomainError(_("Enter the start date as YYYY-MM-DD."), field="start_date")
    if planned_completion_date is None:
        raise DomainError(_("Enter the planned completion date as YYYY-MM-DD."), field="planned_completion_date")
    check_field(check_date, start_date, _("The start date"), field="start_date")
    check_field(check_date, planned_completion_date, _("The planned completion"), field="planned_completion_date")
    if planned_completion_date < start_date:
        raise DomainError(_("The planned completion must be on or after the start date."),
                          field="planned_completion_date")


def check_field(check, value, label, *, field):
    """Run a bounds check and attach its refusal to a form field."""
    try:
        return check(value, label)
    except DomainError as error:
        raise DomainError(error.message, field=field) from None


def planned_dates(start, end, weights):
    """Spread planned dates between start and end in proportion to the cumulative weights."""
    total = sum(weights) or 1
    span = (end - start).days
    dates, cumulative = [], 0
    for weight in weights:
        cumulative += weight
        dates.append(start + timedelta(days=round(span * cumulative / total)))
    return dates


def create_project(actor, **fields):
    """Create a construction project with the milestones of the template, planned across its duration.

    Errors: station outside the actor's area, programme not covering the station's province, contract
    amount not above zero, planned completion before the start."""
    project = ConstructionProject()
    _apply_project(actor, project, **fields)
    db.session.add(project)
    db.session.flush()
    template = template_items()
    for position, (item, planned) in enumerate(zip(template, planned_dates(
            project.start_date, project.planned_completion_date, [i.weight for i in template])), start=1):
        db.session.add(Milestone(project_id=project.id, position=position, code=item.code, name=item.name,
                                 weight=item.weight, is_required=item.is_required, planned_date=planned))
    db.session.flush()
    return project


def update_project(actor, project, **fields):
    """Edit a project. Same errors as create_project; once the final acceptance is signed the contract amount and
    dates are history: they cannot change any more."""
    if accepted_handover(project) is not None and (
            fields.get("contract_amount") != project.contract_amount or fields.get("start_date") != project.start_date
            or fields.get("planned_completion_date") != project.planned_completion_date):
        ensure_not_accepted(project, _("The building was accepted on %(date)s: its contract amount and dates can no "
                                       "longer change."))
    _apply_project(actor, project, **fields)
    db.session.flush()
    return project


def project_milestones(project):
    return db.session.scalars(select(Milestone).where(Milestone.project_id == project.id)
                              .order_by(Milestone.position, Milestone.id)).all()


def update_milestones(project, rows, today=None, actor=None):
    """Save the milestones of a project: rows of (id, name, weight, is_required, planned_date, actual_date, remove).

    Which milestones are required for the final acceptance is an administrator's decision (`actor` None: the CLI
    and the demo): for anyone else the flags stay as they were, and a required milestone cannot be removed.
    Errors: the final acceptance is signed (milestones are then history), no name, negative weight, all weights
    zero, a date outside the plausible range, an actual date in the future, a required milestone removed by
    someone other than an administrator."""
    today = today or date.today()
    ensure_not_accepted(project, _("The building was accepted on %(date)s: its milestones can no longer change."))
    may_require = actor is None or getattr(actor, "role", None) == ADMIN
    existing = {m.id: m for m in project_milestones(project)}
    kept = _clean_rows(rows)
    for row in kept:
        _check_milestone_dates(row, today)
    kept_ids = {row["id"] for row in kept if row["id"]}
    for milestone_id, milestone in existing.items():
        if milestone_id not in kept_ids:
            if milestone.is_required and not may_require:
                raise DomainError(_("%(name)s is required for the final acceptance: only an administrator can "
                                    "remove it.", name=milestone.label), field="rows")
            db.session.delete(milestone)
    for position, row in enumerate(kept, start=1):
        milestone = existing.get(row["id"]) if row["id"] else None
        if milestone is None:
            milestone = Milestone(project_id=project.id, code=None, name=row["name"])
            db.session.add(milestone)
        _rename(milestone, row["name"])
        milestone.position, milestone.weight = position, row["weight"]
        if may_require:
            milestone.is_required = bool(row.get("is_required", milestone.is_required))
        milestone.planned_date, milestone.actual_date = row["planned_date"], row["actual_date"]
    db.session.flush()


def _check_milestone_dates(row, today):
    name = row["name"]
    for key, label in (("planned_date", _("%(name)s: the planned date", name=name)),
                       ("actual_date", _("%(name)s: the actual date", name=name))):
        check_field(check_date, row.get(key), label, field="rows")
    if row["actual_date"] is not None and row["actual_date"] > today:
        raise DomainError(_("%(name)s: the actual date cannot be in the future.", name=name), field="rows")


def missing_required_milestones(project):
    """The required milestones of a project not reached yet (no actual date), in their order."""
    return [m for m in project_milestones(project) if m.is_required and m.actual_date is None]
