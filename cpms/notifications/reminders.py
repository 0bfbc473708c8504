"""Background jobs that have finished (cpms/core/jobs/): their owner is told, in the app and by e-mail per
preference. Sent at once by the receiver of core's `job_finished` signal (service/jobs_finished.py); this
sweep catches up on any the worker could not announce (it stopped in between), each still sent once."""
from datetime import datetime, time, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cpms.core.jobs import Job
from cpms.core.permissions import ALL_ROLES
from cpms.extensions import db
from cpms.notifications.registry import Reminder, reminder_kind


def job_reminder(job):
    """The reminder of one finished job (done or failed), for its owner."""
    from flask_babel import lazy_gettext

    from cpms.core.jobs.registry import registered_tasks
    from cpms.notifications.registry import translated

    spec = registered_tasks().get(job.kind)
    title = translated(lazy_gettext(spec.title)) if spec is not None else job.kind
    return Reminder(object_key=f"job:{job.id}:{int(job.finished_at.timestamp())}", due_on=job.finished_at.date(),
                    recipients=[job.owner], link=("jobs.show", {"job_id": job.id}),
                    context={"title": title, "state": job.state, "error": job.error or "",
                             "finished_at": job.finished_at})


@reminder_kind("job_finished", label=_l("Background work finished"), roles=ALL_ROLES,
               description=_l("To the person who started a long piece of work (a PDF, an export, an import, "
                              "certificates), when it is finished or has failed."))
def jobs_finished(ctx):
    since = datetime.combine(ctx.since, time.min, timezone.utc)
    jobs = db.session.scalars(select(Job).where(Job.state.in_(("done", "failed")), Job.owner_id.is_not(None),
                                                Job.finished_at >= since, Job.finished_at <= ctx.now)
                              .order_by(Job.finished_at, Job.id)).all()
    for job in jobs:
        if should_notify(job):
            yield job_reminder(job)


def should_notify(job):
    from cpms.core.jobs.registry import registered_tasks
    spec = registered_tasks().get(job.kind)
    return spec is None or spec.notifies(job.state)
