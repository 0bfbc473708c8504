"""Fault test: `python -m bench.faults` (make loadtest runs it after the load test, on each database).

The scheduler and job workers run (`flask cpms scheduler`, `flask cpms worker`) on a scratch database – SQLite,
or a new schema of CPMS_LOADTEST_DATABASE_URL – with --jobs queued jobs of a few short steps, each step a
progress write of its own. Once the first jobs are done, the fault:
- SQLite: another connection holds the write lock (BEGIN EXCLUSIVE) for --lock-seconds (30 by default);
- PostgreSQL: the server is stopped, left down for --down-seconds (10) and started again, by the command in
  CPMS_FAULT_PG_CTL followed by `stop` or `start` (CI: `pg_ctlcluster --skip-systemctl-redirect 15 main`);
  without it, every connection of the database is cut (pg_terminate_backend), the same fault seen from the app.
The monitoring status (/healthz, read through the application as a monitor would) is sampled every half second
during the fault and after it. The test plays the supervisor (systemd, `flask cpms dev`): a process that exits
is started again, and counted. It passes when every job ran to its end exactly once (the handler's own log, one
"done" line a job, whatever the attempts), every job is `done` in the queue, /healthz answered 503 naming the
fault while it lasted and 200 within RECOVERY_TIMEOUT after it, and no process exited other than by the
documented "unhealthy" status 3. Bounded: JOBS_TIMEOUT for the whole run; only 127.0.0.1 is contacted.
"""
import argparse
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.loadtest import scratch_database
from tests.jobs.fixtures import runs  # the handler's log, read as the job tests read it

JOBS_TIMEOUT = 600
RECOVERY_TIMEOUT = 90
SETTINGS = {  # short beats and leases, so that a 30 s fault is long in the processes' terms
    "CPMS_SCHEDULER_HEARTBEAT_SECONDS": "2", "CPMS_WORKER_HEARTBEAT_SECONDS": "1", "CPMS_WORKER_STALE_SECONDS": "6",
    "CPMS_WORKER_POLL_SECONDS": "0.2", "CPMS_JOB_LEASE_SECONDS": "10", "CPMS_JOB_STOP_GRACE_SECONDS": "2",
    "CPMS_LOG_LEVEL": "WARNING", "CPMS_SECRET_KEY": "fault-test-only",
}


