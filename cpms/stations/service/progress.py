"""Progress reports with photos, expenditure, the gender-sensitivity checklist and the handover."""
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cpms.core.audit import record_event
from cpms.core.bounds import check_date, check_money
from cpms.core.errors import DomainError
from cpms.core.images import prepare_photo
from cpms.core.permissions import ADMIN
from cpms.extensions import db
from cpms.stations.labels import CHECKLIST_LABELS
from cpms.stations.models import (
    ConstructionProject,
    Expenditure,
    GenderChecklist,
    Handover,
    Photo,
    ProgressReport,
    Station,
)
from cpms.stations.reference import CHECKLIST_ITEMS
from cpms.stations.service.photos import remove_files, write_photo
from cpms.stations.service.projects import (
    accepted_handover,
    check_field,
    ensure_not_accepted,
    missing_required_milestones,
    project_milestones,
)

MAX_PHOTOS_PER_REPORT = 6
# after the final acceptance, payments for the works (the balance, the retention money) may still be recorded
# for this many days; later expenditure belongs to another project (maintenance, a rehabilitation)
SETTLEMENT_DAYS = 90
# a written reason for an overridden final acceptance has at least this many characters
MIN_OVERRIDE_REASON = 20


def record_progress_report(actor, project, *, report_date, physical_progress, narrative, problems, uploads=(),
                           keep_gps=False, offline_key=None, today=None):
    """Record a progress report with its photos. `offline_key` is the key of the device draft sent
    (cpms/core/drafts.py), kept to recognise it if sent again (report_sent_with).

    Every photo is checked before anything is written: one refused photo refuses the whole report.
    Errors: the final acceptance is signed (no report after it), date outside the plausible range, in the future
    or before the project start, progress outside 0–100, progress going back from an earlier report (or above a
    later one) without a reason in `problems`, too many photos, a photo that is too large, not a JPEG/PNG by its
    content, or damaged."""
    today = today or date.today()
    ensure_not_accepted(project, _("The building was accepted on %(date)s: no progress report can be added after "
                                   "the final acceptance."))
    _check_report_date(project, report_date, today)
    if physical_progress is None or isinstance(physical_progress, bool) or not 0 <= physical_progress <= 100:
        raise DomainError(_("Enter the physical progress as a whole number from 0 to 100."), field="physical_progress")
    _check_no_unexplained_drop(project, report_date, physical_progress, problems)
    uploads = [u for u in uploads if u and u.filename]
    if len(uploads) > MAX_PHOTOS_PER_REPORT:
        raise DomainError(_("Attach at most %(n)d photos to one report.", n=MAX_PHOTOS_PER_REPORT), field="photos")
    prepared = [prepare_photo(upload, keep_gps=keep_gps) for upload in uploads]

    report = ProgressReport(project_id=project.id, report_date=report_date, physical_progress=physical_progress,
                            narrative=(narrative or "").strip(), problems=(problems or "").strip(),
                            author_id=getattr(actor, "id", None), offline_key=offline_key or None)
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


def report_sent_with(project, offline_key):
    """The project's report created from the device draft `offline_key`, or None."""
    if not offline_key:
        return None
    return db.session.scalar(select(ProgressReport).where(ProgressReport.project_id == project.id,
                                                          ProgressReport.offline_key == offline_key))


def projects_to_keep(scope, limit=30):
    """Ids of the projects in `scope` still open to progress reports (no final acceptance), first 30: their report
    forms are kept on the user's device for use offline."""
    accepted = select(Handover.project_id).where(Handover.is_final_acceptance.is_(True))
    return db.session.scalars(select(ConstructionProject.id).join(Station, Station.id == ConstructionProject.station_id)
                              .where(scope.filter(Station.province_id, Station.commune_id),
                                     ConstructionProject.id.not_in(accepted))
                              .order_by(ConstructionProject.id.desc()).limit(limit)).all()


