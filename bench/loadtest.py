"""Load test: `python -m bench.loadtest` (make loadtest).

Starts gunicorn with 4 workers on a scratch database – SQLite in WAL mode, or a fresh PostgreSQL database
made in a new schema of CPMS_LOADTEST_DATABASE_URL – and sends attendance saves (PUT /api/v1/sessions/<id>/attendance)
in three rounds of 500 from 20 concurrent clients:
1. alone;
2. while a whole-cohort certificate batch (--batch-trainees officers, 250 by default) runs in a separate
   process, as the scheduler would run it (`flask cpms certificates run-batches`, with its rendering processes).
   The saves start once the batch has stored its first chunk and must end before it has issued the last
   certificate, so the batch's writes overlap the whole round.
3. while two `flask cpms worker` processes run, at once, the job of a survey import (--survey-rows rows of a
   CSV export, previewed and confirmed before the workers start: staged in chunks, then published) and the job of
   a second certificate batch. The saves start once the import is staging and the batch has issued its first
   chunk; the workers are stopped with SIGTERM at the end.
The saves overlap each other: each part of each register is saved five times, by different clients at once.
Then it checks that every mark is stored exactly once with the right status, that no answer was a 5xx, that
neither a web worker, the batch process nor a job worker logged "database is locked", that both batches ended
`done` with every certificate issued exactly once (rows counted), that the survey import is published with
exactly the file's rows, and that every job is `done`; it prints the figures of every round (p50/p95/p99/max)
and of the batches and exits non-zero on any failure. Only 127.0.0.1 is contacted; the run is bounded (30 s
timeout a request, BATCH_TIMEOUT for a batch, JOBS_TIMEOUT for round 3's jobs).
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from datetime import time as clock

import sqlalchemy as sa

STATUSES = ("present", "late", "excused", "absent")
SESSIONS, TRAINEES, PARTS = 25, 40, 4  # per round: each round saves the registers of its own 25 sessions
ROUNDS = ("alone", "with the certificate batch", "with a survey import and a certificate batch in workers")
BATCH_TIMEOUT = 600  # seconds; a 250-certificate batch takes about a minute on two cores
JOBS_TIMEOUT = 1200  # seconds, round 3: the survey import and the batch, run by `flask cpms worker` processes
BASE_URL = "https://cpms.example.org"


def expected_status(session_index, trainee_index):
    return STATUSES[(session_index * 7 + trainee_index * 3) % len(STATUSES)]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_database(workdir):
    """(url, cleanup) of an empty database for the run: a SQLite file, or a new schema in the PostgreSQL
    database of CPMS_LOADTEST_DATABASE_URL (dropped afterwards)."""
    base = os.environ.get("CPMS_LOADTEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{workdir}/load.sqlite3", lambda: None
    url = sa.engine.make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    schema = f"cpms_load_{os.getpid()}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def cleanup():
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    # every connection of the app, the migration and the workers uses the schema (libpq `options`)
    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), cleanup


def seed(env, batch_trainees):
    """A trainer's cohort with TRAINEES officers and a round's SESSIONS past sessions per round, and a completed
    cohort of `batch_trainees` officers whose certificate batch is queued (pending until the batch process runs
    it). Returns (token, session ids per round, enrolment ids, batch id, batch cohort id)."""
    from cpms import create_app
    from cpms.extensions import db

    app = create_app(instance_path=env["CPMS_INSTANCE_PATH"])
    with app.test_request_context():
        from bench.certificate_batch import completed_cohort
        from cpms.auth.service import create_api_token, create_user
        from cpms.certificates.service.batches import request_batch
        from cpms.core.transaction import acting_as
        from cpms.geo.models import Commune
        from cpms.programmes.service import create_programme
        from cpms.training import service
        from cpms.training.models import TrainingSession

        with acting_as(label="loadtest"):  # the audit log's actor
            batch_cohort = completed_cohort(batch_trainees)
            batch = request_batch(None, batch_cohort, base_url=BASE_URL)
            commune = db.session.scalar(sa.select(Commune).where(Commune.name == "Bipemba"))
            trainer = create_user(name="Formateur Charge", email="charge@load.cpms.example", role="trainer",
                                  password="Load-test-password-2016", province_ids=[commune.province_id])
            programme = create_programme(code="LOAD", name="Load test", donors="—", start_date=date(2015, 1, 1),
                                         end_date=None, requires_vetting=False, description="",
                                         province_ids=[commune.province_id])
            course = service.save_course(code="LOAD-BASE", title_fr="Base", title_en="Basic", course_type="basic",
                                         duration_days=30, hours=100, topics="", attendance_threshold=80, pass_mark=50,
                                         issues_certificate=False)
            days = SESSIONS * len(ROUNDS)
            start = date.today() - timedelta(days=days + 10)
            cohort = service.save_cohort(name="Load cohort", course_id=course.id, programme_id=programme.id,
                                         training_centre="", commune_id=commune.id, start_date=start,
                                         end_date=date.today(), capacity=TRAINEES, status="running",
                                         trainer_ids=[trainer.id])
            trainees = [service.create_trainee(matricule=f"LOAD-{n:04d}", last_name=f"Agent{n}", first_name="",
                                               post_name="", sex="MF"[n % 2], commune_id=commune.id)
                        for n in range(TRAINEES)]
            enrolments = service.enrol_trainees(cohort, [t.id for t in trainees])
            sessions = []
            for n in range(days):
                session = TrainingSession(cohort_id=cohort.id, session_date=start + timedelta(days=n + 1),
                                          start_time=clock(8), end_time=clock(12))
                db.session.add(session)
                sessions.append(session)
            _token, raw = create_api_token(trainer)
            db.session.flush()
            session_ids = [s.id for s in sessions]
            result = (raw, [session_ids[r * SESSIONS:(r + 1) * SESSIONS] for r in range(len(ROUNDS))],
                      [e.id for e in enrolments], batch.id, batch_cohort.id)
            db.session.commit()
        db.engine.dispose()
    return result


def check_marks(env, rounds, enrolment_ids):
    """Problems with the stored marks of every round: missing, duplicated or wrong."""
    from cpms import create_app
    from cpms.extensions import db

    app = create_app(instance_path=env["CPMS_INSTANCE_PATH"])
    with app.app_context():
        from cpms.training.models import Attendance
        all_sessions = [session_id for session_ids in rounds for session_id in session_ids]
        rows = db.session.execute(sa.select(Attendance.session_id, Attendance.enrolment_id, Attendance.status,
                                            sa.func.count().over(partition_by=(Attendance.session_id,
                                                                               Attendance.enrolment_id)))
                                  .where(Attendance.session_id.in_(all_sessions))).all()
        db.engine.dispose()
    stored = {(s, e): (status, copies) for s, e, status, copies in rows}
    problems = []
    expected = 0
    for session_ids in rounds:
        for si, session_id in enumerate(session_ids):
            for ti, enrolment_id in enumerate(enrolment_ids):
                expected += 1
                mark = stored.get((session_id, enrolment_id))
                if mark is None:
                    problems.append(f"missing mark {session_id}/{enrolment_id}")
                elif mark[1] != 1 or mark[0] != expected_status(si, ti):
                    problems.append(f"mark {session_id}/{enrolment_id}: {mark}")
    if len(rows) != expected:
        problems.append(f"{len(rows)} marks stored for {expected} expected")
    return problems, expected


def check_batch(env, batch_id, cohort_id, size):
    """(problems, batch figures) of the certificate batch: done, each officer certified exactly once, with
    one stored PDF each, and the combined PDF and ZIP written."""
    from cpms import create_app
    from cpms.extensions import db

    app = create_app(instance_path=env["CPMS_INSTANCE_PATH"])
    with app.app_context():
        from cpms.certificates.models import Certificate, CertificateBatch, CertificateFile
        from cpms.certificates.service.batches import batch_file
        batch = db.session.get(CertificateBatch, batch_id)
        of_cohort = sa.select(Certificate).where(Certificate.cohort_id == cohort_id).subquery()
        rows, enrolments, serials, codes = db.session.execute(sa.select(
            sa.func.count(), sa.func.count(sa.distinct(of_cohort.c.enrolment_id)),
            sa.func.count(sa.distinct(of_cohort.c.serial)),
            sa.func.count(sa.distinct(of_cohort.c.verification_code)))).one()
        files = db.session.scalar(sa.select(sa.func.count()).select_from(CertificateFile)
                                  .join(Certificate, Certificate.id == CertificateFile.certificate_id)
                                  .where(Certificate.cohort_id == cohort_id))
        figures = {"status": batch.status, "issued": batch.issued, "certificates_count": batch.certificates_count,
                   "seconds": (batch.finished_at - batch.started_at).total_seconds() if batch.finished_at else None,
                   "error": batch.error}
        problems = []
        if batch.status != "done":
            problems.append(f"batch {batch.status}: {batch.error}")
        for label, value in (("certificate rows", rows), ("officers certified", enrolments), ("serials", serials),
                             ("verification codes", codes), ("stored PDFs", files),
                             ("issued by the batch", batch.issued), ("in the combined PDF", batch.certificates_count)):
            if value != size:
                problems.append(f"{label}: {value} for {size} officers")
        for name in (batch.pdf_name, batch.zip_name):
            if not name or not os.path.isfile(batch_file(name)):
                problems.append(f"batch file missing: {name}")
        db.engine.dispose()
    return problems, figures


def seed_busy_round(env, batch_trainees, rows, workdir):
    """Round 3's work, queued as jobs and committed before any worker starts: a second completed cohort's
    certificate batch, and the import of a previewed CSV export of `rows` survey responses into a new round
    (staged, `surveys.import_responses`). Returns (batch id, cohort id, import id)."""
    from cpms import create_app
    from cpms.extensions import db

    app = create_app(instance_path=env["CPMS_INSTANCE_PATH"])
    with app.test_request_context():
        from bench.certificate_batch import completed_cohort
        from cpms.certificates.service.batches import request_batch
        from cpms.core.transaction import acting_as
        from cpms.geo.models import Commune
        from cpms.programmes.service import create_programme
        from cpms.surveys import imports, tasks
        from cpms.surveys.service import staging
        from tests.surveys.fixtures import create_test_instrument, create_test_round, csv_data, response_row

        with acting_as(label="loadtest"):
            cohort = completed_cohort(batch_trainees, suffix="2")
            batch = request_batch(None, cohort, base_url=BASE_URL)
            commune = db.session.scalar(sa.select(Commune).where(Commune.name == "Bipemba"))
            programme = create_programme(code="LOAD-SURVEY", name="Load test survey", donors="—",
                                         start_date=date(2015, 1, 1), end_date=None, requires_vetting=False,
                                         description="", province_ids=[commune.province_id])
            survey_round = create_test_round(create_test_instrument(), programme)
            export = os.path.join(workdir, "export.csv")
            with open(export, "wb") as out:
                out.write(csv_data([response_row(n, trust=("agree", "disagree")[n % 2], score=1 + n % 10)
                                    for n in range(rows)]))
            with open(export, "rb") as stream:
                summary = imports.preview_import(None, survey_round, stream, "export.csv")
            if summary["has_errors"] or summary["new"] != rows:
                raise RuntimeError(f"the survey preview refused the file: {summary}")
            record = staging.start_import(None, survey_round, summary["token"])
            tasks.enqueue_import(record, None)
            db.session.commit()
            result = (batch.id, cohort.id, record.id)
        db.engine.dispose()
    return result


def busy_state(engine, batch_id, import_id):
    """(batch issued, batch stage, batch status, import rows staged, import state) as seen from outside."""
    with engine.connect() as connection:
        issued, stage, status = connection.execute(sa.text(
            "SELECT issued, stage, status FROM certificate_batches WHERE id = :id"), {"id": batch_id}).one()
        done, state = connection.execute(sa.text(
            "SELECT rows_done, state FROM survey_imports WHERE id = :id"), {"id": import_id}).one()
    return issued or 0, stage, status, done or 0, state


def start_workers(env, workdir, count):
    processes, logs = [], []
    for n in range(count):
        path = os.path.join(workdir, f"worker{n}.log")
        with open(path, "w") as log:
            processes.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "cpms", "cpms", "worker"],
                                              env=env, stdout=log, stderr=subprocess.STDOUT))
        logs.append(path)
    return processes, logs


def wait_for(condition, processes, timeout):
    """Poll `condition()` every 0.2 s until it is true; False on timeout or when a process has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if any(process.poll() is not None for process in processes):
            return False
        time.sleep(0.2)
    return False


