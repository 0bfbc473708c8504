"""The scheduler process (`flask cpms scheduler`): APScheduler 3 in one dedicated process.

Never started by create_app() or inside web workers; otherwise every worker would run every job.

- Domains register jobs with `@job("id", minutes=10)` in cpms/<domain>/jobs.py; a job is `func(app)`
  and runs inside an app context. Trigger values may be callables of the app's config.
- Jobs are kept in the application database (table `scheduler_jobs`, SQLAlchemyJobStore on the app's
  engine, so SQLite and PostgreSQL alike). A job stored with an unchanged trigger keeps its next run
  time across restarts: with coalesce=True and a misfire grace time, a scheduler that was down runs
  each missed job once when it comes back, not once per missed tick.
- Jobs must be idempotent sweeps over the application's own tables (see cpms/notifications/sweep.py):
  a lost tick then loses nothing, and a second scheduler started by mistake sends nothing twice.
- The heartbeat job writes `scheduler_heartbeats` ("scheduler"), shown on /healthz and to admins;
  each job also records its last successful run there ("job:<id>").
- Faults (issue 18): a database error while APScheduler updates its job store ("database is locked", a
  dropped PostgreSQL connection) no longer kills its main loop: the store retries with backoff, and a failed
  round of the loop is logged and tried again a few seconds later (RobustScheduler). The process's own main
  loop checks every second that APScheduler's thread is alive and that the heartbeat succeeded recently;
  otherwise it exits non-zero, so that its supervisor (systemd, `flask cpms dev`) starts it again.
- Long work is not a scheduler job: it is a job of the queue (cpms/core/jobs/, `flask cpms worker`).
"""
import logging
import signal
import threading
import time
from dataclasses import dataclass, field

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("cpms.scheduler")
EXIT_UNHEALTHY = 3  # the exit status of a scheduler (or worker) that found itself broken
STORE_RETRIES = 4
LOOP_RETRY_SECONDS = 5
STOP_WAIT_SECONDS = 3  # Ctrl-C on `make run` stops everything within 5 s
# when the heartbeat job last succeeded (time.monotonic()), for the process's own health check
_last_heartbeat = None
JOB_TABLE = "scheduler_jobs"
RUN_JOB = "cpms.core.scheduler:run_job"

# job id -> JobSpec, filled by @job in the domains' jobs modules
JOBS = {}
# the application of this scheduler process (set by start_scheduler; run_job uses it)
_app = None


@dataclass
class JobSpec:
    func: object
    trigger: dict = field(default_factory=dict)

    def build_trigger(self, config):
        kwargs = {key: value(config) if callable(value) else value for key, value in self.trigger.items()}
        kind = kwargs.pop("trigger", "interval")
        if kind == "cron":
            return CronTrigger(timezone="UTC", **kwargs)
        return IntervalTrigger(timezone="UTC", **kwargs)


def job(job_id, **trigger):
    """Register `func(app)` as a scheduler job: `@job("mail.deliver", minutes=1)`, or
    `@job("x", trigger="cron", hour=5)`."""
    def decorator(func):
        JOBS[job_id] = JobSpec(func, trigger)
        return func
    return decorator


def heartbeat(app):
    """Write the scheduler's heartbeat (its own app context and commit)."""
    from cpms.core.service import beat
    from cpms.core.transaction import in_transaction
    global _last_heartbeat
    with app.app_context(), in_transaction("scheduler"):
        beat("scheduler")
    _last_heartbeat = time.monotonic()


job("heartbeat", seconds=lambda config: config["SCHEDULER_HEARTBEAT_SECONDS"])(heartbeat)


def registered_jobs():
    from cpms.domains import domain_modules
    domain_modules("jobs")  # importing them fills JOBS
    return JOBS


def run_job(job_id, app=None):
    """Run one registered job inside an app context (this function is what the job store refers to).

    A failing job is logged and does not stop the scheduler; being a sweep, the next run makes up for it.
    Returns the job's result.
    """
    from cpms.core.service import beat
    from cpms.core.transaction import in_transaction

    app = app or _app
    spec = registered_jobs().get(job_id)
    if app is None or spec is None:
        log.error("job %s: %s", job_id, "no application" if app is None else "not registered")
        return None
    with app.app_context():
        try:
            with in_transaction(f"scheduler:{job_id}"):
                result = spec.func(app)
                if job_id != "heartbeat":
                    beat(f"job:{job_id}")
            return result
        except Exception:
            log.exception("job %s failed", job_id)
            return None


def _retrying(method):
    """A job-store method retried with backoff on a database error (the database locked for a while, a
    connection dropped by a PostgreSQL restart: the pool is emptied before the next try)."""
    def wrapper(self, *args, **kwargs):
        for attempt in range(STORE_RETRIES):
            try:
                return method(self, *args, **kwargs)
            except DBAPIError as error:
                if attempt == STORE_RETRIES - 1:
                    raise
                log.warning("job store: %s; trying again", error.__class__.__name__)
                self.engine.dispose()
                time.sleep(0.5 * 2 ** attempt)
        return None
    wrapper.__name__ = method.__name__
    return wrapper


