"""The queue: enqueue in the request's transaction, claim under a lease, finish, retry, re-queue, expire.

Claiming is safe with any number of workers on any number of machines: on PostgreSQL the candidate row is
locked with `SELECT … FOR UPDATE SKIP LOCKED` (two workers never wait for or take the same row); on SQLite
one `UPDATE … WHERE id = (SELECT …) AND state = 'queued' RETURNING id` is atomic (SQLite has one writer).
A claimed job carries a lease (`locked_until`) that the worker's heartbeat renews; a job whose lease has
expired (its worker was killed, or lost the database) is queued again by the first worker that notices. A worker
whose lease lapsed while it was alive (starved, or the database away) takes its job back, and records its end,
as long as no other worker has claimed it since: the work is not done twice for a late heartbeat.
"""
import json
import logging
import os
import shutil
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, text, update

from cpms.core.jobs.models import FINISHED, Job
from cpms.core.jobs.registry import N_, task_spec
from cpms.core.models import utcnow
from cpms.core.transaction import in_transaction
from cpms.extensions import db

log = logging.getLogger("cpms.jobs")
INTERRUPTED_TOO_OFTEN = N_("This work was interrupted too many times; start it again.")
UNEXPECTED = N_("An unexpected error stopped this work; the administrators can find it in the log.")
DATABASE_BUSY = N_("The database stayed unavailable; the work was tried several times.")


def enqueue_job(kind, params, owner, back_url=None, max_attempts=None):
    """Queue a job of `kind` for `owner` (flush only: it becomes visible with the caller's commit, and a
    rolled-back request leaves no job). `params` are JSON values passed to the handler as keyword arguments."""
    spec = task_spec(kind)
    if spec is None:
        raise ValueError(f"unknown job kind {kind!r} (no @task in cpms/<domain>/tasks.py)")
    params = json.loads(json.dumps(params or {}))  # refuses what the table cannot store, at once
    job = Job(kind=kind, params=params, owner_id=getattr(owner, "id", owner), back_url=back_url,
              max_attempts=max_attempts or spec.max_attempts, state="queued", run_after=utcnow(), percent=0)
    db.session.add(job)
    db.session.flush()
    return job


def lease_seconds():
    return current_app.config["JOB_LEASE_SECONDS"]


def claim_next(worker_id, now=None, kinds=None):
    """Take the oldest due queued job (of `kinds`, default any) for `worker_id` (state running, attempts + 1,
    leased); its id or None."""
    now = now or utcnow()
    due = and_(Job.state == "queued", Job.run_after <= now)
    if kinds:
        due = and_(due, Job.kind.in_(list(kinds)))
    values = dict(state="running", locked_by=worker_id, locked_until=now + timedelta(seconds=lease_seconds()),
                  attempts=Job.attempts + 1, started_at=func.coalesce(Job.started_at, now), finished_at=None)
    with in_transaction():
        if db.session.get_bind().dialect.name == "postgresql":
            job_id = db.session.scalar(select(Job.id).where(due).order_by(Job.run_after, Job.id).limit(1)
                                       .with_for_update(skip_locked=True))
            if job_id is None:
                return None
            db.session.execute(update(Job).where(Job.id == job_id).values(**values)
                               .execution_options(synchronize_session=False))
            return job_id
        candidate = select(Job.id).where(due).order_by(Job.run_after, Job.id).limit(1).scalar_subquery()
        return db.session.scalar(update(Job).where(Job.id == candidate, Job.state == "queued").values(**values)
                                 .returning(Job.id).execution_options(synchronize_session=False))


def renew_lease(connection, job_id, worker_id, attempts=None, now=None):
    """Extend a running job's lease (the heartbeat, on its own connection); False when the job is no longer ours.
    With `attempts` (the claim's count), a job queued again after its lease lapsed, and not claimed since, is
    taken back."""
    now = now or utcnow()
    until = now + timedelta(seconds=lease_seconds())
    result = connection.execute(update(Job).where(Job.id == job_id, Job.locked_by == worker_id, Job.state == "running")
                                .values(locked_until=until))
    if result.rowcount == 1:
        return True
    if attempts is None:
        return False
    result = connection.execute(update(Job).where(_lapsed_and_unclaimed(job_id, attempts))
                                .values(state="running", locked_by=worker_id, locked_until=until))
    if result.rowcount == 1:
        log.warning("job %s: lease of %s lapsed while it worked; taken back", job_id, worker_id)
    return result.rowcount == 1


def _lapsed_and_unclaimed(job_id, attempts):
    """The job was queued again after its lease expired (same attempt count: nobody claimed it since)."""
    return and_(Job.id == job_id, Job.state == "queued", Job.locked_by.is_(None), Job.attempts == attempts)


def requeue_expired(now=None):
    """Queue again the running jobs whose lease has expired (their worker died); fail those interrupted
    max_attempts times. Returns the number re-queued."""
    now = now or utcnow()
    count = 0
    with in_transaction():
        stmt = select(Job).where(Job.state == "running", Job.locked_until < now)
        if db.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(of=Job, skip_locked=True)
        for job in db.session.scalars(stmt).all():
            log.warning("job %s (%s): lease of %s expired", job.id, job.kind, job.locked_by)
            if job.attempts >= job.max_attempts:
                _end(job, "failed", error=INTERRUPTED_TOO_OFTEN)
            else:
                _back_to_queue(job, now)
                count += 1
    return count


def _back_to_queue(job, run_after):
    job.state, job.locked_by, job.locked_until, job.run_after = "queued", None, None, run_after


