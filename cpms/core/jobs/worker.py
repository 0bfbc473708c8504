"""The worker process (`flask cpms worker`): claims queued jobs and runs them, one at a time.

- Its heartbeat thread renews the lease of the running job and writes the worker's own heartbeat
  ("worker:<host>:<pid>" in scheduler_heartbeats, read by /healthz).
- Database faults (locked, connection dropped by a PostgreSQL restart) make the loop wait with a growing
  backoff after emptying the connection pool; a job that met one is queued again with a backoff (runner.py).
- It never stays up with a dead loop: a watchdog thread exits the process (status 3) when the loop has not
  moved for CPMS_WORKER_WATCHDOG_SECONDS, and the loop exits when the heartbeat thread has died; the
  supervisor (systemd, `flask cpms dev`) starts it again.
- SIGTERM/SIGINT: it stops claiming; the running job is interrupted at its next job.progress() (or, after
  CPMS_JOB_STOP_GRACE_SECONDS, given back from the heartbeat side) and queued again, so the next start
  resumes it. A worker killed outright loses its lease, and its job is queued again when the lease expires.
"""
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time

from sqlalchemy.exc import DBAPIError

from cpms.core.jobs import queue
from cpms.core.jobs.runner import execute_job
from cpms.extensions import db

log = logging.getLogger("cpms.worker")
EXIT_UNHEALTHY = 3
MAX_BACKOFF_SECONDS = 30


def worker_name():
    return f"worker:{socket.gethostname()}:{os.getpid()}"[-50:]


class Worker:
    def __init__(self, app, name=None):
        self.app = app
        self.name = name or worker_name()
        self.stop = threading.Event()
        self.current = []  # the JobContext of the running job
        self.tick = time.monotonic()  # the loop's last sign of life
        self.failures = 0
        self.last_fault = -float("inf")  # when this process last met a database fault (either thread)
        self.config = app.config

    # --- the main loop ----------------------------------------------------------------------------------

    def run(self):
        """Run until stopped; returns the process's exit status."""
        log.info("%s started", self.name)
        beating = threading.Thread(target=self._beat_forever, name="worker-heartbeat", daemon=True)
        beating.start()
        last_sweep = 0.0
        while not self.stop.is_set():
            self.tick = time.monotonic()
            if not beating.is_alive():
                log.critical("%s: heartbeat thread died; exiting", self.name)
                return EXIT_UNHEALTHY
            try:
                with self.app.app_context():
                    if self.may_sweep(last_sweep):
                        queue.requeue_expired()
                        last_sweep = time.monotonic()
                    ran = self.run_one()
                self.failures = 0
            except DBAPIError as error:
                self._database_fault(error)
                continue
            if not ran:
                self.stop.wait(self.config["WORKER_POLL_SECONDS"])
        log.info("%s stopped", self.name)
        return 0

    def may_sweep(self, last_sweep):
        """Time to queue again the jobs of dead workers: every half lease, but never within a lease after a
        database fault. While the database was unreachable no worker could renew its lease, so a lease that
        expired meanwhile says nothing about its worker: the living ones renew theirs within a heartbeat of the
        database's return (a job swept before then would run twice, the bench.faults PostgreSQL restart)."""
        lease = self.config["JOB_LEASE_SECONDS"]
        now = time.monotonic()
        return now - last_sweep > lease / 2 and now - self.last_fault > lease

    def run_one(self):
        job_id = queue.claim_next(self.name)
        if job_id is None:
            return False
        log.info("%s: job %s", self.name, job_id)
        execute_job(job_id, self.name, stop=self.stop, current=self.current)
        return True

    def _database_fault(self, error):
        self.last_fault = time.monotonic()
        self.failures += 1
        delay = min(2 ** self.failures, MAX_BACKOFF_SECONDS)
        log.warning("%s: database error; trying again in %s s: %s", self.name, delay, str(error).splitlines()[0])
        with self.app.app_context():
            db.session.rollback()
            db.engine.dispose()
        self.stop.wait(delay)

    # --- the heartbeat thread: leases, the worker's heartbeat, the watchdog ----------------------------

    def _beat_forever(self):
        every = min(self.config["WORKER_HEARTBEAT_SECONDS"], self.config["JOB_LEASE_SECONDS"] / 3)
        while True:
            self._watchdog()
            try:
                with self.app.app_context():
                    self.beat()
            except Exception as error:  # noqa: BLE001  – a missed beat is retried at the next one
                self.last_fault = time.monotonic()
                log.warning("%s: heartbeat failed (%s)", self.name, error.__class__.__name__)
            time.sleep(every)

    def beat(self):
        from cpms.core.service import beat
        from cpms.core.transaction import in_transaction

        running = list(self.current)
        if running:
            with db.engine.begin() as connection:
                if not queue.renew_lease(connection, running[0].id, self.name, attempts=running[0].attempts):
                    log.warning("%s: job %s is no longer ours", self.name, running[0].id)
        with in_transaction():
            beat(self.name)

    def _watchdog(self):
        running = list(self.current)
        moved = max([self.tick] + [context.last_progress for context in running])
        if time.monotonic() - moved > self.config["WORKER_WATCHDOG_SECONDS"]:
            log.critical("%s: no progress for %s s; exiting", self.name, self.config["WORKER_WATCHDOG_SECONDS"])
            self._leave(EXIT_UNHEALTHY)

    # --- stopping ------------------------------------------------------------------------------------

    def request_stop(self, signum=None, frame=None):
        if self.stop.is_set():
            return
        log.info("%s stopping (signal %s)", self.name, signum)
        self.stop.set()
        threading.Thread(target=self._grace, name="worker-grace", daemon=True).start()

    def _grace(self):
        """If the running job has not reached a progress() call within the grace, give it back and leave."""
        deadline = time.monotonic() + self.config["JOB_STOP_GRACE_SECONDS"]
        while time.monotonic() < deadline:
            running = list(self.current)
            if not running or running[0].finishing:  # done: the main thread records its outcome, then stops
                return
            time.sleep(0.05)
        self._leave(0)

    def _leave(self, status):
        """Give the running job back to the queue and end the process now (its render processes too)."""
        running = list(self.current)
        try:
            if running:
                with self.app.app_context(), db.engine.begin() as connection:
                    queue.release_on(connection, running[0].id, self.name)
                log.info("%s: job %s queued again", self.name, running[0].id)
        except Exception:  # noqa: BLE001  – the lease expires anyway
            log.exception("%s: could not give job back", self.name)
        for child in multiprocessing.active_children():
            child.terminate()
        logging.shutdown()
        os._exit(status)


def run_worker(app):
    """The `flask cpms worker` process; returns the worker's exit status."""
    worker = Worker(app)
    signal.signal(signal.SIGTERM, worker.request_stop)
    signal.signal(signal.SIGINT, worker.request_stop)
    return worker.run()


def leave_now(status):
    """End a process whose work is committed without the interpreter's slow teardown of a large application
    (seconds on a loaded machine): stopping within 5 s is a promise of `make run`."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
