"""Running one claimed job: its context (`job.progress`, `job.save_result`), the owner's identity and language,
and what becomes of it (done, failed with a reason, retried later, or given back when the worker stops)."""
import logging
import threading
import time

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from cpms.core.errors import DomainError
from cpms.core.jobs import queue
from cpms.core.jobs.models import Job
from cpms.core.jobs.registry import task_spec
from cpms.core.jobs.signals import job_finished
from cpms.core.models import utcnow
from cpms.core.templating import force_timezone
from cpms.core.transaction import acting_as
from cpms.extensions import db

log = logging.getLogger("cpms.jobs")
RECORD_TRIES = 6


class JobInterrupted(BaseException):
    """Raised by job.progress() when the worker is stopping. A BaseException, so that a handler's
    `except Exception` does not take it for a failure of its own."""


class JobContext:
    """What a handler receives as `job`."""

    def __init__(self, job, worker_id, stop=None):
        self.id, self.kind, self.params = job.id, job.kind, dict(job.params or {})
        self.owner_id, self.attempts = job.owner_id, job.attempts
        self.worker_id = worker_id
        self.stop = stop or threading.Event()
        self.last_progress = time.monotonic()
        self.finishing = False  # the handler has returned: its outcome is being recorded

    def check(self):
        """Raise JobInterrupted if the worker is stopping (progress() calls it)."""
        self.last_progress = time.monotonic()
        if self.stop.is_set():
            raise JobInterrupted()

    def progress(self, percent, stage=None):
        """Record progress (0–100) and the stage (a msgid, N_("…")) in a short commit of its own, on its own
        connection: call it between your transactions. Raises JobInterrupted when the worker is stopping."""
        self.check()
        values = {"percent": max(0, min(100, int(percent)))}
        if stage is not None:
            values["stage"] = str(stage)[:200]
        try:
            with db.engine.begin() as connection:
                connection.execute(update(Job).where(Job.id == self.id, Job.locked_by == self.worker_id).values(**values))
        except DBAPIError as error:  # progress is for the reader: a busy database does not stop the work
            log.warning("job %s: progress not recorded (%s)", self.id, error.__class__.__name__)

    def save_result(self, filename, data_or_path, mimetype):
        """Keep the result (bytes, or the path of a file to move) under the instance folder; the job's page
        offers it for download to its owner."""
        path = queue.store_result(self.id, filename, data_or_path)
        with db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == self.id).values(
                result_path=path, result_filename=filename, result_mimetype=mimetype))
        return path


def execute_job(job_id, worker_id, stop=None, current=None):
    """Run a job this worker has claimed. Returns its outcome: "done", "failed", "retry" or "interrupted"
    (then it is queued again). `current`, a list, holds the JobContext while the handler runs and its outcome is
    recorded."""
    job = db.session.get(Job, job_id)
    spec = task_spec(job.kind)
    owner = job.owner
    locale, zone = getattr(owner, "locale", None), getattr(owner, "display_zone", None)
    context = JobContext(job, worker_id, stop)
    db.session.rollback()  # no transaction left open while the handler works (nothing read from `owner` after it)
    if spec is None:
        queue.mark_failed(job_id, worker_id, queue.UNEXPECTED)
        log.error("job %s: no handler for kind %s", job_id, context.kind)
        return "failed"
    if current is not None:
        current.append(context)
    try:  # the context stays in `current` until the outcome is recorded: the heartbeat keeps renewing the lease
        return _run(spec, context, owner, locale, zone)  # while a database fault delays the record (bench/faults.py)
    finally:
        if current is not None:
            current.clear()


def _run(spec, context, owner, locale, zone):
    """The handler, then its outcome recorded (see execute_job)."""
    job_id, worker_id = context.id, context.worker_id
    try:
        try:
            message = _call(spec, context, owner, locale, zone)
        finally:
            context.finishing = True  # a stopping worker lets its outcome be recorded rather than give it back
    except JobInterrupted:
        _discard()
        _record(queue.release, job_id, worker_id, attempts=context.attempts)
        log.info("job %s (%s) interrupted; queued again", job_id, context.kind)
        return "interrupted"
    except DomainError as error:
        _discard()
        _announce(_record(queue.mark_failed, job_id, worker_id, error.message, attempts=context.attempts), job_id)
        return "failed"
    except (OperationalError, InterfaceError) as error:  # a locked or lost database: later, with a fresh pool
        _discard()
        log.warning("job %s (%s): database error, retried later: %s", job_id, context.kind, error)
        db.engine.dispose()
        _announce(_record(queue.retry_later, job_id, worker_id, attempts=context.attempts), job_id)
        return "retry"
    except Exception:  # noqa: BLE001  – a bug in a handler fails its job, never the worker
        _discard()
        log.exception("job %s (%s) failed", job_id, context.kind)
        _announce(_record(queue.mark_failed, job_id, worker_id, queue.UNEXPECTED, attempts=context.attempts),
                  job_id)
        return "failed"
    _discard()
    _announce(_record(queue.mark_done, job_id, worker_id, str(message)[:500] if message else None,
                      attempts=context.attempts), job_id)
    return "done"


def _discard():
    """Roll the session back after the handler; a connection lost meanwhile (the database restarted) is dropped
    rather than stopping the outcome from being recorded (a job done but not recorded would run again)."""
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()


def _announce(ended, job_id):
    """After the job's end is committed: `job_finished` (the owner's notification). Receivers commit their own
    work; one that fails is logged (the notifications' sweep catches up)."""
    if not ended:
        return
    try:
        job_finished.send(current_app._get_current_object(), job_id=job_id)
    except Exception:  # noqa: BLE001
        db.session.rollback()
        log.exception("job %s: job_finished receiver failed", job_id)


def _record(step, *args, tries=RECORD_TRIES, **kwargs):
    """Record a job's outcome, retried with backoff through a database fault (a job done but not recorded
    would run again when its lease expires)."""
    for attempt in range(tries):
        try:
            return step(*args, **kwargs)
        except DBAPIError as error:
            db.session.rollback()
            if attempt == tries - 1:
                raise
            log.warning("job %s: outcome not recorded yet (%s); trying again", args[0], error.__class__.__name__)
            db.engine.dispose()
            time.sleep(min(2 ** attempt, 8))
    return None


def _call(spec, context, owner, locale, zone):
    """The handler, acting as the owner, in their language and time zone, with a request context for url_for."""
    app = current_app._get_current_object()
    base_url = app.config.get("BASE_URL") or "http://localhost/"
    locale = locale or app.config["BABEL_DEFAULT_LOCALE"]
    with app.test_request_context("/", base_url=base_url), force_locale(locale), \
            force_timezone(zone), acting_as(owner, label=f"job:{spec.kind}"):
        return spec.func(context, **context.params)


def run_queued_jobs(worker_id="inline", limit=None, kinds=None):
    """Run the due queued jobs (of `kinds`, default all) one after another in this process (tests,
    `flask cpms run-jobs`); returns how many ran (whatever their outcome). Commit what they need first."""
    count = 0
    queue.requeue_expired()
    while limit is None or count < limit:
        job_id = queue.claim_next(worker_id, kinds=kinds)
        if job_id is None:
            break
        execute_job(job_id, worker_id)
        count += 1
    return count


__all__ = ["JobContext", "JobInterrupted", "execute_job", "run_queued_jobs", "utcnow"]
