"""Stations and construction projects: scoped queries and the operations that change them.

Services take the acting user (None for the CLI and the demo loader), check the business rules, flush and
raise DomainError with a message saying what to fix; the view commits.
"""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.core.dashboard import dashboard_provider
from cpms.core.errors import DomainError
from cpms.core.permissions import scope_of
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.programmes.models import Programme
from cpms.stations import photos as photo_files
from cpms.stations.models import (ConstructionProject, Expenditure, GenderChecklist, Handover, Milestone,
                                  MilestoneTemplateItem, Photo, ProgressReport, Station)
from cpms.stations.reference import (CHECKLIST_ITEMS, CURRENCIES, DRC_LATITUDE, DRC_LONGITUDE, PROJECT_KINDS,
                                     SPECIALISED_UNITS, STATION_KINDS, STATION_STATUSES, load_default_template)

MAX_PHOTOS_PER_REPORT = 6


# --- Visibility ----------------------------------------------------------------------------------

def can_see_station(station, scope):
    return scope.allows(station.province_id, station.commune_id)


def can_see_project(project, scope):
    return can_see_station(project.station, scope)


def visible_stations(scope, province_id=None, commune_id=None, kind=None, status=None):
    stmt = (select(Station).join(Commune, Station.commune_id == Commune.id)
            .where(scope.filter(Station.province_id, Station.commune_id))
            .order_by(Commune.name, Station.name))
    if province_id:
        stmt = stmt.where(Station.province_id == province_id)
    if commune_id:
        stmt = stmt.where(Station.commune_id == commune_id)
    if kind:
        stmt = stmt.where(Station.kind == kind)
    if status:
        stmt = stmt.where(Station.status == status)
    return stmt


def visible_projects(scope, programme_id=None, province_id=None, station_id=None):
    stmt = (select(ConstructionProject).join(Station, ConstructionProject.station_id == Station.id)
            .join(Commune, Station.commune_id == Commune.id)
            .where(scope.filter(Station.province_id, Station.commune_id))
            .order_by(Commune.name, Station.name, ConstructionProject.start_date.desc(), ConstructionProject.id))
    if programme_id:
        stmt = stmt.where(ConstructionProject.programme_id == programme_id)
    if province_id:
        stmt = stmt.where(Station.province_id == province_id)
    if station_id:
        stmt = stmt.where(ConstructionProject.station_id == station_id)
    return stmt


def commune_choices_for(user):
    """(id, label) of the communes in the user's area."""
    from cpms.geo.models import City, Province
    scope = scope_of(user)
    rows = db.session.execute(select(Commune.id, Commune.name, City.name, Province.name)
                              .join(City, Commune.city_id == City.id).join(Province, Commune.province_id == Province.id)
                              .where(scope.filter(Commune.province_id, Commune.id))
                              .order_by(Province.name, City.name, Commune.name))
    return [(cid, f"{name} – {city} ({province})") for cid, name, city, province in rows]


def station_choices_for(user):
    rows = db.session.execute(visible_stations(scope_of(user)).with_only_columns(Station.id, Station.name, Commune.name))
    return [(sid, f"{name} ({commune})") for sid, name, commune in rows]


def programme_choices_for(user):
    from cpms.programmes.service import visible_programmes
    return [(p.id, f"{p.code} – {p.name}") for p in db.session.scalars(visible_programmes(scope_of(user)))]


def _check_area(actor, commune):
    if actor is not None and not scope_of(actor).allows(commune.province_id, commune.id):
        raise DomainError(_("This commune is outside your area."), field="commune_id")


# --- Stations --------------------------------------------------------------------------------------

