"""`python -m bench` (what `make bench` runs); `python -m bench generate --scale small|province|national` fills
the app's database with the generated data only (bench/cli.py).

Settings (environment): BENCH_SCALE (national, province or small; default national), BENCH_REPEAT (timed runs per
scenario, default 10), BENCH_ONLY (run only scenarios whose name contains this text, or one of
these texts separated by commas; the fixed cost of a page is added when a look-up is among them, its target needs
it), BENCH_PARTS (comma-separated,
default scenarios,weight,load), CPMS_BENCH_DATABASE_URL (also run on this PostgreSQL database), BENCH_DATABASES
(sqlite, postgresql or both, default both: e.g. only PostgreSQL when the SQLite figures of the same scale are
already there).
"""
import os
import sys

from bench import report
from bench.database import BenchDatabase, environment_url, prepare
from bench.harness import Bench, Stopwatch, all_scenarios, count_statements, measure, with_fixed_cost


def echo(line=""):
    print(line, flush=True)


def selected(case, only):
    """BENCH_ONLY: empty (every scenario), a text in the name, or texts separated by commas (any of them)."""
    return not only or any(text.strip().lower() in case.name.lower() for text in only.split(",") if text.strip())


def selected_scenarios(only):
    """The scenarios BENCH_ONLY selects, in the order they run, with the fixed cost of a page when a look-up is
    among them (its target adds that cost to the look-up's floor: bench/harness.py)."""
    return with_fixed_cost(case for case in all_scenarios() if selected(case, only))


def run_scenarios(app, database, repeat, only, echo=echo):
    bench = Bench(app, database)
    results = []
    for case in selected_scenarios(only):
        result = measure(bench, case, repeat)
        result.key = case.name  # the scale-free name, to find the same scenario's small-scale count
        if result.skipped:
            echo(f"  {result.name}: skipped ({result.skipped})")
        else:
            ratio = f", {result.ratio:.2f}× floor" if result.ratio else ""
            echo(f"  {result.name}: median {result.median_ms:,.1f} ms, p95 {result.p95_ms:,.1f} ms, "
                 f"{result.queries} queries, peak {result.peak_kb:,.0f} KB{ratio} "
                 f"({result.runs} runs; scenario {result.elapsed_s:.0f} s wall, {result.elapsed_cpu_s:.1f} s CPU)")
        results.append(result)
    return results


def small_scale_queries(base_url, only, echo=echo):
    """{scenario name: statements} on the small data, to check that counts do not grow with the data."""
    database = BenchDatabase("small", base_url)
    app = prepare(database, echo=echo)
    bench = Bench(app, database)
    counts = {}
    for case in selected_scenarios(only):
        with Stopwatch() as watch:
            counts[case.name] = count_statements(bench, case)
        title = case.title(bench) if hasattr(case, "title") else case.name
        echo(f"  {title}: {counts[case.name]} statements at small scale "
             f"({watch.wall:.0f} s wall, {watch.cpu:.1f} s CPU)")
    return counts


def main():
    scale = os.environ.get("BENCH_SCALE", "national")
    repeat = int(os.environ.get("BENCH_REPEAT", "10"))
    only = os.environ.get("BENCH_ONLY", "")
    parts = set(os.environ.get("BENCH_PARTS", "scenarios,weight,load").split(","))
    urls = [None] + ([environment_url()] if environment_url() else [])
    kinds = {kind.strip() for kind in os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")}
    urls = [url for url in urls if ("postgresql" if url else "sqlite") in kinds]
    for url in urls:
        database = BenchDatabase(scale, url)
        echo(f"== {database.label}")
        with Stopwatch() as watch:
            app = prepare(database, echo=echo)
        parts_time = [("data (generated or reused)", watch)]
        run = {"scale": scale, "database": database.kind, "repeat": repeat, "data": data_summary(app),
               "load_average": report._load(), "scenarios": []}
        previous = report.load()["runs"].get(database.label, {})
        if "scenarios" in parts:
            with Stopwatch() as watch:
                results = run_scenarios(app, database, repeat, only)
            parts_time.append(("scenarios", watch))
            with Stopwatch() as watch:
                small = small_scale_queries(url, only) if scale != "small" else {}
            parts_time.append(("statements at small scale", watch))
            for result in results:
                item = result.as_dict()
                item["queries_small"] = small.get(result.key) if scale != "small" else result.queries
                run["scenarios"].append(item)
        else:
            run["scenarios"] = previous.get("scenarios", [])
        if "weight" in parts and url is None:
            from bench.pageweight import measure_pages
            with Stopwatch() as watch:
                run["pages"] = measure_pages(app, database, echo=echo)
            parts_time.append(("page weight", watch))
        else:
            run["pages"] = previous.get("pages", [])
        if "load" in parts:
            from bench.load import measure_load
            with Stopwatch() as watch:
                run["load"] = measure_load(app, database, echo=echo)
            parts_time.append(("load", watch))
        else:
            run["load"] = previous.get("load", [])
        run["elapsed"] = {name: {"wall_s": round(w.wall, 1), "cpu_s": round(w.cpu, 1)} for name, w in parts_time}
        echo("Time by part: " + "; ".join(f"{name} {w.wall:.0f} s wall, {w.cpu:.0f} s CPU" for name, w in parts_time))
        data = report.save(database.label, run)
        echo()
        echo(report.markdown({"runs": {database.label: data["runs"][database.label]}}))
    echo(f"Results: {report.RESULTS.relative_to(report.ROOT)} and {report.MARKDOWN.relative_to(report.ROOT)}")
    return 0


def data_summary(app):
    """A few row counts, to state what the figures were measured on."""
    from sqlalchemy import func, select

    from cpms.extensions import db
    from cpms.surveys.models import SurveyResponse
    from cpms.training.models import Attendance, Cohort, Trainee
    with app.app_context():
        counts = [(db.session.scalar(select(func.count()).select_from(model)), label) for model, label in
                  ((Trainee, "trainees"), (Cohort, "cohorts"), (Attendance, "attendance marks"),
                   (SurveyResponse, "survey responses"))]
    return ", ".join(f"{n:,} {label}" for n, label in counts)


if __name__ == "__main__":
    if sys.argv[1:2] == ["generate"]:
        from bench.cli import main as generate_main
        sys.exit(generate_main(sys.argv[2:]))
    sys.exit(main())
