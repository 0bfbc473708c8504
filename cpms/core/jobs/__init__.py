"""One mechanism for long work (docs/jobs.md): a table-based queue in the application's own database.

    # cpms/<domain>/tasks.py
    from cpms.core.jobs import task, N_

    @task("training.sign_in_sheet", title=N_("Sign-in sheet"))
    def sign_in_sheet(job, session_id, lang=None):
        job.progress(5, N_("Reading the enrolments"))
        ...
        job.save_result("sign-in-sheet.pdf", data_or_path, "application/pdf")
        return N_("The sign-in sheet is ready.")

    # a view or service, inside the request's transaction
    job = enqueue_job("training.sign_in_sheet", params={"session_id": s.id}, owner=current_user, back_url=...)
    return redirect(url_for("jobs.show", job_id=job.id))

    # tests
    assert run_queued_jobs() == 1

Workers (`flask cpms worker`, cpms/core/jobs/worker.py) claim queued jobs under a lease; the scheduler keeps
the timed sweeps (this package is also core's conventional `jobs` module: the expiry sweep below).
"""
from cpms.core.jobs.models import Job
from cpms.core.jobs.queue import enqueue_job
from cpms.core.jobs.registry import N_, registered_tasks, task
from cpms.core.jobs.runner import JobContext, JobInterrupted, run_queued_jobs
from cpms.core.jobs.signals import job_finished
from cpms.core.scheduler import job as _scheduled

__all__ = ["N_", "Job", "JobContext", "JobInterrupted", "enqueue_job", "job_finished", "registered_tasks",
           "run_queued_jobs", "task"]


@_scheduled("jobs.expire", hours=1)
def expire_jobs(app):
    """Delete finished jobs and their result files older than CPMS_JOB_RESULT_DAYS. Expired leases are the
    workers' to sweep, not this one's: a worker sweeps only after a lease without a database fault of its own,
    whereas this sweep could run just after the database returned, before the living workers renewed their
    leases, and have their jobs run twice."""
    from datetime import timedelta

    from cpms.core.jobs.queue import purge_jobs
    from cpms.core.models import utcnow

    return purge_jobs(utcnow() - timedelta(days=app.config["JOB_RESULT_DAYS"]))
