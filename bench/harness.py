"""Running scenarios: warm-up, timed repetitions, SQL statements counted, peak memory, and the floor.

A scenario is a class registered with @scenario (see bench/scenarios/):

    @scenario
    class TraineeSearch:
        name = "Trainee search"          # shown in the table
        role = "admin"                   # the demo account that runs it (logged in through the login form;
                                         # None: no account, for public pages)
        domain = "training"              # skipped, with a note, when the domain is not in this build
        target = None                    # "aggregate": server time must stay within 1.5× its floor;
                                         # "lookup": within 1.5× (its floor + the fixed cost of a page);
                                         # "certificates": within 1.3× (the WeasyPrint floor);
                                         # "pdf": within 1.5× (a bare WeasyPrint render of the same pages)
        children_work = False            # True: the work runs in child processes: its CPU time adds theirs
                                         # (RUSAGE_CHILDREN), its ratio is per CPU-second, and the parallel
                                         # speed-up (CPU ÷ wall time) is reported apart
        statements_grow_with = None      # e.g. "the file": why the statement count may grow (batches)
        repeat = None                    # at most this many timed repetitions (default: BENCH_REPEAT, 10);
                                         # such a slow scenario stops after 2 when they (and their floors)
                                         # are within 5 % of each other

        def warmup(self, bench): ...     # optional: instead of one untimed run()

        def setup(self, bench): ...      # optional, once: look up ids, write files (bench.lookup / bench.scalar)
        def run(self, bench): ...        # the timed part: requests through bench.client (assert what must hold)
        def cleanup(self, bench): ...    # optional, after every run, not timed (undo what run wrote)
        def floor(self, bench, sql): ... # optional: the bare work the page needs, through the driver (sql.rows)
        def floor_warmup(self, bench, sql): ...  # optional: instead of one untimed floor()

Server time is the time of `run` in this process (the Flask test client calls the app directly), as wall time
and as this process's CPU time (steadier on a busy machine; on PostgreSQL it leaves out the server's work); the
statements are counted with SQLAlchemy's before_cursor_execute event, and peak memory with tracemalloc in a
separate, untimed run (tracing slows Python down).

A look-up ("lookup": a search that reads a few rows through an index) is not judged against its bare query alone:
that query takes a millisecond or two, and any page pays several before its own work (session, user, menu,
template) – no page that reads a few rows could be within 1.5× of it. Its target is 1.5× (its floor + the fixed
cost of a page): its user's "My account" page (FIXED_COST_PAGE), timed after each of the look-up's floor runs so
that the three meet the machine in the same state (the separate "Fixed cost of a page" scenario, run earlier in
the run, once read 3.8 ms where the look-ups, run after the survey scenarios, met every page a third slower), in
CPU time where the run compares CPU (SQLite: the server's work is in this process) and in wall time otherwise
(PostgreSQL). The floor itself stays the bare query, written from the index's definition.
"""
import re
import resource
import statistics
import time
import tracemalloc
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa

from bench.app import login

_scenarios = []
AGGREGATE_TARGET = 1.5
CERTIFICATE_TARGET = 1.3
PDF_TARGET = 1.5  # a PDF of the app's own pages (the sign-in sheet) against a bare WeasyPrint render (issue 22)
LOOKUP_TARGET = 1.5  # a look-up against its floor + the fixed cost of a page (see the module's docstring)
TARGETS = {"aggregate": AGGREGATE_TARGET, "lookup": LOOKUP_TARGET, "certificates": CERTIFICATE_TARGET,
           "pdf": PDF_TARGET}
FIXED_COST = "Fixed cost of a page (My account)"  # the scenario that shows the fixed cost of a page in the table
FIXED_COST_PAGE = "/account"  # what a look-up's target adds to its floor: this page, timed between its runs


def scenario(cls):
    _scenarios.append(cls)
    return cls


def all_scenarios():
    """Every scenario: the pages first, then the background jobs (the scenarios that limit their runs: the
    certificate batch, the survey import, the sign-in sheet). In production a web worker never runs a job – the
    workers do, in their own processes – but here both run in this one process, and a job leaves its heap and
    the database's caches in a state no web worker sees: on 7 December 2026 the cohort page took 1.1–1.4× its floor
    when run alone, but 2.45× (quiet machine) to 5.7× (loaded) right after the certificate batch."""
    import bench.scenarios  # noqa: F401  importing the package registers every scenario module
    return sorted((cls() for cls in _scenarios), key=lambda case: getattr(case, "repeat", None) is not None)