def busy_round(env, url, base_url, token, session_ids, enrolment_ids, args, ids):
    """Round 3: two `flask cpms worker` processes run the survey import and the certificate batch; once the
    import is staging and the batch has issued its first chunk, the saves are sent. Returns (round, failures,
    states at the saves' start and end, worker logs); the workers are stopped with SIGTERM."""
    batch_id, _cohort_id, import_id = ids
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    workers, logs = start_workers(env, env["CPMS_INSTANCE_PATH"], 2)
    failures, saves = [], None
    try:
        def state():
            return busy_state(engine, batch_id, import_id)

        def both_started():
            issued, _stage, status, done, import_state = state()
            return status == "running" and issued > 0 and import_state == "staging" and done > 0

        if not wait_for(both_started, workers, BATCH_TIMEOUT):
            failures.append(f"round 3: the import and the batch did not both start: {state()}")
        at_start = state()
        saves = (ROUNDS[2],) + save_registers(base_url, token, session_ids, enrolment_ids, args.saves, args.clients)
        at_end = state()

        def both_ended():
            _issued, _stage, status, _done, import_state = state()
            return status not in ("pending", "running") and import_state != "staging"

        if not wait_for(both_ended, workers, JOBS_TIMEOUT):
            failures.append(f"round 3: the jobs did not end within {JOBS_TIMEOUT} s: {state()}")
        time.sleep(1)  # the jobs' outcomes are recorded just after the handlers' last writes
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            stop(worker, timeout=15)
        engine.dispose()
    failures += [f"round 3: a worker ended with {w.returncode} after SIGTERM" for w in workers if w.returncode]
    return saves, failures, (at_start, at_end), logs