def _apply_station(actor, station, *, name, kind, commune_id, latitude, longitude, status, specialised_units,
                   staff_count, notes=""):
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Enter the station's name."), field="name")
    if kind not in STATION_KINDS:
        raise DomainError(_("Choose the type of station."), field="kind")
    if status not in STATION_STATUSES:
        raise DomainError(_("Choose the station's status."), field="status")
    commune = db.session.get(Commune, commune_id) if commune_id else None
    if commune is None:
        raise DomainError(_("Choose the commune of the station."), field="commune_id")
    _check_area(actor, commune)
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Enter both latitude and longitude, or neither."),
                          field="latitude" if latitude is None else "longitude")
    if latitude is not None and not DRC_LATITUDE[0] <= latitude <= DRC_LATITUDE[1]:
        raise DomainError(_("This latitude is outside the DR Congo (between %(low)s and %(high)s). "
                            "Check the sign: south of the equator is negative.",
                            low=DRC_LATITUDE[0], high=DRC_LATITUDE[1]), field="latitude")
    if longitude is not None and not DRC_LONGITUDE[0] <= longitude <= DRC_LONGITUDE[1]:
        raise DomainError(_("This longitude is outside the DR Congo (between %(low)s and %(high)s).",
                            low=DRC_LONGITUDE[0], high=DRC_LONGITUDE[1]), field="longitude")
    unknown = set(specialised_units or []) - set(SPECIALISED_UNITS)
    if unknown:
        raise DomainError(_("Choose among the listed units."), field="specialised_units")
    if staff_count is not None and staff_count < 0:
        raise DomainError(_("The staff count cannot be negative."), field="staff_count")
    clash = db.session.scalar(select(Station.id).where(Station.commune_id == commune.id,
                                                      func.lower(Station.name) == name.lower()))
    if clash is not None and clash != station.id:
        raise DomainError(_("This commune already has a station called %(name)s.", name=name), field="name")
    station.name, station.kind, station.status = name, kind, status
    station.commune_id, station.province_id = commune.id, commune.province_id
    station.latitude = round(latitude, 6) if latitude is not None else None
    station.longitude = round(longitude, 6) if longitude is not None else None
    station.specialised_units = [u for u in SPECIALISED_UNITS if u in set(specialised_units or [])]
    station.staff_count, station.notes = staff_count, (notes or "").strip()


def create_station(actor, **fields):
    """Register a station. Errors: no name, duplicate name in the commune, commune outside the actor's area,
    position outside the DR Congo or only half given, negative staff count."""
    station = Station()
    _apply_station(actor, station, **fields)
    db.session.add(station)
    db.session.flush()
    return station


def update_station(actor, station, **fields):
    _apply_station(actor, station, **fields)
    db.session.flush()
    return station


# --- Milestone template -------------------------------------------------------------------------

def template_items():
    return db.session.scalars(select(MilestoneTemplateItem).order_by(MilestoneTemplateItem.position,
                                                                     MilestoneTemplateItem.id)).all()


def ensure_default_template():
    """Load the default template when it is empty (the migration does it; tests and the demo call this)."""
    load_default_template(db.session.connection())


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


def update_template(actor, rows):
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
            item = MilestoneTemplateItem(code=None)
            db.session.add(item)
        elif item.name != row["name"] and row["name"] != str(item.label):
            item.code = None  # renamed: show the new name instead of the translated default
        item.position, item.name, item.weight = position, row["name"], row["weight"]
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
    if contract_amount is not None and contract_amount <= 0:
        raise DomainError(_("The contract amount must be greater than zero (leave it empty if not known yet)."),
                          field="contract_amount")
    if start_date is None:
        raise DomainError(_("Enter the start date as YYYY-MM-DD."), field="start_date")
    if planned_completion_date is None:
        raise DomainError(_("Enter the planned completion date as YYYY-MM-DD."), field="planned_completion_date")
    if planned_completion_date < start_date:
        raise DomainError(_("The planned completion must be on or after the start date."),
                          field="planned_completion_date")
    project.station_id, project.programme_id, project.kind = station.id, programme.id, kind
    project.contractor, project.contract_amount, project.currency = (contractor or "").strip(), contract_amount, currency
    project.start_date, project.planned_completion_date = start_date, planned_completion_date
    project.description = (description or "").strip()
    return station


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
                                 weight=item.weight, planned_date=planned))
    db.session.flush()
    return project


def update_project(actor, project, **fields):
    _apply_project(actor, project, **fields)
    db.session.flush()
    return project


def project_milestones(project):
    return db.session.scalars(select(Milestone).where(Milestone.project_id == project.id)
                              .order_by(Milestone.position, Milestone.id)).all()


