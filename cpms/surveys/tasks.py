"""Survey jobs: the import of a large confirmed preview (cpms/surveys/service/staging.py).

The handler stages the rows in short transactions and publishes them in one; it resumes where an interrupted
run stopped. A refusal (DomainError) or a bug cancels the import and removes its staged rows before the job
fails; a job that fails for good otherwise (the database stayed unavailable) cancels its import too, and the
rows left are removed by the next import into the round or by the sweep in jobs.py. An import whose job the
owner cancelled before it started stays `staging` (invisible): the round page offers to cancel it.
"""
from flask import url_for
from sqlalchemy.exc import DBAPIError

from cpms.core.jobs import N_, job_finished, task
from cpms.extensions import db
from cpms.surveys.models import SurveyImport
from cpms.surveys.service import staging

PREVIEW_KIND = "surveys.preview_import"
IMPORT_KIND = "surveys.import_responses"
REMOVE_KIND = "surveys.remove_import"


@task(PREVIEW_KIND, title=N_("Survey import: checking the file"))
def preview_upload(job, round_id, upload_token, filename="", include_not_approved=False):
    """Check a large uploaded export (imports.preview_import) outside the request; the summary waits for the
    preview page (`surveys.import_preview`), where the officer confirms or cancels the import."""
    import json
    import os

    from flask_babel import gettext as _

    from cpms.auth.models import User
    from cpms.core.errors import DomainError
    from cpms.surveys import imports
    from cpms.surveys.models import SurveyRound
    job.progress(5, N_("Checking the rows"))
    survey_round = db.session.get(SurveyRound, round_id)
    path = imports.kept_upload(upload_token, filename)
    if survey_round is None or path is None:
        raise DomainError(_("The uploaded file or its round is no longer here: upload the file again."))
    owner = db.session.get(User, job.owner_id) if job.owner_id else None
    with open(path, "rb") as stream:
        summary = imports.preview_import(owner, survey_round, stream, filename,
                                         include_not_approved=bool(include_not_approved))
    db.session.rollback()
    os.remove(path)
    target = imports.preview_summary_path(job.id)
    with open(target + ".part", "w", encoding="utf-8") as out:
        json.dump(summary, out, ensure_ascii=False)
    os.replace(target + ".part", target)
    job.progress(100, N_("Checking the rows"))
    if summary.get("has_errors"):
        return N_("The file is checked: it has problems to correct. Continue to see them.")
    return N_("The file is checked. Continue to see the preview and import it.")


def enqueue_preview(survey_round, owner, upload_token, filename, include_not_approved=False):
    from cpms.core.jobs import enqueue_job
    job = enqueue_job(PREVIEW_KIND, params={"round_id": survey_round.id, "upload_token": upload_token,
                                            "filename": (filename or "")[:255],
                                            "include_not_approved": bool(include_not_approved)},
                      owner=owner, back_url="/")
    job.back_url = url_for("surveys.import_preview", round_id=survey_round.id, job_id=job.id)
    db.session.flush()
    return job


@task(IMPORT_KIND, title=N_("Survey import"))
def import_responses(job, import_id):
    job.progress(2, N_("Writing the responses"))

    def progress(done, total):
        job.progress(2 + 95 * done // max(1, total), N_("Writing the responses"))

    try:
        record = staging.stage_import(import_id, progress=progress)
    except DBAPIError:
        raise  # a database fault: the job is retried later and resumes where it stopped
    except Exception:  # a refusal or a bug: nothing stays
        db.session.rollback()
        staging.fail_import(import_id)
        raise
    if record is None:
        return None
    job.progress(100, N_("Published"))
    return N_("The responses are imported and appear in the results.")


def enqueue_import(record, owner):
    from cpms.core.jobs import enqueue_job
    return enqueue_job(IMPORT_KIND, params={"import_id": record.id}, owner=owner,
                       back_url=url_for("surveys.round_detail", round_id=record.round_id))


@task(REMOVE_KIND, title=N_("Removal of a cancelled survey import"))
def remove_import(job, import_id):
    job.progress(5, N_("Removing the responses"))
    staging.remove_staged_rows(import_id)
    return N_("The responses of the cancelled import are removed.")


def enqueue_removal(record, owner):
    from cpms.core.jobs import enqueue_job
    return enqueue_job(REMOVE_KIND, params={"import_id": record.id}, owner=owner,
                       back_url=url_for("surveys.round_detail", round_id=record.round_id))


def _import_job_ended(sender, job_id, **extra):
    """Once an import job has ended: if it failed for good (e.g. the database stayed unavailable), its import is
    cancelled (its rows are removed by the sweep, or by the next import into the round)."""
    from cpms.core.jobs import Job
    from cpms.core.transaction import in_transaction
    job = db.session.get(Job, job_id)
    if job is None or job.kind != IMPORT_KIND or job.state != "failed":
        return
    import_id = (job.params or {}).get("import_id")
    with in_transaction():
        if import_id is not None and db.session.get(SurveyImport, import_id) is not None:
            staging.cancel_import(import_id)


job_finished.connect(_import_job_ended)