class Skip(Exception):
    """Raised by a scenario that cannot run in this build (e.g. its domain has not landed)."""


@dataclass
class Result:
    name: str
    role: str
    target: str | None = None
    skipped: str | None = None
    runs: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    cpu_ms: float | None = None
    queries: int | None = None
    queries_each_run: list = field(default_factory=list)
    peak_kb: float | None = None
    floor_ms: float | None = None
    floor_cpu_ms: float | None = None
    floor_what: str | None = None
    ratio: float | None = None
    cpu_ratio: float | None = None
    statements_grow_with: str | None = None
    detail: dict = field(default_factory=dict)
    elapsed_s: float | None = None      # the whole scenario: setup, warm-ups, runs, floors, traced run (wall)
    elapsed_cpu_s: float | None = None  # the same in CPU time, this process and its ended children
    fixed_ms: float | None = None       # a look-up: the fixed cost of a page in the same run (median, wall)
    fixed_cpu_ms: float | None = None   # the same in this process's CPU time

    @property
    def lookup_ratio(self):
        """A look-up's time ÷ (its floor + the fixed cost of a page), CPU where this run has a CPU ratio (SQLite),
        wall otherwise (PostgreSQL: the server's CPU is not this process's); None without the fixed cost."""
        if self.cpu_ratio is not None and self.fixed_cpu_ms is not None:
            return self.cpu_ms / (self.floor_cpu_ms + self.fixed_cpu_ms)
        if self.cpu_ratio is None and self.fixed_ms is not None and self.floor_ms is not None:
            return self.median_ms / (self.floor_ms + self.fixed_ms)
        return None

    @property
    def meets_target(self):
        if self.target == "lookup":
            ratio = self.lookup_ratio
        elif self.target in ("certificates", "aggregate", "pdf") and self.cpu_ratio is not None:
            # work in child processes (the certificates, the sign-in sheet's second part) is judged per CPU-second
            # (both sides' children included), not on wall time;
            # an aggregate on SQLite too (all its work is this process's, and CPU time leaves out the waits for a
            # core of a shared machine) – as the docs compare them; on PostgreSQL (no CPU ratio) wall time
            ratio = self.cpu_ratio
        else:
            ratio = self.ratio
        if self.target not in TARGETS or ratio is None:
            return None
        return ratio <= TARGETS[self.target]

    def as_dict(self):
        data = asdict(self)
        data["meets_target"] = self.meets_target
        data["lookup_ratio"] = self.lookup_ratio
        return data


def with_fixed_cost(cases):
    """The scenarios to run, with the fixed cost of a page added (first: it is a page, and the pages run before the
    jobs) when a look-up is among them and it is not: the table shows it beside them (each look-up times the same
    page between its own runs for its target, _measure)."""
    cases = list(cases)
    if any(getattr(case, "target", None) == "lookup" for case in cases) and \
            not any(case.name == FIXED_COST for case in cases):
        cases = [case for case in all_scenarios() if case.name == FIXED_COST] + cases
    return cases


class Bench:
    """What a scenario sees: the app, logged-in clients, lookups and the bare driver."""

    def __init__(self, app, database):
        self.app, self.database = app, database
        self._clients = {}
        self.role = None
        self.state = {}

    @property
    def scale(self):
        return self.database.scale

    @property
    def factor(self):
        from bench.generate import SCALES
        return SCALES[self.scale]

    @property
    def client(self):
        if self.role not in self._clients:
            self._clients[self.role] = login(self.app, self.role) if self.role else self.app.test_client()
        return self._clients[self.role]

    def get(self, url, expect=200):
        response = self.client.get(url)
        if response.status_code != expect:
            raise AssertionError(f"GET {url}: {response.status_code}, expected {expect}")
        return response

    def post(self, url, data, expect=302, **kwargs):
        response = self.client.post(url, data=data, **kwargs)
        if response.status_code != expect:
            raise AssertionError(f"POST {url}: {response.status_code}, expected {expect}: "
                                 f"{response.get_data(as_text=True)[:300]}")
        return response

    def scalar(self, statement):
        """One value from the database (SQLAlchemy, outside any request)."""
        from cpms.extensions import db
        with self.app.app_context():
            return db.session.scalar(statement)

    def execute(self, statement, params=None):
        from cpms.extensions import db
        with self.app.app_context():
            db.session.execute(statement, params or {})
            db.session.commit()

    def has_endpoint(self, endpoint):
        return endpoint in self.app.view_functions


