"""The queue: transactional enqueue, a run with progress and result, failures with their reason."""
from sqlalchemy import func, select

from cpms.core.jobs import Job, enqueue_job, run_queued_jobs
from cpms.core.transaction import in_transaction
from tests.jobs.fixtures import RAN


def test_a_queued_job_runs_once_and_keeps_its_result(app, db, make_user, make_job):
    owner = make_user("trainer")
    job = make_job(owner, value=7)
    assert run_queued_jobs() == 1
    assert run_queued_jobs() == 0
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.state, job.percent, job.message, job.result_filename) == ("done", 100, "The sign-in sheet is ready.", "echo.txt")
    assert RAN == [7]


def test_a_rolled_back_request_leaves_no_job(app, db, make_user):
    owner = make_user("trainer")
    db.session.commit()
    enqueue_job("tests.echo", {"value": 1}, owner)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    assert run_queued_jobs() == 0


def test_a_domain_error_fails_the_job_with_its_reason(app, db, make_user, make_job):
    job = make_job(make_user("trainer"), fail="domain")
    assert run_queued_jobs() == 1
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.state, job.error) == ("failed", "Nothing to do")


def test_the_owner_is_notified_when_the_job_is_done(app, db, make_user, make_job):
    from cpms.notifications.models import Notification, OutboxMessage
    owner = make_user("trainer", locale="fr")
    job = make_job(owner, value=3)
    run_queued_jobs()
    notification = db.session.scalar(select(Notification))
    assert (notification.user_id, notification.link_endpoint, notification.link_values) == (owner.id, "jobs.show", {"job_id": job.id})
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.subject == "Prêt : Feuille d'émargement"


def test_a_database_fault_queues_the_job_again_with_a_backoff(app, db, make_user, make_job):
    from datetime import timedelta

    import time_machine

    from cpms.core.models import utcnow
    job = make_job(make_user("trainer"), fail="database")
    before = utcnow()
    assert run_queued_jobs() == 1
    db.session.expire_all()
    row = db.session.get(Job, job.id)
    assert (row.state, row.attempts, row.locked_by) == ("queued", 1, None)
    assert row.run_after >= before + timedelta(seconds=app.config["JOB_RETRY_SECONDS"])
    assert run_queued_jobs() == 0  # not yet
    with time_machine.travel(row.run_after + timedelta(seconds=1), tick=False):
        assert run_queued_jobs() == 1
    db.session.expire_all()
    row = db.session.get(Job, job.id)
    assert (row.state, row.attempts) == ("done", 2)
    assert RAN == [0, 0]


def test_an_expired_lease_is_queued_again_and_fails_after_max_attempts(app, db, make_user, make_job):
    from datetime import timedelta

    from cpms.core.jobs.queue import claim_next, requeue_expired
    from cpms.core.models import utcnow
    job = make_job(make_user("trainer"))
    for attempt in range(1, 4):
        assert claim_next("worker:gone:1") == job.id
        with in_transaction():
            db.session.get(Job, job.id).locked_until = utcnow() - timedelta(seconds=1)
        requeue_expired()
        db.session.expire_all()
        assert db.session.get(Job, job.id).state == ("queued" if attempt < 3 else "failed")
    assert db.session.get(Job, job.id).error == "This work was interrupted too many times; start it again."


def test_a_worker_does_not_sweep_expired_leases_within_a_lease_after_a_database_fault(app):
    """While the database was unreachable nobody could renew a lease: right after it returns, an expired lease
    says nothing about its worker (bench/faults.py found a job run twice through a PostgreSQL restart)."""
    import time

    from cpms.core.jobs.worker import Worker
    worker = Worker(app, name="worker:test:1")
    lease = app.config["JOB_LEASE_SECONDS"]
    long_ago = time.monotonic() - lease
    assert worker.may_sweep(last_sweep=long_ago)
    worker.last_fault = time.monotonic()
    assert not worker.may_sweep(last_sweep=long_ago)
    worker.last_fault = time.monotonic() - lease - 1
    assert worker.may_sweep(last_sweep=long_ago)


