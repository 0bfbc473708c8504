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


def test_a_scenario_records_its_whole_cost_and_its_runs(app, db):
    case = _Counted()
    result = measure(Bench(app, _Database()), case, repeat=4)
    # warm-up, 4 timed runs, 1 traced run for peak memory
    assert (case.warmups, case.runs, result.runs, result.queries) == (1, 5, 4, 2)
    assert result.elapsed_s is not None and result.elapsed_cpu_s is not None
    assert {"elapsed_s", "elapsed_cpu_s"} <= set(result.as_dict())  # saved in bench/results.json