class Driver:
    """The bare driver (sqlite3 or psycopg) for floors: SQL with :named parameters, every row fetched."""

    def __init__(self, database):
        self.kind = database.kind
        self.connection = database.driver_connection()

    def rows(self, sql, params=None):
        if self.kind == "postgresql":
            sql = re.sub(r"(?<!:):([a-z_][a-z0-9_]*)", r"%(\1)s", sql)
        cursor = self.connection.cursor()
        cursor.execute(sql, params or {})
        rows = cursor.fetchall() if cursor.description else []
        cursor.close()
        return rows

    def many(self, sql, rows):
        if self.kind == "postgresql":
            sql = re.sub(r"(?<!:):([a-z_][a-z0-9_]*)", r"%(\1)s", sql)
        cursor = self.connection.cursor()
        cursor.executemany(sql, rows)
        cursor.close()

    def commit(self):
        self.connection.commit()

    def rollback(self):
        self.connection.rollback()

    def close(self):
        self.connection.close()


def _percentile(values, share):
    if len(values) == 1:
        return values[0]
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def cpu_seconds(children=False):
    """CPU time of this process, plus (children=True) that of its child processes that have ended and been waited
    for – a rendering pool's processes, once the pool is shut down."""
    own = time.process_time()
    if not children:
        return own
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + usage.ru_utime + usage.ru_stime


class StatementCounter:
    def __init__(self, app):
        from cpms.extensions import db
        with app.app_context():
            self.engine = db.engine
        self.count = 0

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


