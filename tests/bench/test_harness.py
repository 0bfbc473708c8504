"""The benchmark harness: what a scenario's run costs is recorded, and the statement count at small scale follows
the same warm-up as the timed runs."""
import sqlalchemy as sa

from bench.harness import Bench, count_statements, measure


class _Database:
    kind = "sqlite"
    scale = "small"


class _Counted:
    """A scenario whose warm-up is cheaper than a run (as the certificate batch's: its cohort page only)."""
    name = "counted"
    role = None

    def __init__(self, statements=2):
        self.statements, self.runs, self.warmups = statements, 0, 0

    def warmup(self, bench):
        self.warmups += 1

    def run(self, bench):
        from cpms.extensions import db
        self.runs += 1
        with bench.app.app_context():
            for _ in range(self.statements):
                db.session.execute(sa.text("SELECT 1"))


def test_the_small_scale_count_uses_the_scenarios_own_warmup(app, db):
    case = _Counted(statements=3)
    assert count_statements(Bench(app, _Database()), case) == 3
    assert (case.warmups, case.runs) == (1, 1)  # not a second full run as warm-up


def test_a_scenario_records_its_whole_cost_and_its_runs(app, db, monkeypatch):
    monkeypatch.setattr("bench.harness.MIN_SECONDS", 0)  # no more runs than asked, however fast
    case = _Counted()
    result = measure(Bench(app, _Database()), case, repeat=4)
    # warm-up, 4 timed runs, 1 traced run for peak memory
    assert (case.warmups, case.runs, result.runs, result.queries) == (1, 5, 4, 2)
    assert result.elapsed_s is not None and result.elapsed_cpu_s is not None
    assert {"elapsed_s", "elapsed_cpu_s"} <= set(result.as_dict())  # saved in bench/results.json


def test_a_fast_page_runs_until_its_runs_add_up_to_the_minimum_time_within_the_maximum(app, db, monkeypatch):
    monkeypatch.setattr("bench.harness.MIN_SECONDS", 3600)
    monkeypatch.setattr("bench.harness.MAX_RUNS", 7)
    case = _Counted()
    assert measure(Bench(app, _Database()), case, repeat=4).runs == 7


def test_a_fast_page_stops_once_its_runs_add_up_to_the_minimum_time(app, db, monkeypatch):
    import time

    class Slowish(_Counted):
        def run(self, bench):
            super().run(bench)
            time.sleep(0.01)

    monkeypatch.setattr("bench.harness.MIN_SECONDS", 0.1)
    runs = measure(Bench(app, _Database()), Slowish(), repeat=2).runs
    assert 2 < runs <= 11  # ten runs of 10 ms or more make 0.1 s


def test_a_slow_scenario_runs_no_more_than_asked(app, db, monkeypatch):
    monkeypatch.setattr("bench.harness.MIN_SECONDS", 3600)

    class Slow(_Counted):
        repeat = 3

    assert measure(Bench(app, _Database()), Slow(), repeat=10).runs <= 3  # (2 when two runs agree within 5 %)


def test_a_lookup_times_the_fixed_cost_of_a_page_between_its_own_runs(app, db, monkeypatch):
    monkeypatch.setattr("bench.harness.MIN_SECONDS", 0)
    monkeypatch.setattr("bench.harness.FIXED_COST_PAGE", "/livez")  # public: the test database has no demo users
    from flask import request, request_started
    asked = []

    def record(_sender, **_extra):
        asked.append(request.path)

    class Lookup(_Counted):
        target = "lookup"

    with request_started.connected_to(record, app):  # a signal: the shared app may have served requests already
        result = measure(Bench(app, _Database()), Lookup(), repeat=3)
    assert asked.count("/livez") == 3  # once after each timed run
    assert result.fixed_ms > 0 and result.fixed_cpu_ms is not None


def _lookup(**fields):
    from bench.harness import Result
    values = dict(name="search", role="admin", target="lookup", runs=3, median_ms=30.0, p95_ms=31.0, cpu_ms=12.0,
                  queries=4, floor_ms=10.0, floor_cpu_ms=2.0, cpu_ratio=6.0, ratio=3.0)
    values.update(fields)
    return Result(**values)