def check_busy_round(env, ids, batch_trainees, rows):
    """Problems after round 3: the import published with exactly the file's rows, the batch right (check_batch),
    every job `done`."""
    from cpms import create_app
    from cpms.extensions import db

    batch_id, cohort_id, import_id = ids
    problems, batch = check_batch(env, batch_id, cohort_id, batch_trainees)
    app = create_app(instance_path=env["CPMS_INSTANCE_PATH"])
    with app.app_context():
        from cpms.core.models import Job
        from cpms.surveys.models import SurveyImport, SurveyResponse
        record = db.session.get(SurveyImport, import_id)
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)
                                   .where(SurveyResponse.import_id == import_id))
        jobs = db.session.execute(sa.select(Job.id, Job.kind, Job.state, Job.attempts, Job.error, Job.started_at,
                                            Job.finished_at)).all()
        db.engine.dispose()
    if record.state != "published" or record.rows_added != rows or stored != rows:
        problems.append(f"survey import {record.state}: {record.rows_added} added, {stored} responses stored for "
                        f"{rows} rows")
    problems += [f"job {j.id} {j.kind}: {j.state} after {j.attempts} attempts ({j.error})" for j in jobs
                 if j.state != "done"]
    batch["import_seconds"] = next(((j.finished_at - j.started_at).total_seconds() for j in jobs
                                    if j.kind == "surveys.import_responses" and j.started_at and j.finished_at), None)
    return problems, batch, len(jobs)