def _end(job, state, error=None, message=None):
    job.state, job.locked_by, job.locked_until, job.finished_at = state, None, None, utcnow()
    job.error, job.message = error, message
    if state == "done":
        job.percent = 100
    db.session.flush()


def _own_running(job_id, worker_id, attempts=None):
    """The job, locked for update, if this worker still holds it – or, given the claim's `attempts`, if its lease
    lapsed and it was queued again but nobody claimed it since (its end is still this worker's to record)."""
    ours = and_(Job.id == job_id, Job.state == "running", Job.locked_by == worker_id)
    if attempts is not None:
        ours = or_(ours, _lapsed_and_unclaimed(job_id, attempts))
    stmt = select(Job).where(ours)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Job)
    return db.session.scalar(stmt)


def mark_done(job_id, worker_id, message=None, attempts=None):
    with in_transaction():
        job = _own_running(job_id, worker_id, attempts)
        if job is not None:
            _end(job, "done", message=message)
    return job is not None


def mark_failed(job_id, worker_id, error, attempts=None):
    with in_transaction():
        job = _own_running(job_id, worker_id, attempts)
        if job is not None:
            _end(job, "failed", error=error)
    return job is not None


def retry_later(job_id, worker_id, attempt_error=DATABASE_BUSY, attempts=None):
    """After a database fault: queue the job again with an exponential backoff, or fail it after max_attempts."""
    with in_transaction():
        job = _own_running(job_id, worker_id, attempts)
        if job is None:
            return False
        if job.attempts >= job.max_attempts:
            _end(job, "failed", error=attempt_error)
            return True
        else:
            delay = min(current_app.config["JOB_RETRY_SECONDS"] * 2 ** (job.attempts - 1), 600)
            _back_to_queue(job, utcnow() + timedelta(seconds=delay))
    return False


def release(job_id, worker_id, attempts=None):
    """A stopping worker gives its job back (not counted as an attempt): the next start resumes it."""
    with in_transaction():
        job = _own_running(job_id, worker_id, attempts)
        if job is not None:
            _back_to_queue(job, utcnow())
            job.attempts = max(0, job.attempts - 1)


def release_on(connection, job_id, worker_id):
    """release() on a raw connection, for a worker that must leave while its main thread is busy."""
    connection.execute(update(Job).where(Job.id == job_id, Job.locked_by == worker_id, Job.state == "running")
                       .values(state="queued", locked_by=None, locked_until=None, run_after=utcnow(),
                               attempts=func.max(Job.attempts - 1, 0) if connection.dialect.name == "sqlite"
                               else func.greatest(Job.attempts - 1, 0)))


def restart_job(job):
    """The owner asks again for a failed or cancelled job: queued afresh (flush only)."""
    job.state, job.attempts, job.error, job.message, job.percent, job.stage = "queued", 0, None, None, 0, None
    job.run_after, job.finished_at, job.started_at, job.locked_by, job.locked_until = utcnow(), None, None, None, None
    db.session.flush()


def cancel_job(job):
    """Cancel a job that has not started (flush only); `job_cancelled` lets its domain undo what it prepared."""
    from cpms.core.jobs.signals import job_cancelled
    if job.state == "queued":
        _end(job, "cancelled")
        db.session.flush()
        job_cancelled.send(current_app._get_current_object(), job=job)


def result_folder(job_id=None):
    path = os.path.join(current_app.instance_path, "jobs")
    return os.path.join(path, str(job_id)) if job_id is not None else path


def result_file(job):
    """Absolute path of a job's result (names come from the database, written by the worker)."""
    return os.path.join(current_app.instance_path, job.result_path) if job.result_path else None


def store_result(job_id, filename, data_or_path):
    """Write (bytes) or move (a path) the result under <instance>/jobs/<id>/; returns the relative path."""
    folder = result_folder(job_id)
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(filename) or "result"
    target = os.path.join(folder, name)
    if isinstance(data_or_path, (bytes, bytearray, memoryview)):
        with open(target + ".part", "wb") as handle:
            handle.write(data_or_path)
        os.replace(target + ".part", target)
    elif os.path.abspath(data_or_path) != target:
        shutil.move(os.fspath(data_or_path), target)
    return os.path.relpath(target, current_app.instance_path)


def purge_jobs(before):
    """Delete the finished jobs (and their result files) finished before `before`; the retention class "jobs"
    and the timed sweep call it. Returns the number of jobs deleted."""
    ids = db.session.scalars(select(Job.id).where(Job.state.in_(FINISHED), Job.finished_at < before)).all()
    for job_id in ids:
        shutil.rmtree(result_folder(job_id), ignore_errors=True)
    if ids:
        db.session.execute(delete(Job).where(Job.id.in_(ids)).execution_options(synchronize_session=False))
    return len(ids)


def oldest_waiting_seconds(now=None):
    """How long the oldest due queued job has waited (seconds), or None."""
    now = now or utcnow()
    oldest = db.session.scalar(select(func.min(Job.run_after)).where(Job.state == "queued", Job.run_after <= now))
    if oldest is None:
        return None
    if oldest.tzinfo is None:  # func.min bypasses the column type on SQLite
        from datetime import timezone
        oldest = oldest.replace(tzinfo=timezone.utc)
    return (now - oldest).total_seconds()


def queue_counts():
    return dict(db.session.execute(select(Job.state, func.count()).group_by(Job.state)).all())


def ping():
    db.session.execute(text("SELECT 1"))
