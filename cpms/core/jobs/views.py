"""The jobs' pages: a job's progress (refreshing itself while it runs), its result, retry and cancel, and the
user's own jobs. Only the owner and administrators see a job (404 for anyone else)."""
import os
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cpms.core.dashboard import TodayLine, kept_rows, today_provider
from cpms.core.errors import DomainError
from cpms.core.exports import document_export
from cpms.core.forms import run_action
from cpms.core.jobs import queue
from cpms.core.jobs.models import Job
from cpms.core.jobs.registry import registered_tasks
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, require_role
from cpms.extensions import db

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

REFRESH_SECONDS = 3


def get_job_or_404(job_id, user):
    """The job, if `user` owns it or is an administrator."""
    job = db.session.get(Job, job_id)
    if job is None or not (job.owner_id == user.id or user.role == ADMIN):
        abort(404)
    return job


def title_of(job):
    return kind_title(job.kind)


def kind_title(kind):
    spec = registered_tasks().get(kind)
    return _(spec.title) if spec is not None else kind


@bp.route("/")
@require_role()
def mine():
    page = paginate(select(Job).where(Job.owner_id == current_user.id).order_by(Job.created_at.desc(), Job.id.desc()))
    return render_template("jobs/list.html", page=page, title_of=title_of)


@bp.route("/<int:job_id>")
@require_role()
def show(job_id):
    job = get_job_or_404(job_id, current_user)
    return render_template("jobs/show.html", job=job, title=title_of(job),
                           refresh=REFRESH_SECONDS if job.active else None)


@bp.route("/<int:job_id>/result")
@require_role()
@document_export("jobs")
def result(job_id):
    job = get_job_or_404(job_id, current_user)
    path = queue.result_file(job)
    if job.state != "done" or path is None or not os.path.exists(path):
        abort(404)

    def chunks():  # opened only when the body is sent: a large result never sits in memory
        with open(path, "rb") as handle:
            while block := handle.read(256 * 1024):
                yield block

    response = Response(chunks(), mimetype=job.result_mimetype or "application/octet-stream")
    response.headers["Content-Length"] = str(os.path.getsize(path))
    name = quote(job.result_filename or os.path.basename(path))
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _restart(job):
    if job.state not in ("failed", "cancelled"):
        raise DomainError(_("Only failed or cancelled work can be started again."))
    queue.restart_job(job)
    return job


def _cancel(job):
    if job.state != "queued":
        raise DomainError(_("Only work that has not started yet can be cancelled."))
    queue.cancel_job(job)
    return job


@bp.route("/<int:job_id>/retry", methods=["POST"])
@require_role()
def retry(job_id):
    job = get_job_or_404(job_id, current_user)
    return run_action(lambda: _restart(job), _("Started again."), url_for("jobs.show", job_id=job_id))


@bp.route("/<int:job_id>/cancel", methods=["POST"])
@require_role()
def cancel(job_id):
    job = get_job_or_404(job_id, current_user)
    return run_action(lambda: _cancel(job), _("Cancelled."), url_for("jobs.show", job_id=job_id))


@today_provider(roles={ADMIN})
def failed_jobs_today(user, scope):
    """Background jobs of anyone that failed in the last 7 days, newest first (one query)."""
    from datetime import timedelta

    from cpms.core.models import utcnow

    jobs = db.session.scalars(select(Job).where(Job.state == "failed", Job.created_at >= utcnow() - timedelta(days=7))
                              .order_by(Job.created_at.desc(), Job.id.desc()).limit(5)).all()
    return [TodayLine(_("Failed job: %(title)s", title=title_of(job)), url_for("jobs.show", job_id=job.id),
                      urgent=True) for job in jobs]


@today_provider(roles={"admin", "trainer", "project_officer", "me_officer", "viewer"})
def my_jobs_today(user, scope):
    """The user's imports, exports and other background jobs still queued or running (one query)."""
    jobs = kept_rows(user, scope, ("jobs.today.mine",), lambda: (  # built once per user; the columns shown alone
        select(Job.id, Job.kind, Job.percent).where(Job.owner_id == user.id, Job.state.in_(("queued", "running")))
        .order_by(Job.created_at, Job.id).limit(5)))
    return [TodayLine(_("In progress: %(title)s (%(percent)d %%)", title=kind_title(kind), percent=percent),
                      url_for("jobs.show", job_id=job_id)) for job_id, kind, percent in jobs]