class Stopwatch:
    """Wall and CPU time (this process and its ended children) of a block: what a part of the run costs. On a
    loaded machine the wall time is the load's; the CPU time is what a quiet machine would take (one core at a
    time: the bench runs its work in one process, except the certificates' rendering pool and PostgreSQL's server,
    whose CPU is not counted here)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), cpu_seconds(children=True)
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu_seconds(children=True) - self.cpu


def measure(bench, case, repeat, echo=print):
    """Run one scenario (see _measure); its whole cost, wall and CPU, goes into elapsed_s and elapsed_cpu_s."""
    with Stopwatch() as watch:
        result = _measure(bench, case, repeat)
    result.elapsed_s, result.elapsed_cpu_s = round(watch.wall, 1), round(watch.cpu, 1)
    return result


def _measure(bench, case, repeat):  # noqa: C901
    """Run one scenario: warm-up, then `repeat` timed runs (more for a fast page: MIN_SECONDS) each followed by a
    timed run of its floor (alternating, so that both meet the same load on a shared machine), then one traced run
    for peak memory."""
    title = case.title(bench) if hasattr(case, "title") else case.name
    result = Result(title, case.role, getattr(case, "target", None),
                    statements_grow_with=getattr(case, "statements_grow_with", None))
    domain = getattr(case, "domain", None)
    from cpms.domains import DOMAINS
    if domain and domain not in DOMAINS:
        result.skipped = f"the {domain} domain is not in this build yet"
        return result
    bench.role = case.role
    driver = Driver(bench.database) if hasattr(case, "floor") else None
    try:
        if hasattr(case, "setup"):
            case.setup(bench)
        slow = getattr(case, "repeat", None) is not None  # a scenario that limits its runs is a slow one
        repeat = min(getattr(case, "repeat", None) or repeat, repeat)  # a slow scenario runs fewer times
        _warmup(bench, case)
        if driver and hasattr(case, "floor_warmup"):
            case.floor_warmup(bench, driver)
        elif driver:
            _floor_once(bench, case, driver)
        times, cpu, counts, floor_times, floor_cpu, fixed_times, fixed_cpu = [], [], [], [], [], [], []
        children = getattr(case, "children_work", False)
        lookup = getattr(case, "target", None) == "lookup"
        while len(times) < repeat or (not slow and len(times) < MAX_RUNS and sum(times) < MIN_SECONDS):
            with StatementCounter(bench.app) as counter:
                started, started_cpu = time.perf_counter(), cpu_seconds(children)
                case.run(bench)
                times.append(time.perf_counter() - started)
                cpu.append(cpu_seconds(children) - started_cpu)
            counts.append(counter.count)
            _cleanup(bench, case)
            if driver:
                started, started_cpu = time.perf_counter(), cpu_seconds(children)
                case.floor(bench, driver)
                driver.rollback()
                floor_times.append(time.perf_counter() - started)
                floor_cpu.append(cpu_seconds(children) - started_cpu)
                if hasattr(case, "floor_cleanup"):
                    case.floor_cleanup(bench, driver)
            if lookup:  # the fixed cost of a page, at the same moments as the look-up and its floor
                started, started_cpu = time.perf_counter(), cpu_seconds(children)
                bench.get(FIXED_COST_PAGE)
                fixed_times.append(time.perf_counter() - started)
                fixed_cpu.append(cpu_seconds(children) - started_cpu)
            if slow and len(times) >= 2 and _steady(times) and _steady(cpu) and (not driver or _steady(floor_times)):
                break  # two runs within STEADY of each other, and their floors too: more would not move the median
        peak = _traced_once(bench, case)  # not the warm-up's: first-use caches would inflate it (+40 % for a PDF)
    except Skip as skip:
        result.skipped = str(skip)
        return result
    finally:
        if driver:
            driver.close()
    result.runs = len(times)
    result.median_ms = statistics.median(times) * 1000
    result.p95_ms = _percentile(times, 0.95) * 1000
    result.cpu_ms = statistics.median(cpu) * 1000
    result.queries = max(counts)
    result.queries_each_run = sorted(set(counts))
    result.peak_kb = peak / 1024
    result.detail = dict(getattr(case, "detail", {}) or {})
    if fixed_times:
        result.fixed_ms = statistics.median(fixed_times) * 1000
        result.fixed_cpu_ms = statistics.median(fixed_cpu) * 1000
    if driver:
        result.floor_ms = statistics.median(floor_times) * 1000
        result.floor_cpu_ms = statistics.median(floor_cpu) * 1000
        result.floor_what = getattr(case, "floor_what", "bare SQL through the driver")
        result.ratio = result.median_ms / result.floor_ms if result.floor_ms else None
        if result.floor_cpu_ms and (bench.database.kind == "sqlite" or children):
            # on PostgreSQL the server's work is not in this process's CPU time: no CPU ratio, except for work in
            # child processes (rendering), where the database's share is small
            result.cpu_ratio = result.cpu_ms / result.floor_cpu_ms
        if children:
            result.detail["parallel speed-up (CPU ÷ wall)"] = round(result.cpu_ms / result.median_ms, 2)
    return result


STEADY = 0.05  # a slow scenario stops repeating once its runs (and its floor's) differ by at most 5 %
# A fast page runs beyond BENCH_REPEAT until its runs add up to MIN_SECONDS (at most MAX_RUNS), as timeit's
# autorange does: ten runs of a 15 ms page are 0.15 s of a shared machine whose speed drifts by a third from one
# second to the next, and the trainer's dashboard then read anywhere from 1.36 to 1.59 × its floor in eight runs of
# 20 (1.38–1.43 in four runs of 100).
MIN_SECONDS = 2.0
MAX_RUNS = 200


def _steady(values):
    return max(values) <= min(values) * (1 + STEADY)


def _traced_once(bench, case):
    """One run under tracemalloc (untimed: tracing slows Python down); returns the peak in bytes."""
    tracemalloc.start()
    try:
        case.run(bench)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    _cleanup(bench, case)
    return peak


def _warmup(bench, case):
    if hasattr(case, "warmup"):
        case.warmup(bench)  # e.g. a smaller file, when one full run takes minutes
    else:
        _once(bench, case)  # caches, compiled statements, templates


def _once(bench, case):
    case.run(bench)
    _cleanup(bench, case)


def _cleanup(bench, case):
    if hasattr(case, "cleanup"):
        case.cleanup(bench)


def _floor_once(bench, case, driver):
    case.floor(bench, driver)
    driver.rollback()
    if hasattr(case, "floor_cleanup"):
        case.floor_cleanup(bench, driver)


def count_statements(bench, case):
    """Statements of one run (no timing): to compare query counts across scales."""
    from cpms.domains import DOMAINS
    domain = getattr(case, "domain", None)
    if domain and domain not in DOMAINS:
        return None
    bench.role = case.role
    try:
        if hasattr(case, "setup"):
            case.setup(bench)
        _warmup(bench, case)  # as before the timed runs, whose largest count this one is compared with
        with StatementCounter(bench.app) as counter:
            case.run(bench)
        _cleanup(bench, case)
    except Skip:
        return None
    return counter.count
