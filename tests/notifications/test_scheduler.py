"""The scheduler process: jobs kept in the database, caught up once after a downtime, each reminder
delivered once across restarts; the heartbeat on /healthz."""
import time
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from cpms.core import scheduler as scheduler_module
from cpms.core.models import SchedulerHeartbeat
from cpms.core.scheduler import JobSpec, build_scheduler, registered_jobs, start_scheduler, sync_jobs
from cpms.extensions import db as _db
from cpms.notifications.models import Notification

JUNE_3 = datetime(2017, 6, 3, 8, 0, tzinfo=timezone.utc)


def wait_for(condition, what, seconds=60):
    """Poll until `condition()` holds (the scheduler runs in background threads)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _db.session.rollback()  # see what the scheduler's threads committed
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def last_run(job_id):
    return _db.session.scalar(select(SchedulerHeartbeat.beat_at).where(SchedulerHeartbeat.name == f"job:{job_id}"))


def test_stored_jobs_keep_their_next_run_across_restarts_and_changed_ones_are_replaced(app, db, monkeypatch):
    with time_machine.travel(JUNE_3, tick=False) as clock:
        first = build_scheduler(app)
        first.start(paused=True)
        sync_jobs(app, first)
        assert {job.id for job in first.get_jobs()} == set(registered_jobs()) >= {
            "heartbeat", "reminders.sweep", "reminders.digest", "mail.deliver"}
        first.modify_job("reminders.sweep", next_run_time=JUNE_3 + timedelta(minutes=10))
        first.shutdown()

        clock.shift(3600)
        second = build_scheduler(app)
        second.start(paused=True)
        monkeypatch.setitem(scheduler_module.JOBS, "mail.deliver",
                            JobSpec(scheduler_module.JOBS["mail.deliver"].func, {"minutes": 5}))
        sync_jobs(app, second)
        # unchanged: still due at 08:10, so it runs (once) as soon as the scheduler resumes
        assert second.get_job("reminders.sweep").next_run_time == JUNE_3 + timedelta(minutes=10)
        # changed trigger: replaced, and due at once
        assert str(second.get_job("mail.deliver").trigger) == "interval[0:05:00]"
        assert second.get_job("mail.deliver").next_run_time == JUNE_3 + timedelta(hours=1)
        second.shutdown()


def test_a_real_scheduler_delivers_each_reminder_once_across_restarts_and_catches_up_once(
        app, overdue_items, smtp_server, monkeypatch):
    overdue_items(officers=(("en", "officer@test.cpms.example"),))
    jobs = registered_jobs()
    sweep = jobs["reminders.sweep"].func
    sweeps = []

    def counted_sweep(app):
        sweeps.append(datetime.now(timezone.utc))
        return sweep(app)

    monkeypatch.setitem(jobs, "reminders.sweep", JobSpec(counted_sweep, {"minutes": 10}))
    # the mail job every second instead of every minute, so that the test does not wait
    monkeypatch.setitem(jobs, "mail.deliver", JobSpec(jobs["mail.deliver"].func, {"seconds": 1}))

    with time_machine.travel(JUNE_3, tick=True):
        scheduler = start_scheduler(app)
        try:
            wait_for(lambda: len(smtp_server.messages) == 1, "the reminder's e-mail")
        finally:
            scheduler.shutdown(wait=True)
    assert len(sweeps) == 1

    # down for an hour (five sweeps missed), then started again: the sweep runs once, and sends nothing new
    back = JUNE_3 + timedelta(hours=1)
    with time_machine.travel(back, tick=True):
        scheduler = start_scheduler(app)
        try:
            wait_for(lambda: (last_run("reminders.sweep") or JUNE_3) >= back, "the sweep to catch up")
            wait_for(lambda: (last_run("mail.deliver") or JUNE_3) > last_run("reminders.sweep"), "a mail run after it")
        finally:
            scheduler.shutdown(wait=True)
    assert len(sweeps) == 2 and sweeps[1] >= back
    assert len(smtp_server.messages) == 1
    assert _db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_the_heartbeat_shows_on_healthz(app, client, db):
    assert client.get("/healthz").get_json()["scheduler"]["status"] == "never seen"
    scheduler_module.run_job("heartbeat", app)
    scheduler_module.run_job("reminders.sweep", app)  # a job's own run is not a heartbeat of the process
    body = client.get("/healthz").get_json()
    assert body["scheduler"]["status"] == "ok" and body["scheduler"]["age_seconds"] < 60
    assert last_run("reminders.sweep") is not None


def test_run_job_from_the_command_line(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["cpms", "run-job", "reminders.sweep"])
    assert result.exit_code == 0 and "'claimed': 0" in result.output
    unknown = runner.invoke(args=["cpms", "run-job", "coffee"])
    assert unknown.exit_code != 0 and "reminders.sweep" in unknown.output