class Supervisor:
    """Starts the scheduler and the workers, and starts again any that exits (as systemd would)."""

    def __init__(self, env, workdir, workers):
        self.env, self.workdir = env, workdir
        self.commands = ["scheduler"] + ["worker"] * workers
        self.processes, self.exits, self.logs = {}, [], []

    def start(self, slot):
        path = os.path.join(self.workdir, f"{self.commands[slot]}-{slot}-{len(self.logs)}.log")
        self.logs.append(path)
        with open(path, "wb") as output:
            self.processes[slot] = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "bench.fault_app", "cpms", self.commands[slot]],
                env=self.env, stdout=output, stderr=subprocess.STDOUT)

    def start_all(self):
        for slot in range(len(self.commands)):
            self.start(slot)

    def watch(self):
        for slot, process in self.processes.items():
            if process.poll() is not None:
                self.exits.append((self.commands[slot], process.returncode))
                self.start(slot)

    def stop_all(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_text(self):
        return "".join(Path(path).read_text(errors="replace") for path in self.logs if os.path.exists(path))


def seed(app, jobs, log, steps, delay):
    from cpms.auth.service import create_user
    from cpms.core.jobs import enqueue_job
    from cpms.core.transaction import in_transaction
    with app.test_request_context():
        with in_transaction("faults"):
            owner = create_user(name="Suivi Pannes", email="pannes@faults.cpms.example", role="me_officer",
                                password="Fault-test-password-2026", province_ids=[])
            return [enqueue_job("bench.record", {"log": log, "steps": steps, "delay": delay}, owner,
                                back_url="/").id for _ in range(jobs)]


def health(client):
    try:
        response = client.get("/healthz")
        return response.status_code, tuple(response.get_json().get("problems", ()))
    except Exception as error:  # noqa: BLE001  – the monitor notes whatever it gets
        return None, (f"no answer: {error.__class__.__name__}",)


def job_states(app, ids):
    from cpms.core.jobs import Job
    from cpms.extensions import db
    with app.app_context():
        try:
            rows = db.session.execute(sa.select(Job.state, Job.attempts).where(Job.id.in_(ids))).all()
        except sa.exc.DBAPIError:
            db.session.rollback()
            return {}
        finally:
            db.session.remove()
    states = {}
    for state, _attempts in rows:
        states[state] = states.get(state, 0) + 1
    return states


def attempts(app, ids):
    from cpms.core.jobs import Job
    from cpms.extensions import db
    with app.app_context():
        values = db.session.scalars(sa.select(Job.attempts).where(Job.id.in_(ids))).all()
        db.session.remove()
    return values


class Fault:
    """The fault of the run: start(), then stop() (which waits for the database to answer again)."""

    def __init__(self, url, seconds, down_seconds):
        self.url, self.seconds, self.down_seconds = url, seconds, down_seconds
        self.backend = sa.engine.make_url(url).get_backend_name()
        self.control = os.environ.get("CPMS_FAULT_PG_CTL")
        self.locker, self.down = None, False

    def describe(self):
        if self.backend == "sqlite":
            return f"SQLite write lock held {self.seconds:.0f} s"
        return (f"PostgreSQL stopped for {self.down_seconds:.0f} s, then started ({self.control} stop/start)"
                if self.control else "every PostgreSQL connection cut")

    def start(self):
        if self.backend == "sqlite":
            self.locker = sqlite3.connect(sa.engine.make_url(self.url).database, timeout=60)
            self.locker.execute("BEGIN EXCLUSIVE")
        elif self.control:
            self.pg_ctl("stop")
            self.down = True
        else:
            engine = sa.create_engine(self.url)
            with engine.begin() as connection:
                connection.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                           "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            engine.dispose()

    def pg_ctl(self, action):
        subprocess.run(shlex.split(self.control) + [action], check=True, stdout=subprocess.DEVNULL, timeout=120)

    def due(self, elapsed):
        """Called while the fault lasts: start PostgreSQL again after its time down."""
        if self.down and elapsed >= self.down_seconds:
            self.pg_ctl("start")
            self.down = False

    def stop(self):
        if self.down:
            self.pg_ctl("start")
            self.down = False
        if self.locker is not None:
            self.locker.rollback()
            self.locker.close()
            self.locker = None


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None, help="job workers (1 on SQLite, 2 on PostgreSQL)")
    parser.add_argument("--lock-seconds", type=float, default=30, help="how long SQLite's write lock is held")
    parser.add_argument("--down-seconds", type=float, default=10, help="how long PostgreSQL stays down")
    parser.add_argument("--observe-seconds", type=float, default=20,
                        help="how long the status is watched from the start of a PostgreSQL fault")
    return parser.parse_args(argv)


def wait_for_start(supervisor, client, log, deadline):
    """Until some jobs are done and the status is 200 (the scheduler's and a worker's heartbeats seen)."""
    while len(runs(log)) < 3 or health(client)[0] != 200:
        supervisor.watch()
        if time.monotonic() > deadline:
            raise TimeoutError(f"the processes did not start: {health(client)}")
        time.sleep(0.3)


def watch_fault(fault, supervisor, client, seconds):
    """Start the fault, sample /healthz every half second for `seconds`, end the fault. Returns (samples, the
    time when the status came back to 200 after a fault was seen or None, how long the fault lasted)."""
    samples, recovered_at = [], None
    started = time.monotonic()
    fault.start()
    try:
        while time.monotonic() < started + seconds:
            samples.append((round(time.monotonic() - started, 1),) + health(client))
            if recovered_at is None and samples[-1][1] == 200 and any(s[1] != 200 for s in samples):
                recovered_at = samples[-1][0]
            supervisor.watch()
            fault.due(time.monotonic() - started)
            time.sleep(0.5)
    finally:
        fault.stop()
    return samples, recovered_at, time.monotonic() - started


def wait_for_recovery(app, supervisor, client, ids, started, deadline):
    """Until the status is 200 and every job done. Returns when the status was first 200 again (from `started`)."""
    recovered_at = None
    while time.monotonic() < deadline:
        supervisor.watch()
        status = health(client)
        if recovered_at is None and status[0] == 200:
            recovered_at = time.monotonic() - started
        if status[0] == 200 and job_states(app, ids).get("done") == len(ids):
            break
        time.sleep(0.5)
    return recovered_at


