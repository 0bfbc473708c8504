"""Job-mechanism fixtures: the tests' handlers (registered once), a job factory, and worker/scheduler
subprocesses on the test database."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from cpms.core.errors import DomainError
from cpms.core.jobs import N_, enqueue_job, task
from cpms.core.transaction import in_transaction

RAN = []
ROOT = Path(__file__).resolve().parents[2]


@task("tests.echo", title=N_("Sign-in sheet"))
def echo(job, value=0, fail=None):
    job.progress(50, N_("Rendering pages"))
    RAN.append(value)
    if fail == "domain":
        raise DomainError("Nothing to do")
    if fail == "database" and job.attempts == 1:  # the first attempt meets a locked database
        raise OperationalError("UPDATE …", {}, Exception("database is locked"))
    job.save_result("echo.txt", f"value {value}".encode(), "text/plain")
    return N_("The sign-in sheet is ready.")


@task("tests.session", title=N_("Sign-in sheet"))
def session_state(job):
    """Records whether the handler starts with a database transaction open (it must not: a database restart
    meanwhile would break the rollback after it and leave the job unrecorded) and the time zone it formats in."""
    from flask_babel import get_timezone

    from cpms.extensions import db
    RAN.append((db.session().in_transaction(), str(get_timezone())))


@task("tests.record", title=N_("Sign-in sheet"))
def record(job, log, steps=1, delay=0.0, silent=False):
    """Writes "start <id>" and "done <id>" lines to the file `log` (appends are atomic): how many times each
    job ran, whatever process ran it. `silent`: no progress() calls while it works (a stuck render)."""
    with open(log, "a") as handle:
        handle.write(f"start {job.id} {os.getpid()}\n")
    for step in range(steps):
        if not silent:
            job.progress(int(100 * step / steps), N_("Rendering pages"))
        time.sleep(delay)
    with open(log, "a") as handle:
        handle.write(f"done {job.id} {os.getpid()}\n")


def runs(log, what="done"):
    """{job id: how many `what` lines} of a record log."""
    counts = {}
    if os.path.exists(log):
        for line in Path(log).read_text().splitlines():
            kind, job_id, _pid = line.split()
            if kind == what:
                counts[int(job_id)] = counts.get(int(job_id), 0) + 1
    return counts


@pytest.fixture
def make_job(db):
    """make_job(owner, kind="tests.echo", **params): a committed queued job."""
    def factory(owner, kind="tests.echo", **params):
        with in_transaction():
            return enqueue_job(kind, params, owner, back_url="/")
    RAN.clear()
    return factory


class Processes:
    """`flask cpms worker` / `flask cpms scheduler` subprocesses on the test database; all killed at the end."""

    def __init__(self, app, tmp_path):
        self.app, self.tmp_path, self.started = app, tmp_path, []

    def config(self, **overrides):
        config = self.app.config
        values = {"TESTING": True, "SECRET_KEY": "test-secret", "SERVER_NAME": None,
                  "SQLALCHEMY_DATABASE_URI": config["SQLALCHEMY_DATABASE_URI"],
                  "SQLALCHEMY_ENGINE_OPTIONS": {k: v for k, v in config["SQLALCHEMY_ENGINE_OPTIONS"].items()
                                                if k == "connect_args"},
                  "UPLOAD_DIR": config["UPLOAD_DIR"], "RATELIMIT_STORAGE_URI": "memory://",
                  "JOB_LEASE_SECONDS": 3, "WORKER_POLL_SECONDS": 0.2, "WORKER_HEARTBEAT_SECONDS": 1,
                  "JOB_STOP_GRACE_SECONDS": 2, "CERTIFICATE_WORKERS": 1, "SCHEDULER_HEARTBEAT_SECONDS": 1}
        values.update(overrides)
        return values

    def start(self, command="worker", **overrides):
        env = dict(os.environ, CPMS_JOBS_TEST_CONFIG=json.dumps(self.config(**overrides)),
                   CPMS_JOBS_TEST_INSTANCE=self.app.instance_path, PYTHONPATH=str(ROOT))
        env.pop("CPMS_DATABASE_URL", None)
        output = open(self.tmp_path / f"{command}-{len(self.started)}.log", "wb")
        with output:  # the child keeps its own copy
            process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "tests.jobs.process_app", "cpms",
                                        command], env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        process.log_path = output.name
        self.started.append(process)
        return process

    def stop_all(self):
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()


@pytest.fixture
def processes(app, db, tmp_path):
    started = Processes(app, tmp_path)
    yield started
    started.stop_all()


def wait_until(condition, what, seconds=120, every=0.2):
    """Poll until `condition()` holds (another process does the work); fails after `seconds`."""
    from cpms.extensions import db as _db
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _db.session.rollback()  # see what the other processes committed
        if condition():
            return
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}")