def _lapse(job_id):
    """The job's lease expired (its worker starved, or the database away) and a sweep queued it again."""
    from datetime import timedelta

    from cpms.core.jobs.queue import requeue_expired
    from cpms.core.models import utcnow
    from cpms.extensions import db
    with in_transaction():
        db.session.get(Job, job_id).locked_until = utcnow() - timedelta(seconds=1)
    assert requeue_expired() == 1
    db.session.expire_all()
    assert db.session.get(Job, job_id).state == "queued"


def test_a_worker_whose_lease_lapsed_records_its_end_when_nobody_claimed_the_job_since(app, db, make_user, make_job):
    """The job is not run a second time for a late heartbeat: its worker finishes it and it is done."""
    from cpms.core.jobs.queue import claim_next, mark_done
    job = make_job(make_user("trainer"))
    assert claim_next("worker:slow:1") == job.id
    _lapse(job.id)
    assert mark_done(job.id, "worker:slow:1", attempts=1)
    db.session.expire_all()
    row = db.session.get(Job, job.id)
    assert (row.state, row.attempts, row.locked_by) == ("done", 1, None)
    assert run_queued_jobs() == 0  # nothing left to run again
    assert RAN == []


def test_a_worker_whose_lease_lapsed_takes_its_job_back_at_its_next_heartbeat(app, db, make_user, make_job):
    from cpms.core.jobs.queue import claim_next, renew_lease
    job = make_job(make_user("trainer"))
    assert claim_next("worker:slow:1") == job.id
    _lapse(job.id)
    with db.engine.begin() as connection:
        assert renew_lease(connection, job.id, "worker:slow:1", attempts=1)
    db.session.expire_all()
    row = db.session.get(Job, job.id)
    assert (row.state, row.locked_by) == ("running", "worker:slow:1")
    assert claim_next("worker:other:2") is None  # another worker does not take it


def test_a_worker_whose_lapsed_job_was_claimed_by_another_records_nothing(app, db, make_user, make_job):
    from cpms.core.jobs.queue import claim_next, mark_done, renew_lease
    job = make_job(make_user("trainer"))
    assert claim_next("worker:slow:1") == job.id
    _lapse(job.id)
    assert claim_next("worker:other:2") == job.id
    with db.engine.begin() as connection:
        assert not renew_lease(connection, job.id, "worker:slow:1", attempts=1)
    assert not mark_done(job.id, "worker:slow:1", attempts=1)
    db.session.expire_all()
    row = db.session.get(Job, job.id)
    assert (row.state, row.locked_by, row.attempts) == ("running", "worker:other:2", 2)


def test_the_scheduler_s_hourly_sweep_leaves_expired_leases_to_the_workers(app, db, make_user, make_job):
    """It may run just after the database returned, before the living workers renewed their leases."""
    from datetime import timedelta

    from cpms.core.jobs import expire_jobs
    from cpms.core.jobs.queue import claim_next
    from cpms.core.models import utcnow
    job = make_job(make_user("trainer"))
    assert claim_next("worker:alive:1") == job.id
    with in_transaction():
        db.session.get(Job, job.id).locked_until = utcnow() - timedelta(seconds=1)
    with in_transaction():
        expire_jobs(app)
    db.session.expire_all()
    assert db.session.get(Job, job.id).state == "running"


def test_a_handler_starts_with_no_transaction_open_and_in_its_owner_s_time_zone(app, db, make_user, make_job):
    """The owner's zone is read before the session is rolled back: reading it in the handler's context opened a
    transaction that a PostgreSQL restart broke, and the job ran twice (bench/faults.py)."""
    make_job(make_user("trainer", provinces=["Kasaï-Oriental"]), kind="tests.session")
    assert run_queued_jobs() == 1
    assert RAN == [(False, "Africa/Lubumbashi")]