def run(args, url, workdir):
    """The scheduler and workers through the fault; returns what happened (a dict)."""
    backend = sa.engine.make_url(url).get_backend_name()
    workers = args.workers or (1 if backend == "sqlite" else 2)
    env = dict(os.environ, CPMS_DATABASE_URL=url, CPMS_INSTANCE_PATH=workdir, **SETTINGS)
    os.environ.update({name: value for name, value in env.items() if name.startswith("CPMS_")})
    log = os.path.join(workdir, "runs.log")
    supervisor = Supervisor(env, workdir, workers)
    fault = Fault(url, args.lock_seconds, args.down_seconds)
    result = {"backend": backend, "workers": workers, "fault": fault.describe(), "log": log, "supervisor": supervisor}
    try:
        subprocess.run([sys.executable, "-m", "flask", "--app", "cpms", "db", "upgrade"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from bench.fault_app import app
        ids = seed(app, args.jobs, log, steps=5, delay=0.3)
        client = app.test_client()
        started = time.monotonic()
        supervisor.start_all()
        deadline = started + JOBS_TIMEOUT
        wait_for_start(supervisor, client, log, deadline)
        result.update(ids=ids, before=health(client), done_before=len(runs(log)))
        fault_started = time.monotonic()
        samples, recovered_at, fault_seconds = watch_fault(
            fault, supervisor, client, args.lock_seconds if backend == "sqlite" else args.observe_seconds)
        if recovered_at is None:
            recovered_at = wait_for_recovery(app, supervisor, client, ids, fault_started, deadline)
        else:
            wait_for_recovery(app, supervisor, client, ids, fault_started, deadline)
        result.update(samples=samples, recovered_at=recovered_at, fault_seconds=fault_seconds,
                      total=time.monotonic() - started, states=job_states(app, ids), attempts=attempts(app, ids),
                      status_after=health(client))
    finally:
        fault.stop()
        supervisor.stop_all()
    result.update(done=runs(log), begun=runs(log, "start"), process_log=supervisor.log_text())
    return result


def problems_of(result):
    problems = []
    ids, done = result["ids"], result["done"]
    duplicated = {job_id: n for job_id, n in done.items() if n > 1}
    missing = [job_id for job_id in ids if job_id not in done]
    if missing:
        problems.append(f"{len(missing)} jobs never ran to their end")
    if duplicated:
        problems.append(f"{len(duplicated)} jobs ran to their end more than once: {duplicated}")
    if result["states"].get("done") != len(ids):
        problems.append(f"job states at the end: {result['states']}")
    if not [s for s in result["samples"] if s[1] != 200 and s[2]]:
        problems.append("the monitoring status never reported the fault (always 200)")
    if result["recovered_at"] is None:
        problems.append(f"the monitoring status did not come back to 200: {result['status_after']}")
    odd_exits = [(name, code) for name, code in result["supervisor"].exits if code != 3]
    if odd_exits:
        problems.append(f"processes exited other than as 'unhealthy' (3): {odd_exits}")
    return problems


def report(result, problems):
    samples, done, begun = result["samples"], result["done"], result["begun"]
    faulty = [s for s in samples if s[1] != 200 and s[2]]
    reported = sorted({problem for sample in samples for problem in sample[2]})
    tries, exits = result["attempts"], result["supervisor"].exits
    print(f"fault test on {result['backend']}: {len(result['ids'])} jobs, scheduler + {result['workers']} worker(s); "
          f"{result['fault']}; {result['done_before']} jobs done before the fault")
    print(f"  before the fault /healthz {result['before'][0]}; during it 503 in {len(faulty)} of {len(samples)} "
          f"samples, first after {faulty[0][0] if faulty else '–'} s, naming: {'; '.join(reported) or '–'}")
    recovered = (f"status 200 again {result['recovered_at']:.1f} s after its start"
                 if result["recovered_at"] is not None else "status never back to 200")
    print(f"  fault lasted {result['fault_seconds']:.1f} s; {recovered}; all jobs done {result['total']:.1f} s after "
          f"the processes started")
    print(f"  jobs ended once: {sum(1 for n in done.values() if n == 1)} of {len(result['ids'])}; started more than "
          f"once (retried after the fault): {sum(1 for n in begun.values() if n > 1)}; attempts up to "
          f"{max(tries) if tries else '–'}; supervisor restarts: {exits or 'none'}")
    for problem in problems:
        print("  " + problem)


def main(argv=None):
    args = parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="cpms-faults-")
    url, cleanup = scratch_database(workdir)
    try:
        result = run(args, url, workdir)
    finally:
        try:
            cleanup()
        except sa.exc.DBAPIError:  # its pooled connection did not survive the restart: the pool has dropped it
            cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    problems = problems_of(result)
    report(result, problems)
    if problems:
        print("  processes' log (end):\n" + result["process_log"][-4000:])
        print("FAULT TEST FAILED")
        return 1
    print("fault test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