def _check_report_date(project, report_date, today):
    if report_date is None:
        raise DomainError(_("Enter the report date as YYYY-MM-DD."), field="report_date")
    check_field(check_date, report_date, _("The report date"), field="report_date")
    if report_date > today:
        raise DomainError(_("The report date cannot be in the future."), field="report_date")
    if report_date < project.start_date:
        raise DomainError(_("The report date cannot be before the project start (%(start)s).",
                            start=format_date(project.start_date)), field="report_date")


def _check_no_unexplained_drop(project, report_date, progress, problems):
    """Progress never goes back without a reason: a report below the one before it (by date), or above the one
    after it (a late report that would make the next one a step back), needs the reason in Problems."""
    if (problems or "").strip():
        return
    before = db.session.execute(select(ProgressReport.report_date, ProgressReport.physical_progress)
                                .where(ProgressReport.project_id == project.id,
                                       ProgressReport.report_date <= report_date)
                                .order_by(ProgressReport.report_date.desc(), ProgressReport.id.desc())).first()
    after = db.session.execute(select(ProgressReport.report_date, ProgressReport.physical_progress)
                               .where(ProgressReport.project_id == project.id,
                                      ProgressReport.report_date > report_date)
                               .order_by(ProgressReport.report_date, ProgressReport.id)).first()
    if before is not None and progress < before.physical_progress:
        raise DomainError(_("Progress would go back from %(before)s %% (report of %(date)s) to %(now)s %%: say under "
                            "Problems why, or correct the figure.", before=before.physical_progress,
                            date=format_date(before.report_date), now=progress), field="physical_progress")
    if after is not None and progress > after.physical_progress:
        raise DomainError(_("The report of %(date)s says %(after)s %%: a report dated before it cannot say %(now)s %% "
                            "without saying under Problems why progress then went back.",
                            date=format_date(after.report_date), after=after.physical_progress, now=progress),
                          field="physical_progress")


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
    """Record money spent, in the project's currency. Errors: amount not above zero or above the money ceiling,
    date outside the plausible range or in the future, a date more than SETTLEMENT_DAYS after the final
    acceptance, no description."""
    today = today or date.today()
    if amount is None or amount <= 0:
        raise DomainError(_("Enter an amount greater than zero."), field="amount")
    amount = check_field(check_money, amount, _("The amount"), field="amount")
    if spent_on is None:
        raise DomainError(_("Enter the date as YYYY-MM-DD."), field="spent_on")
    check_field(check_date, spent_on, _("The date"), field="spent_on")
    if spent_on > today:
        raise DomainError(_("The date cannot be in the future."), field="spent_on")
    accepted = accepted_handover(project)
    if accepted is not None and spent_on > accepted.handover_date + timedelta(days=SETTLEMENT_DAYS):
        raise DomainError(_("The building was accepted on %(date)s: only the final payments, up to %(last)s, can "
                            "still be recorded on this project.", date=format_date(accepted.handover_date),
                            last=format_date(accepted.handover_date + timedelta(days=SETTLEMENT_DAYS))),
                          field="spent_on")
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
    """Save the gender-sensitivity checklist. Errors: the final acceptance is signed, a check date outside the
    plausible range or in the future."""
    today = today or date.today()
    ensure_not_accepted(project, _("The building was accepted on %(date)s: its gender-sensitivity checklist can no "
                                   "longer change."))
    check_field(check_date, checked_on, _("The date of the check"), field="checked_on")
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
                    override_reason="", today=None):
    """Record (or correct) the handover to the police (the rule book: docs/rules/stations.md).

    - Refused while the gender-sensitivity checklist is incomplete, with the missing items named.
    - A final acceptance needs every required milestone reached. Without them only an administrator may accept,
      with a written reason (at least MIN_OVERRIDE_REASON characters): it is kept on the handover, shown on the
      project page and written to the audit log with the milestones that were missing.
    - A signed final acceptance cannot be withdrawn; only an administrator corrects its record.
    - Other errors: a date outside the plausible range, in the future or before the project start; no police
      representative.
    A final acceptance makes the station operational and closes the project (no report, milestone change or
    late expenditure after it)."""
    today = today or date.today()
    _check_checklist_complete(project)
    _check_handover_date(project, handover_date, today)
    representative = " ".join((police_representative or "").split())
    if not representative:
        raise DomainError(_("Enter the name and rank of the police representative who received the building."),
                          field="police_representative")
    handover = project_handover(project)
    is_final = bool(is_final_acceptance)
    _check_acceptance_change(actor, handover, is_final)
    reason = " ".join((override_reason or "").split()) or (handover.override_reason if handover else "")
    missing = _check_required_milestones(actor, project, reason) if is_final else []
    if handover is None:
        handover = Handover(project_id=project.id)
        db.session.add(handover)
    handover.handover_date, handover.police_representative = handover_date, representative
    handover.defects, handover.is_final_acceptance = (defects or "").strip(), is_final
    handover.override_reason = reason if missing else ""
    handover.recorded_by_id = getattr(actor, "id", None)
    # the handover milestones follow the record, so that the milestone progress agrees with it
    codes = ["provisional_handover"] + (["final_handover"] if is_final else [])
    for milestone in project_milestones(project):
        if milestone.code in codes and milestone.actual_date is None:
            milestone.actual_date = handover_date
    if is_final:
        project.station.status = "operational"
    db.session.flush()
    if missing:
        record_event("final_acceptance_override", entity="construction_projects", entity_id=project.id,
                     detail=f"{', '.join(m.name for m in missing)} – {reason}")
    return handover


