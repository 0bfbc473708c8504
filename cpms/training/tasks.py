"""Training work done in the background (cpms/core/jobs): confirmed imports of more than
cpms.core.imports.staging.DIRECT_ROWS rows, and sign-in sheets of more than SIGNIN_DIRECT_TRAINEES trainees.

Smaller cases answer directly in the request (docs/rules/training.md, "Imports" and "Sign-in sheet")."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.imports.staging import register_import_job
from cpms.core.jobs import N_, task
from cpms.core.transaction import in_transaction
from cpms.extensions import db
from cpms.training.imports import cohorts, trainees, vetting  # noqa: F401  (the kinds the job finds)
from cpms.training.imports.common import JOB_KIND
from cpms.training.models import Enrolment, TrainingSession
from cpms.training.pdf import render_signin_sheet
from cpms.training.service import attendance

SIGNIN_DIRECT_TRAINEES = 50  # a sign-in sheet of up to this many trainees is drawn in the request


# confirmed imports of a large file: checked again, staged and published by cpms/core/imports/staging.py
import_file = register_import_job(JOB_KIND, N_("Import from a file"))


def signin_sheet_size(session):
    """How many trainees the sheet lists (one count: the request that queues a large sheet reads no more)."""
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(attendance.enrolled_for(session)))


def signin_sheet_filename(session):
    return f"sign-in-{session.session_date.isoformat()}-{session.id}.pdf"


@task("training.sign_in_sheet", title=N_("Sign-in sheet"))
def sign_in_sheet(job, session_id, lang=None):
    job.progress(5, N_("Reading the enrolments"))
    session = db.session.get(TrainingSession, session_id)
    if session is None:
        raise DomainError(_("This session no longer exists."))
    rows = attendance.register(session, with_rank=True)
    job.progress(20, N_("Drawing the pages"))
    pdf = render_signin_sheet(session, lang, rows)
    filename = signin_sheet_filename(session)
    db.session.rollback()
    job.progress(95, N_("Saving the PDF"))
    job.save_result(filename, pdf, "application/pdf")
    with in_transaction():
        record_event("export", entity="training_sessions", entity_id=session_id, detail="sign-in sheet (job)")
    return N_("The sign-in sheet is ready.")
