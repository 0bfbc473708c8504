"""Benchmark of a survey import: `python -m bench.survey_import --rows 100000`.

Loads the demo data into a scratch SQLite database (or CPMS_BENCH_DATABASE_URL), writes a KoBoToolbox-like
CSV export of N rows to a temporary file, previews and imports it as the demo M&E officer (staged in short
transactions, then published: cpms/surveys/service/staging.py), then computes the round's results. Prints rows
per second, the growth of the peak resident memory, and how long the import held the write lock:
- the longest write transaction: from its first INSERT/UPDATE/DELETE to the end of its COMMIT, measured on the
  application's connections;
- on SQLite, the longest wait of another writer: a probe thread on its own connection takes the write lock
  (BEGIN IMMEDIATE; ROLLBACK) every 50 ms during the import, as a register save would.
"""
import argparse
import os
import resource
import shutil
import sqlite3
import tempfile
import time

WRITES = ("INSERT", "UPDATE", "DELETE")


class WriteHoldMeter:
    """Longest time between a transaction's first write and the end of its commit, over the engine's connections."""

    def __init__(self, engine):
        from sqlalchemy import event
        self.started, self.longest, self.transactions, self.holds = {}, 0.0, 0, []
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._end)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITES) and id(conn) not in self.started:
            self.started[id(conn)] = (time.perf_counter(), statement.split("(")[0][:60])

    def _commit(self, conn):
        # the commit event comes before the DBAPI commit: time the commit itself on the raw connection
        started = self.started.pop(id(conn), None)
        if started is None:
            return
        committing = time.perf_counter()
        conn.connection.dbapi_connection.commit()  # the SQLAlchemy commit that follows then has nothing to do
        now = time.perf_counter()
        self._record(now - started[0], f"{started[1]} (commit {(now - committing) * 1000:.0f} ms)")

    def _end(self, conn):
        started = self.started.pop(id(conn), None)
        if started is not None:
            self._record(time.perf_counter() - started[0], started[1])

    def _record(self, held, first):
        self.transactions += 1
        self.longest = max(self.longest, held)
        self.holds.append((held, first))

    def median(self):
        holds = sorted(h for h, _first in self.holds)
        return holds[len(holds) // 2] if holds else 0.0


def _probe(path, every, halt, result):
    connection = sqlite3.connect(path, timeout=120, isolation_level=None)
    longest, count = 0.0, 0
    while not halt.is_set():
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        longest, count = max(longest, time.perf_counter() - started), count + 1
        time.sleep(every)
    connection.close()
    result.put((longest, count))


class WriterProbe:
    """Another SQLite writer, in its own process (no share of this one's GIL): takes the write lock every `every`
    seconds and records the longest wait."""

    def __init__(self, path, every=0.05):
        import multiprocessing
        context = multiprocessing.get_context("spawn")
        self.halt, self.result = context.Event(), context.Queue()
        self.process = context.Process(target=_probe, args=(path, every, self.halt, self.result), daemon=True)
        self.longest, self.count = 0.0, 0

    def start(self):
        self.process.start()

    def stop(self):
        self.halt.set()
        self.longest, self.count = self.result.get(timeout=300)
        self.process.join()


def _load(workdir, rows):
    """The demo data and a CSV export of `rows` rows; returns (endline round, the export's path)."""
    from cpms.core.demo import load_demo
    from cpms.extensions import db
    from cpms.geo.reference import load_reference_places
    from cpms.surveys.models import SurveyRound

    db.create_all()
    with db.engine.begin() as connection:
        load_reference_places(connection)
    load_demo()  # imports the domains' demo modules in order first, so that their loaders run in order
    from cpms.surveys.demo import responses_csv
    db.session.commit()
    survey_round = db.session.query(SurveyRound).filter_by(kind="endline").one()
    export = os.path.join(workdir, "export.csv")
    with open(export, "w", encoding="utf-8", newline="") as out:
        responses_csv(99, rows, 2017, trust=0.5, opinion=0.5, insecurity=0.3, victims=0.25, score_mean=6, out=out)
    return survey_round, export


def _details(meter, survey_round):
    """BENCH_VERBOSE: the results with and without the published-import condition, the five longest holds."""
    from sqlalchemy import true

    from cpms.core.permissions import Scope
    from cpms.surveys.models import SurveyResponse
    from cpms.surveys.service import results
    for label, visible in (("without", lambda: true()), ("with", SurveyResponse.visible)):
        original, SurveyResponse.visible = SurveyResponse.visible, visible
        again = time.perf_counter()
        results.round_results(survey_round, Scope.national())
        print(f"  results {label} the published-import condition: {time.perf_counter() - again:.2f} s")
        SurveyResponse.visible = original
    for held, first in sorted(meter.holds, reverse=True)[:5]:
        print(f"  {held * 1000:.0f} ms: {first}")


def _measure(rows, survey_round, export, path, url):
    from cpms.core.permissions import Scope
    from cpms.extensions import db
    from cpms.surveys import imports
    from cpms.surveys.service import results

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with open(export, "rb") as stream:
        summary = imports.preview_import(None, survey_round, stream, "export.csv")
    db.session.commit()
    previewed = time.perf_counter()
    meter = WriteHoldMeter(db.engine)
    probe = WriterProbe(path) if url.startswith("sqlite") else None
    if probe is not None:
        probe.start()
    record = imports.confirm_import(None, survey_round, summary["token"])
    db.session.commit()
    imported = time.perf_counter()
    if probe is not None:
        probe.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    measures = results.round_results(survey_round, Scope.national())
    computed = time.perf_counter()
    print(f"{rows} rows: preview {previewed - started:.1f} s, import {imported - previewed:.1f} s "
          f"({record.state}, {record.rows_added} added), {rows / (imported - started):.0f} rows/s; "
          f"peak resident memory {peak / 1024:.0f} MB ({before / 1024:.0f} MB before the import); "
          f"results over {summary['new'] + 450} responses and {len(measures)} measures in {computed - imported:.2f} s")
    waits = f"; longest wait of another writer {probe.longest * 1000:.0f} ms over {probe.count} probes" \
        if probe is not None else ""
    print(f"write lock: longest write transaction {meter.longest * 1000:.0f} ms (median {meter.median() * 1000:.0f} "
          f"ms) over {meter.transactions} transactions{waits}")
    if os.environ.get("BENCH_VERBOSE"):
        _details(meter, survey_round)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    from cpms import create_app
    from cpms.extensions import db

    workdir = tempfile.mkdtemp(prefix="cpms-bench-")
    path = f"{workdir}/bench.sqlite3"
    url = os.environ.get("CPMS_BENCH_DATABASE_URL", f"sqlite:///{path}")
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}, instance_path=workdir)
    with app.test_request_context():
        survey_round, export = _load(workdir, args.rows)
        _measure(args.rows, survey_round, export, path, url)
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
