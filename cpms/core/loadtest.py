"""Load test: `python -m cpms.core.loadtest` (make loadtest).

Starts gunicorn with 4 workers on a scratch database – SQLite in WAL mode, or a fresh PostgreSQL database
made in a new schema of CPMS_LOADTEST_DATABASE_URL – and sends 500 attendance saves (PUT /api/v1/sessions/<id>/attendance)
from 20 concurrent clients. The saves overlap: each part of each register is saved five times, by different
clients at once. Then it checks that every mark is stored exactly once with the right status, that no
answer was a 5xx and that no worker logged "database is locked", prints the figures and exits non-zero on
any failure. Only 127.0.0.1 is contacted; the run is bounded (500 requests, 30 s timeout each).
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time as clock, timedelta

import sqlalchemy as sa

STATUSES = ("present", "late", "excused", "absent")
SESSIONS, TRAINEES, PARTS = 25, 40, 4


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


def seed(env):
    """A trainer's cohort with TRAINEES officers and SESSIONS past sessions; returns (token, session ids,
    enrolment ids)."""
    from cpms import create_app
    from cpms.extensions import db

    app = create_app(instance_path=env["CPMS_INSTANCE_PATH"])
    with app.test_request_context():
        from cpms.auth.service import create_api_token, create_user
        from cpms.geo.models import Commune
        from cpms.programmes.service import create_programme
        from cpms.training import service
        from cpms.training.models import TrainingSession

        db.session.info["actor_label"] = "loadtest"
        commune = db.session.scalar(sa.select(Commune).where(Commune.name == "Bipemba"))
        trainer = create_user(None, name="Formateur Charge", email="charge@load.cpms.example", role="trainer",
                              password="Load-test-password-2016", province_ids=[commune.province_id])
        programme = create_programme(None, code="LOAD", name="Load test", donors="—", start_date=date(2015, 1, 1),
                                     end_date=None, requires_vetting=False, description="",
                                     province_ids=[commune.province_id])
        course = service.save_course(None, code="LOAD-BASE", title_fr="Base", title_en="Basic", course_type="basic",
                                     duration_days=30, hours=100, topics="", attendance_threshold=80, pass_mark=50,
                                     issues_certificate=False)
        start = date.today() - timedelta(days=SESSIONS + 10)
        cohort = service.save_cohort(None, name="Load cohort", course_id=course.id, programme_id=programme.id,
                                     training_centre="", commune_id=commune.id, start_date=start,
                                     end_date=date.today(), capacity=TRAINEES, status="running",
                                     trainer_ids=[trainer.id])
        trainees = [service.create_trainee(None, matricule=f"LOAD-{n:04d}", last_name=f"Agent{n}", first_name="",
                                           post_name="", sex="MF"[n % 2], commune_id=commune.id)
                    for n in range(TRAINEES)]
        enrolments = service.enrol_trainees(None, cohort, [t.id for t in trainees])
        sessions = []
        for n in range(SESSIONS):
            session = TrainingSession(cohort_id=cohort.id, session_date=start + timedelta(days=n + 1),
                                      start_time=clock(8), end_time=clock(12))
            db.session.add(session)
            sessions.append(session)
        _token, raw = create_api_token(trainer, trainer)
        db.session.flush()
        result = raw, [s.id for s in sessions], [e.id for e in enrolments]
        db.session.commit()
        db.engine.dispose()
    return result


def check_marks(env, session_ids, enrolment_ids):
    """Problems with the stored marks: missing, duplicated or wrong."""
    from cpms import create_app
    from cpms.extensions import db

    app = create_app(instance_path=env["CPMS_INSTANCE_PATH"])
    with app.app_context():
        from cpms.training.models import Attendance
        rows = db.session.execute(sa.select(Attendance.session_id, Attendance.enrolment_id, Attendance.status,
                                            sa.func.count().over(partition_by=(Attendance.session_id,
                                                                               Attendance.enrolment_id)))).all()
        db.engine.dispose()
    stored = {(s, e): (status, copies) for s, e, status, copies in rows}
    problems = []
    for si, session_id in enumerate(session_ids):
        for ti, enrolment_id in enumerate(enrolment_ids):
            mark = stored.get((session_id, enrolment_id))
            if mark is None:
                problems.append(f"missing mark {session_id}/{enrolment_id}")
            elif mark[1] != 1 or mark[0] != expected_status(si, ti):
                problems.append(f"mark {session_id}/{enrolment_id}: {mark}")
    if len(rows) != len(session_ids) * len(enrolment_ids):
        problems.append(f"{len(rows)} marks stored for {len(session_ids) * len(enrolment_ids)} expected")
    return problems


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="cpms-load-")
    url, cleanup = scratch_database(workdir)
    env = dict(os.environ, CPMS_DATABASE_URL=url, CPMS_INSTANCE_PATH=workdir, CPMS_SECRET_KEY="load-test-only",
               CPMS_LOG_LEVEL="WARNING")
    for name, value in env.items():
        if name.startswith("CPMS_"):
            os.environ[name] = value
    bin_dir = os.path.dirname(sys.executable)
    gunicorn = None
    try:
        subprocess.run([sys.executable, "-m", "flask", "--app", "cpms", "db", "upgrade"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        token, session_ids, enrolment_ids = seed(env)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log_path = os.path.join(workdir, "gunicorn.log")
        with open(log_path, "w") as log:
            gunicorn = subprocess.Popen([os.path.join(bin_dir, "gunicorn"), "-w", str(args.workers), "-b",
                                         f"127.0.0.1:{port}", "--timeout", "60", "cpms:create_app()"],
                                        env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_until_up(base_url, gunicorn)

        part = len(enrolment_ids) // PARTS
        jobs = []
        for n in range(args.saves):
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
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(work, jobs))
        elapsed = time.perf_counter() - started
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()

    try:
        problems = check_marks(env, session_ids, enrolment_ids)
        with open(log_path) as log:
            server_log = log.read()
    finally:
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)

    statuses = {}
    for status, _text, _seconds in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(seconds for _status, _text, seconds in results)
    locked = sum("database is locked" in text for _status, text, _seconds in results) + server_log.count("database is locked")
    errors = sum(n for status, n in statuses.items() if status >= 500)
    marks_sent = sum(len(marks) for _session, marks in jobs)
    backend = sa.engine.make_url(url).get_backend_name()
    print(f"load test on {backend}: {len(results)} saves ({marks_sent} marks) from {args.clients} clients, "
          f"gunicorn -w {args.workers}")
    print(f"  {elapsed:.1f} s, {len(results) / elapsed:.0f} saves/s; latency median "
          f"{statistics.median(latencies) * 1000:.0f} ms, p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms")
    print(f"  answers: {dict(sorted(statuses.items()))}; 5xx: {errors}; 'database is locked': {locked}; "
          f"marks stored: {len(session_ids) * len(enrolment_ids) - sum('missing' in p for p in problems)} of "
          f"{len(session_ids) * len(enrolment_ids)}, problems: {len(problems)}")
    failed = errors or locked or problems or statuses.get(200, 0) != len(jobs)
    for problem in problems[:10]:
        print("  " + problem)
    if failed:
        print("LOAD TEST FAILED")
        return 1
    print("load test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