class AppJobStore(SQLAlchemyJobStore):
    """The job store on the application's own engine, which the jobs share: stopping the scheduler must
    not dispose of it (SQLAlchemyJobStore.shutdown would). Its database calls are retried on errors."""

    lookup_job = _retrying(SQLAlchemyJobStore.lookup_job)
    get_due_jobs = _retrying(SQLAlchemyJobStore.get_due_jobs)
    get_next_run_time = _retrying(SQLAlchemyJobStore.get_next_run_time)
    get_all_jobs = _retrying(SQLAlchemyJobStore.get_all_jobs)
    add_job = _retrying(SQLAlchemyJobStore.add_job)
    update_job = _retrying(SQLAlchemyJobStore.update_job)
    remove_job = _retrying(SQLAlchemyJobStore.remove_job)

    def shutdown(self):
        pass


class RobustScheduler(BackgroundScheduler):
    """APScheduler whose main loop survives an error of a round (APScheduler 3 lets an error of
    update_job/remove_job/get_next_run_time end its thread silently): the round is tried again shortly.
    A job not updated is due again and simply runs again (jobs are idempotent sweeps)."""

    def _process_jobs(self):
        try:
            return super()._process_jobs()
        except Exception:  # noqa: BLE001  – logged; the loop must go on
            log.exception("scheduler round failed; trying again in %s s", LOOP_RETRY_SECONDS)
            return LOOP_RETRY_SECONDS

    def alive(self):
        thread = getattr(self, "_thread", None)
        return self.running and thread is not None and thread.is_alive()


class _SkippedRunFilter(logging.Filter):
    """A sweep still running at its next tick is simply skipped: not worth a warning every few seconds."""

    def filter(self, record):
        return "maximum number of running instances reached" not in record.getMessage()


logging.getLogger("apscheduler.scheduler").addFilter(_SkippedRunFilter())
# APScheduler logs "Running job …" and "Job … executed successfully" at INFO for every run of every sweep (the
# heartbeat every minute): that is the scheduler's own routine, not news. Its warnings and errors still show;
# each sweep logs what it did (cpms.scheduler).
logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)


def build_scheduler(app):
    """A BackgroundScheduler with its job store in the application database (not started)."""
    from cpms.extensions import db
    with app.app_context():
        engine = db.engine
    return RobustScheduler(
        timezone="UTC",
        jobstores={"default": AppJobStore(engine=engine, tablename=JOB_TABLE)},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={
            "coalesce": True,  # a scheduler that was down runs a missed job once, not once per missed tick
            "misfire_grace_time": app.config["SCHEDULER_MISFIRE_GRACE_SECONDS"],
            "max_instances": 1,
        })


def sync_jobs(app, scheduler):
    """Make the stored jobs match the registered ones.

    A stored job whose trigger has not changed is left alone, keeping its next run time – which is how a
    restarted scheduler catches up once on what it missed. New or changed jobs run at once.
    """
    from cpms.core.models import utcnow

    wanted = registered_jobs()
    for stored in scheduler.get_jobs():
        if stored.id not in wanted:
            scheduler.remove_job(stored.id)
    for job_id, spec in wanted.items():
        trigger = spec.build_trigger(app.config)
        stored = scheduler.get_job(job_id)
        if stored is not None and str(stored.trigger) == str(trigger) and stored.func_ref == RUN_JOB:
            continue
        scheduler.add_job(RUN_JOB, trigger, args=[job_id], id=job_id, name=job_id, replace_existing=True,
                          next_run_time=utcnow())


def start_scheduler(app, scheduler=None):
    """Start (in background threads) a scheduler for `app` with its jobs synchronised; returns it."""
    global _app
    _app = app
    scheduler = scheduler or build_scheduler(app)
    scheduler.start(paused=True)
    sync_jobs(app, scheduler)
    scheduler.resume()
    log.info("scheduler started with jobs: %s", ", ".join(sorted(j.id for j in scheduler.get_jobs())))
    return scheduler


def run_scheduler(app):
    """The `flask cpms scheduler` process: run until SIGTERM or SIGINT, then let running jobs finish (at most
    STOP_WAIT_SECONDS). Returns the exit status: 0, or EXIT_UNHEALTHY when it found itself broken."""
    stop = threading.Event()

    def on_signal(signum, frame):
        log.info("scheduler stopping (signal %s)", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    global _last_heartbeat
    _last_heartbeat = time.monotonic()
    try:
        heartbeat(app)  # shows up on /healthz at once
    except DBAPIError as error:  # the heartbeat job tries again; the health check counts from now
        log.warning("first heartbeat failed: %s", error.__class__.__name__)
    scheduler = start_scheduler(app)
    problem = None
    try:
        while problem is None and not stop.wait(1):
            problem = scheduler_problem(app, scheduler)
    finally:
        # jobs are short sweeps: wait for them, but a sweep stuck on the database does not hold the exit
        stopping = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, daemon=True)
        stopping.start()
        stopping.join(STOP_WAIT_SECONDS)
        log.info("scheduler stopped")
    if problem:
        log.critical("scheduler unhealthy (%s): exiting so that it is started again", problem)
        return EXIT_UNHEALTHY
    return 0


def scheduler_problem(app, scheduler):
    """Why this scheduler process cannot go on (its thread died, its heartbeat failed for too long), or None."""
    if not scheduler.alive():
        return "APScheduler's thread is not running"
    limit = 3 * app.config["SCHEDULER_HEARTBEAT_SECONDS"] + 10
    if _last_heartbeat is not None and time.monotonic() - _last_heartbeat > limit:
        return f"no successful heartbeat for {limit} s"
    return None