class BatchMonitor:
    """Samples (seconds, issued, stage, status) of the batch every 0.25 s from its own connection, to tell
    when the saves may start and how fast the batch issued during the saves and outside them."""

    def __init__(self, url, batch_id):
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        self.batch_id, self.samples = batch_id, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def read(self):
        query = sa.text("SELECT issued, stage, status FROM certificate_batches WHERE id = :id")
        with self.engine.connect() as connection:
            issued, stage, status = connection.execute(query, {"id": self.batch_id}).one()
        sample = (time.perf_counter(), issued or 0, stage, status)
        self.samples.append(sample)
        return sample

    def _run(self):
        while not self._stop.wait(0.25):
            if self.read()[3] not in ("pending", "running"):
                return

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join()
        self.engine.dispose()

    def issuing_seconds(self):
        """(first sample while issuing, first sample after it) – the issuing stage as seen from outside."""
        samples = sorted(self.samples, key=lambda sample: sample[0])  # the main thread reads too
        issuing = [s for s in samples if s[3] == "running" and s[2] == "issuing"]
        after = [s for s in samples if s[0] > issuing[-1][0] and (s[2] != "issuing" or s[3] != "running")] \
            if issuing else []
        return (issuing[0] if issuing else None), (after[0] if after else None)


def wait_until_up(base_url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            # bandit B310: our own 127.0.0.1 server
            with urllib.request.urlopen(base_url + "/login", timeout=2):  # nosec B310
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


def put(base_url, token, session_id, marks):
    body = json.dumps({"marks": marks}).encode()
    request = urllib.request.Request(f"{base_url}/api/v1/sessions/{session_id}/attendance", data=body, method="PUT",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        # bandit B310: our own 127.0.0.1 server
        with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode(errors="replace")
    return status, text, time.perf_counter() - started


def save_registers(base_url, token, session_ids, enrolment_ids, saves, clients):
    """Send `saves` register saves from `clients` threads; returns (jobs, [(status, text, seconds)], seconds)."""
    part = len(enrolment_ids) // PARTS
    jobs = []
    for n in range(saves):
        si, pi = n % len(session_ids), (n // len(session_ids)) % PARTS
        marks = {str(enrolment_ids[ti]): expected_status(si, ti) for ti in range(pi * part, (pi + 1) * part)}
        jobs.append((session_ids[si], marks))
    lock = threading.Lock()
    results = []

    def work(job):
        outcome = put(base_url, token, *job)
        with lock:
            results.append(outcome)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(work, jobs))
    return jobs, results, time.perf_counter() - started


def percentile(ordered, share):
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def round_figures(label, jobs, results, elapsed):
    """(printed line, number of answers other than 200)."""
    statuses = {}
    for status, _text, _seconds in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(seconds for _status, _text, seconds in results)
    errors = sum(n for status, n in statuses.items() if status >= 500)
    marks = sum(len(marks) for _session, marks in jobs)
    line = (f"  saves {label}: {len(results)} ({marks} marks) in {elapsed:.1f} s = {len(results) / elapsed:.0f} "
            f"saves/s; latency p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p95 "
            f"{percentile(latencies, 0.95) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms, max "
            f"{latencies[-1] * 1000:.0f} ms; answers {dict(sorted(statuses.items()))}, 5xx: {errors}")
    return line, len(jobs) - statuses.get(200, 0)


def stop(process, timeout=30):
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def print_busy_round(args, states, batch, jobs_count, worker_log):
    (issued0, _s0, _st0, staged0, state0), (issued1, _s1, _st1, staged1, state1) = states
    print(f"  round 3 (2 workers): at the saves' start the batch had issued {issued0}, the import staged "
          f"{staged0} of {args.survey_rows} rows ({state0}); at their end {issued1} issued, {staged1} staged "
          f"({state1}); second batch {batch['status']}, {batch['issued']} issued"
          + (f" in {batch['seconds']:.1f} s" if batch["seconds"] else "")
          + (f"; import job {batch['import_seconds']:.1f} s" if batch["import_seconds"] else "")
          + f"; {jobs_count} jobs in the table; worker log lines with 'Traceback': {worker_log.count('Traceback')}")


def main(argv=None):  # noqa: C901
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=500, help="saves per round")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--batch-trainees", type=int, default=250, help="officers in the batch's cohort")
    parser.add_argument("--survey-rows", type=int, default=20_000,
                        help="rows of round 3's survey import (100000 for the documented run)")
    parser.add_argument("--batch-workers", type=int, default=None,
                        help="the batch's rendering processes (default: CPMS_CERTIFICATE_WORKERS, 2)")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="cpms-load-")
    url, cleanup = scratch_database(workdir)
    env = dict(os.environ, CPMS_DATABASE_URL=url, CPMS_INSTANCE_PATH=workdir, CPMS_SECRET_KEY="load-test-only",
               CPMS_LOG_LEVEL="WARNING", CPMS_BASE_URL=BASE_URL)
    for name, value in env.items():
        if name.startswith("CPMS_"):
            os.environ[name] = value
    bin_dir = os.path.dirname(sys.executable)
    gunicorn = batch_process = monitor = None
    failures = []
    rounds = []  # (label, jobs, results, seconds)
    try:
        subprocess.run([sys.executable, "-m", "flask", "--app", "cpms", "db", "upgrade"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        token, session_rounds, enrolment_ids, batch_id, batch_cohort_id = seed(env, args.batch_trainees)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log_path, batch_log_path = os.path.join(workdir, "gunicorn.log"), os.path.join(workdir, "batch.log")
        with open(log_path, "w") as log:
            gunicorn = subprocess.Popen([os.path.join(bin_dir, "gunicorn"), "-w", str(args.workers), "-b",
                                         f"127.0.0.1:{port}", "--timeout", "60", "cpms:create_app()"],
                                        env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_until_up(base_url, gunicorn)

        # round 1: the saves alone
        rounds.append((ROUNDS[0],) + save_registers(base_url, token, session_rounds[0], enrolment_ids, args.saves,
                                                    args.clients))

        # round 2: the same while the batch runs in its own process, as the scheduler runs it
        command = [sys.executable, "-m", "flask", "--app", "cpms", "cpms", "certificates", "run-batches"]
        if args.batch_workers:
            command += ["--workers", str(args.batch_workers)]
        with open(batch_log_path, "w") as batch_log:
            batch_process = subprocess.Popen(command, env=env, stdout=batch_log, stderr=subprocess.STDOUT)
        monitor = BatchMonitor(url, batch_id)
        batch_started = time.perf_counter()
        deadline = batch_started + BATCH_TIMEOUT
        while True:  # its rendering processes are up and it has stored a chunk: the batch is in full swing
            _at, issued, stage, status = monitor.read()
            if status == "running" and issued > 0 or status not in ("pending", "running"):
                break
            if batch_process.poll() is not None or time.perf_counter() > deadline:
                break
            time.sleep(0.2)
        monitor.start()
        at_start = monitor.read()
        rounds.append((ROUNDS[1],) + save_registers(base_url, token, session_rounds[1], enrolment_ids, args.saves,
                                                    args.clients))
        at_end = monitor.read()
        if not (at_start[3] == "running" and at_start[2] == "issuing" and at_end[3] == "running"
                and at_end[2] == "issuing" and at_start[1] < args.batch_trainees and at_end[1] < args.batch_trainees):
            failures.append(f"the batch was not issuing during the whole round (at its start: {at_start[1:]}, at its "
                            f"end: {at_end[1:]}): raise --batch-trainees")
        try:
            batch_process.wait(timeout=max(1, deadline - time.perf_counter()))
        except subprocess.TimeoutExpired:
            failures.append(f"the batch did not finish within {BATCH_TIMEOUT} s")
        batch_seconds = time.perf_counter() - batch_started
        monitor.stop()
        if batch_process.returncode != 0:
            failures.append(f"the batch process ended with {batch_process.returncode}")

        # round 3: the same while workers run a survey import and another certificate batch
        busy_ids = seed_busy_round(env, args.batch_trainees, args.survey_rows, workdir)
        saves, busy_failures, busy_states, worker_logs = busy_round(
            env, url, base_url, token, session_rounds[2], enrolment_ids, args, busy_ids)
        failures += busy_failures
        if saves is not None:
            rounds.append(saves)
    finally:
        stop(batch_process)
        stop(gunicorn)
        if monitor is not None:
            monitor.stop()

    try:
        mark_problems, marks_expected = check_marks(env, session_rounds, enrolment_ids)
        batch_problems, batch = check_batch(env, batch_id, batch_cohort_id, args.batch_trainees)
        busy_problems, busy_batch, jobs_count = check_busy_round(env, busy_ids, args.batch_trainees,
                                                                 args.survey_rows)
        batch_problems += busy_problems
        worker_log = "".join(open(path).read() for path in worker_logs)
        with open(log_path) as log:
            server_log = log.read()
        with open(batch_log_path) as log:
            batch_log = log.read()
    finally:
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)

    backend = sa.engine.make_url(url).get_backend_name()
    print(f"load test on {backend}: {args.saves} attendance saves a round from {args.clients} clients, gunicorn -w "
          f"{args.workers}, {os.cpu_count()} cores; round 2 beside a batch of {args.batch_trainees} certificates, "
          f"round 3 beside a survey import of {args.survey_rows} rows and a second batch in 2 workers")
    answers_failed = 0
    for label, jobs, results, elapsed in rounds:
        line, failed = round_figures(label, jobs, results, elapsed)
        print(line)
        answers_failed += failed
    issuing, after = monitor.issuing_seconds()
    during = [s for s in monitor.samples if at_start[0] <= s[0] <= at_end[0]]  # samples taken during round 2
    rate_during = (at_end[1] - at_start[1]) / (at_end[0] - at_start[0])
    rate_outside = None
    if issuing and after:
        outside_seconds = (after[0] - issuing[0]) - (at_end[0] - at_start[0])
        outside_issued = batch["issued"] - (at_end[1] - at_start[1])
        rate_outside = outside_issued / outside_seconds if outside_seconds > 0 else None
    seconds = batch["seconds"]
    print(f"  certificate batch: {batch['status']}, {batch['issued']} issued, {batch['certificates_count']} in the "
          f"combined PDF, {seconds:.1f} s from claim to done ({seconds / args.batch_trainees * 1000:.0f} ms a "
          f"certificate; {batch_seconds:.1f} s with the process start)" if seconds else
          f"  certificate batch: {batch['status']} ({batch['error']})")
    print(f"  batch issuing rate: {rate_during:.1f} certificates/s during the saves ({len(during)} samples, "
          f"{at_start[1]} → {at_end[1]} issued), "
          + (f"{rate_outside:.1f}/s outside them" if rate_outside else "outside them not measured"))
    locked_web = sum("database is locked" in text for _l, _j, results, _e in rounds for _s, text, _t in results) \
        + server_log.count("database is locked")
    locked_batch = batch_log.count("database is locked") + worker_log.count("database is locked")
    print_busy_round(args, busy_states, busy_batch, jobs_count, worker_log)
    print(f"  'database is locked': web workers {locked_web}, batch process {locked_batch}; marks stored: "
          f"{marks_expected - sum('missing' in p for p in mark_problems)} of {marks_expected}, problems: "
          f"{len(mark_problems)}; batch problems: {len(batch_problems)}")
    problems = failures + mark_problems + batch_problems
    if locked_web or locked_batch:
        problems.append("'database is locked' seen")
    if answers_failed:
        problems.append(f"{answers_failed} saves not answered 200")
    for problem in problems[:15]:
        print("  " + problem)
    if problems:
        if batch_problems or locked_batch or batch_process is None or batch_process.returncode:
            print("  batch process log (end):\n" + batch_log[-3000:])
        print("LOAD TEST FAILED")
        return 1
    print("load test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
