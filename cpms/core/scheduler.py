"""The scheduler process (`flask cpms scheduler`): APScheduler 3 in one dedicated process.

Never started by create_app() or inside web workers; otherwise every worker would run every job.
Domains add their jobs to JOBS (cpms/<domain>/jobs.py); each job runs inside an app context.
"""
import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger("cpms.scheduler")

# (job id, function(app), trigger kwargs) – filled by the domains' jobs modules.
JOBS = []


def job(job_id, **trigger):
    def decorator(func):
        JOBS.append((job_id, func, trigger))
        return func
    return decorator


def heartbeat(app):
    from cpms.core.service import beat
    from cpms.extensions import db
    with app.app_context():
        beat("scheduler")
        db.session.commit()


def _run_in_context(app, func):
    def runner():
        try:
            func(app)
        except Exception:  # a failing job must not stop the scheduler; the next tick retries
            log.exception("job %s failed", getattr(func, "__name__", func))
    return runner


def build_scheduler(app):
    scheduler = BlockingScheduler(timezone="UTC", job_defaults={
        "coalesce": True,          # a scheduler that was down runs a missed job once, not once per missed tick
        "misfire_grace_time": 3600,
        "max_instances": 1,
    })
    scheduler.add_job(_run_in_context(app, heartbeat), "interval", id="heartbeat",
                      seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"], replace_existing=True)
    from cpms.domains import domain_modules
    domain_modules("jobs")  # importing them fills JOBS
    for job_id, func, trigger in JOBS:
        kwargs = dict(trigger)
        kind = kwargs.pop("trigger", "interval")
        scheduler.add_job(_run_in_context(app, func), kind, id=job_id, replace_existing=True, **kwargs)
    return scheduler


def run_scheduler(app):
    scheduler = build_scheduler(app)
    heartbeat(app)  # shows up on /healthz at once

    def stop(signum, frame):
        log.info("scheduler stopping (signal %s)", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started with jobs: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    scheduler.start()