def test_a_lookup_is_judged_against_its_floor_and_the_fixed_cost_of_a_page_in_cpu_on_sqlite():
    result = _lookup(fixed_ms=20.0, fixed_cpu_ms=6.0)  # CPU 12 ÷ (2 + 6) = 1.5: met, though 6× its bare floor
    assert result.lookup_ratio == 1.5 and result.meets_target is True
    assert _lookup(cpu_ms=12.1, fixed_ms=20.0, fixed_cpu_ms=6.0).meets_target is False


def test_a_lookup_is_judged_in_wall_time_where_the_run_has_no_cpu_ratio():
    # PostgreSQL: the server's work is not in this process's CPU time; wall 30 ÷ (10 + 10) = 1.5
    result = _lookup(cpu_ratio=None, fixed_ms=10.0, fixed_cpu_ms=1.0)
    assert result.lookup_ratio == 1.5 and result.meets_target is True
    assert _lookup(cpu_ratio=None, fixed_ms=9.0, fixed_cpu_ms=1.0).meets_target is False


def test_a_lookup_without_the_fixed_cost_in_the_same_run_is_not_judged():
    from bench.report import scenario_table
    result = _lookup()
    assert result.lookup_ratio is None and result.meets_target is None
    row = scenario_table({"scenarios": [result.as_dict()]}).splitlines()[-1]
    assert "not judged: the fixed cost of a page was not measured in this run" in row


def test_a_lookups_row_shows_its_ratio_and_the_fixed_cost_it_timed():
    from bench.harness import FIXED_COST, Result
    from bench.report import scenario_table
    fixed = Result(FIXED_COST, "viewer", runs=3, median_ms=2.0, p95_ms=2.1, cpu_ms=2.0, queries=2)  # not used
    lookup = _lookup(fixed_ms=20.0, fixed_cpu_ms=6.0)
    rows = scenario_table({"scenarios": [r.as_dict() for r in (fixed, lookup)]}).splitlines()
    assert "✅ ≤ 1.5× (floor + fixed cost of a page): 1.50× (CPU, fixed cost 6.0 ms)" in rows[-1]


def test_a_run_of_lookups_measures_the_fixed_cost_of_a_page_too():
    from bench.__main__ import selected_scenarios
    from bench.harness import FIXED_COST
    names = [case.name for case in selected_scenarios("Trainee search")]
    assert names[0] == FIXED_COST and len(names) == 4  # the three searches, after the fixed cost
    assert FIXED_COST not in [case.name for case in selected_scenarios("Cohort attendance")]  # no look-up: not added


def test_a_pdf_of_our_pages_is_judged_per_cpu_second_against_one_and_a_half_times_its_floor():
    from bench.harness import Result
    sheet = dict(target="pdf", median_ms=1400.0, floor_ms=2800.0, ratio=0.5, cpu_ms=2300.0, floor_cpu_ms=2800.0)
    assert Result("sign-in sheet", "trainer", cpu_ratio=1.45, **sheet).meets_target is True
    # two processes: half the floor's wall time, but 1.6× its CPU – over the 1.5×
    assert Result("sign-in sheet", "trainer", cpu_ratio=1.6, **sheet).meets_target is False


def test_an_aggregate_is_judged_in_cpu_time_where_the_run_has_it_else_in_wall_time():
    from bench.harness import Result
    loaded = dict(target="aggregate", median_ms=30.0, floor_ms=15.0, ratio=2.0, cpu_ms=14.0, floor_cpu_ms=10.0)
    assert Result("dashboard", "trainer", cpu_ratio=1.4, **loaded).meets_target is True  # SQLite: CPU 1.4×
    assert Result("dashboard", "trainer", cpu_ratio=1.6, **loaded).meets_target is False
    assert Result("dashboard", "trainer", cpu_ratio=None, **loaded).meets_target is False  # PostgreSQL: wall 2.0×