def update_milestones(actor, project, rows, today=None):
    """Save the milestones of a project: rows of (id, name, weight, planned_date, actual_date, remove).

    Errors: no name, negative weight, all weights zero, an actual date in the future."""
    today = today or date.today()
    existing = {m.id: m for m in project_milestones(project)}
    kept = _clean_rows(rows)
    for row in kept:
        if row["actual_date"] is not None and row["actual_date"] > today:
            raise DomainError(_("%(name)s: the actual date cannot be in the future.", name=row["name"]), field="rows")
    kept_ids = {row["id"] for row in kept if row["id"]}
    for milestone_id, milestone in existing.items():
        if milestone_id not in kept_ids:
            db.session.delete(milestone)
    for position, row in enumerate(kept, start=1):
        milestone = existing.get(row["id"]) if row["id"] else None
        if milestone is None:
            milestone = Milestone(project_id=project.id, code=None)
            db.session.add(milestone)
        elif milestone.name != row["name"] and row["name"] != str(milestone.label):
            milestone.code = None
        milestone.position, milestone.name, milestone.weight = position, row["name"], row["weight"]
        milestone.planned_date, milestone.actual_date = row["planned_date"], row["actual_date"]
    db.session.flush()


# --- Progress reports and photos ---------------------------------------------------------------------

def record_progress_report(actor, project, *, report_date, physical_progress, narrative, problems, uploads=(),
                           keep_gps=False, today=None):
    """Record a progress report with its photos.

    Every photo is checked before anything is written: one refused photo refuses the whole report.
    Errors: date in the future or before the project start, progress outside 0–100, too many photos,
    a photo that is too large, not a JPEG/PNG by its content, or damaged."""
    today = today or date.today()
    if report_date is None:
        raise DomainError(_("Enter the report date as YYYY-MM-DD."), field="report_date")
    if report_date > today:
        raise DomainError(_("The report date cannot be in the future."), field="report_date")
    if report_date < project.start_date:
        raise DomainError(_("The report date cannot be before the project start (%(start)s).",
                            start=project.start_date.isoformat()), field="report_date")
    if physical_progress is None or not 0 <= physical_progress <= 100:
        raise DomainError(_("Enter the physical progress as a whole number from 0 to 100."), field="physical_progress")
    uploads = [u for u in uploads if u and u.filename]
    if len(uploads) > MAX_PHOTOS_PER_REPORT:
        raise DomainError(_("Attach at most %(n)d photos to one report.", n=MAX_PHOTOS_PER_REPORT), field="photos")
    prepared = [photo_files.prepare_photo(upload, keep_gps=keep_gps) for upload in uploads]

    report = ProgressReport(project_id=project.id, report_date=report_date, physical_progress=physical_progress,
                            narrative=(narrative or "").strip(), problems=(problems or "").strip(),
                            author_id=getattr(actor, "id", None))
    db.session.add(report)
    db.session.flush()
    written = []
    try:
        for photo in prepared:
            stored, thumb = photo_files.write_photo(photo)
            written += [stored, thumb]
            db.session.add(Photo(project_id=project.id, report_id=report.id, stored_name=stored, thumbnail_name=thumb,
                                 content_type=photo.content_type, size_bytes=len(photo.data), width=photo.width,
                                 height=photo.height, latitude=photo.latitude, longitude=photo.longitude,
                                 uploaded_by_id=getattr(actor, "id", None)))
        db.session.flush()
    except Exception:
        photo_files.remove_files(written)
        raise
    return report


def report_files(report_id):
    """Stored file names of a report's photos (to remove them when the transaction fails)."""
    names = []
    for stored, thumb in db.session.execute(select(Photo.stored_name, Photo.thumbnail_name)
                                            .where(Photo.report_id == report_id)):
        names += [stored, thumb]
    return names


def project_reports(project):
    """Reports of a project, newest first, with their photos (two queries)."""
    from sqlalchemy.orm import selectinload
    return db.session.scalars(select(ProgressReport).where(ProgressReport.project_id == project.id)
                              .options(selectinload(ProgressReport.photos))
                              .order_by(ProgressReport.report_date.desc(), ProgressReport.id.desc())).all()


# --- Expenditure ---------------------------------------------------------------------------------------

def record_expenditure(actor, project, *, spent_on, amount, description, today=None):
    """Record money spent, in the project's currency. Errors: amount not above zero, date in the future or
    before the project start, no description."""
    today = today or date.today()
    if amount is None or amount <= 0:
        raise DomainError(_("Enter an amount greater than zero."), field="amount")
    if spent_on is None:
        raise DomainError(_("Enter the date as YYYY-MM-DD."), field="spent_on")
    if spent_on > today:
        raise DomainError(_("The date cannot be in the future."), field="spent_on")
    description = " ".join((description or "").split())
    if not description:
        raise DomainError(_("Say what the money was spent on."), field="description")
    expenditure = Expenditure(project_id=project.id, spent_on=spent_on, amount=amount, description=description)
    db.session.add(expenditure)
    db.session.flush()
    return expenditure