def _check_checklist_complete(project):
    checklist = project_checklist(project)
    missing = checklist.missing if checklist is not None else list(CHECKLIST_ITEMS)
    if missing:
        raise DomainError(_("The handover cannot be signed off before the gender-sensitivity checklist is complete. "
                            "Still missing: %(items)s.", items=", ".join(str(CHECKLIST_LABELS[m]) for m in missing)))


def _check_handover_date(project, handover_date, today):
    if handover_date is None:
        raise DomainError(_("Enter the handover date as YYYY-MM-DD."), field="handover_date")
    check_field(check_date, handover_date, _("The handover date"), field="handover_date")
    if handover_date > today:
        raise DomainError(_("The handover date cannot be in the future."), field="handover_date")
    if handover_date < project.start_date:
        raise DomainError(_("The handover cannot be before the project start (%(start)s).",
                            start=format_date(project.start_date)), field="handover_date")


def _is_admin(actor):
    return actor is None or getattr(actor, "role", None) == ADMIN  # None: the CLI and the demo loader


def _check_acceptance_change(actor, handover, is_final):
    if handover is None or not handover.is_final_acceptance:
        return
    if not is_final:
        raise DomainError(_("The final acceptance was signed on %(date)s and cannot be withdrawn.",
                            date=format_date(handover.handover_date)), field="is_final_acceptance")
    if not _is_admin(actor):
        raise DomainError(_("The final acceptance is signed: only an administrator can correct its record."))


def _check_required_milestones(actor, project, reason):
    """The required milestones not reached; refused unless an administrator gives a written reason."""
    missing = [m for m in missing_required_milestones(project)
               if m.code not in ("provisional_handover", "final_handover")]
    if not missing:
        return []
    names = ", ".join(str(m.label) for m in missing)
    if not _is_admin(actor):
        raise DomainError(_("Final acceptance needs every required milestone reached. Not reached: %(names)s. Record "
                            "them under Update milestones, or ask an administrator to accept the building with a "
                            "written reason.", names=names), field="is_final_acceptance")
    if len(reason) < MIN_OVERRIDE_REASON:
        raise DomainError(_("Required milestones are not reached (%(names)s): to accept the building anyway, write "
                            "the reason (at least %(n)d characters).", names=names, n=MIN_OVERRIDE_REASON),
                          field="override_reason")
    return missing
