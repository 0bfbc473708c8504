"""Progress reports with photos, expenditure, the gender-sensitivity checklist and the handover."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cpms.core.errors import DomainError
from cpms.extensions import db
from cpms.stations.labels import CHECKLIST_LABELS
from cpms.stations.models import Expenditure, GenderChecklist, Handover, Photo, ProgressReport
from cpms.stations.reference import CHECKLIST_ITEMS
from cpms.stations.service.photos import prepare_photo, remove_files, write_photo
from cpms.stations.service.projects import project_milestones

MAX_PHOTOS_PER_REPORT = 6


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
    prepared = [prepare_photo(upload, keep_gps=keep_gps) for upload in uploads]

    report = ProgressReport(project_id=project.id, report_date=report_date, physical_progress=physical_progress,
                            narrative=(narrative or "").strip(), problems=(problems or "").strip(),
                            author_id=getattr(actor, "id", None))
    db.session.add(report)
    db.session.flush()
    written = []
    try:
        for photo in prepared:
            stored, thumb = write_photo(photo)
            written += [stored, thumb]
            db.session.add(Photo(project_id=project.id, report_id=report.id, stored_name=stored, thumbnail_name=thumb,
                                 content_type=photo.content_type, size_bytes=len(photo.data), width=photo.width,
                                 height=photo.height, latitude=photo.latitude, longitude=photo.longitude,
                                 uploaded_by_id=getattr(actor, "id", None)))
        db.session.flush()
    except Exception:
        remove_files(written)
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
    return db.session.scalars(select(ProgressReport).where(ProgressReport.project_id == project.id)
                              .options(selectinload(ProgressReport.photos))
                              .order_by(ProgressReport.report_date.desc(), ProgressReport.id.desc())).all()


# --- Expenditure ---------------------------------------------------------------------------------------

def record_expenditure(project, *, spent_on, amount, description, today=None):
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


def save_checklist(project, *, checked_on, notes, today=None, **items):
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