def project_expenditures(project):
    return db.session.scalars(select(Expenditure).where(Expenditure.project_id == project.id)
                              .order_by(Expenditure.spent_on.desc(), Expenditure.id.desc())).all()


# --- Gender checklist and handover --------------------------------------------------------------------

def project_checklist(project):
    return db.session.scalar(select(GenderChecklist).where(GenderChecklist.project_id == project.id))


def project_handover(project):
    return db.session.scalar(select(Handover).where(Handover.project_id == project.id))


def save_checklist(actor, project, *, checked_on, notes, today=None, **items):
    """Save the gender-sensitivity checklist. Errors: check date in the future."""
    today = today or date.today()
    if checked_on is not None and checked_on > today:
        raise DomainError(_("The date of the check cannot be in the future."), field="checked_on")
    checklist = project_checklist(project)
    if checklist is None:
        checklist = GenderChecklist(project_id=project.id)
        db.session.add(checklist)
    for item in CHECKLIST_ITEMS:
        setattr(checklist, item, bool(items.get(item)))
    checklist.checked_on, checklist.notes = checked_on, (notes or "").strip()
    db.session.flush()
    return checklist


def record_handover(actor, project, *, handover_date, police_representative, defects, is_final_acceptance,
                    today=None):
    """Record (or correct) the handover to the police.

    Refused while the gender-sensitivity checklist is incomplete, with the missing items named. Other errors:
    date in the future or before the project start, no police representative. A final acceptance makes the
    station operational."""
    from cpms.stations.models import CHECKLIST_LABELS

    today = today or date.today()
    checklist = project_checklist(project)
    missing = checklist.missing if checklist is not None else list(CHECKLIST_ITEMS)
    if missing:
        raise DomainError(_("The handover cannot be signed off before the gender-sensitivity checklist is complete. "
                            "Still missing: %(items)s.", items=", ".join(str(CHECKLIST_LABELS[m]) for m in missing)))
    if handover_date is None:
        raise DomainError(_("Enter the handover date as YYYY-MM-DD."), field="handover_date")
    if handover_date > today:
        raise DomainError(_("The handover date cannot be in the future."), field="handover_date")
    if handover_date < project.start_date:
        raise DomainError(_("The handover cannot be before the project start (%(start)s).",
                            start=project.start_date.isoformat()), field="handover_date")
    representative = " ".join((police_representative or "").split())
    if not representative:
        raise DomainError(_("Enter the name and rank of the police representative who received the building."),
                          field="police_representative")
    handover = project_handover(project)
    if handover is None:
        handover = Handover(project_id=project.id)
        db.session.add(handover)
    handover.handover_date, handover.police_representative = handover_date, representative
    handover.defects, handover.is_final_acceptance = (defects or "").strip(), bool(is_final_acceptance)
    handover.recorded_by_id = getattr(actor, "id", None)
    # the handover milestones follow the record, so that the milestone progress agrees with it
    codes = ["provisional_handover"] + (["final_handover"] if handover.is_final_acceptance else [])
    for milestone in project_milestones(project):
        if milestone.code in codes and milestone.actual_date is None:
            milestone.actual_date = handover_date
    if handover.is_final_acceptance:
        project.station.status = "operational"
    db.session.flush()
    return handover


# --- Dashboard --------------------------------------------------------------------------------------

@dashboard_provider
def station_cards(user, scope):
    from flask_babel import lazy_gettext as _l
    from cpms.core.dashboard import Card
    from cpms.core.permissions import ADMIN, ME_OFFICER, PROJECT_OFFICER, TRAINER, VIEWER
    from cpms.stations.metrics import metrics_for

    cards = []
    if user.role in (ADMIN, TRAINER, PROJECT_OFFICER, ME_OFFICER):
        stations = db.session.scalar(select(func.count()).select_from(Station)
                                     .where(scope.filter(Station.province_id, Station.commune_id)))
        cards.append(Card(_l("Police stations in your area"), stations, "stations.station_list"))
    if user.role in (ADMIN, PROJECT_OFFICER, ME_OFFICER, VIEWER):
        projects = db.session.scalars(visible_projects(scope)).all()
        metrics = metrics_for(projects)
        late = sum(1 for m in metrics.values() if m.slippage_days > 0 and not m.is_handed_over)
        cards.append(Card(_l("Construction projects"), len(projects), "stations.portfolio"))
        cards.append(Card(_l("Construction projects behind schedule"), late, "stations.portfolio"))
    return cards
