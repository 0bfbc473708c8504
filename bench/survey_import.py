"""Benchmark of a survey import: `python -m bench.survey_import --rows 100000`.

Loads the demo data into a scratch SQLite database (or CPMS_BENCH_DATABASE_URL), writes a KoBoToolbox-like
CSV export of N rows to a temporary file, previews and imports it as the demo M&E officer, then computes
the round's results. Prints rows per second and the growth of the peak resident memory.
"""
import argparse
import os
import resource
import shutil
import tempfile
import time


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    from cpms import create_app
    from cpms.extensions import db

    workdir = tempfile.mkdtemp(prefix="cpms-bench-")
    url = os.environ.get("CPMS_BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}, instance_path=workdir)
    with app.test_request_context():
        from cpms.core.demo import load_demo
        from cpms.core.permissions import Scope
        from cpms.geo.reference import load_reference_places
        from cpms.surveys import imports
        from cpms.surveys.models import SurveyRound
        from cpms.surveys.service import results

        db.create_all()
        with db.engine.begin() as connection:
            load_reference_places(connection)
        load_demo()  # imports the domains' demo modules in order first, so that their loaders run in order
        from cpms.surveys.demo import responses_csv
        db.session.commit()
        survey_round = db.session.query(SurveyRound).filter_by(kind="endline").one()
        path = os.path.join(workdir, "export.csv")
        with open(path, "w", encoding="utf-8", newline="") as out:
            responses_csv(99, args.rows, 2017, trust=0.5, opinion=0.5, insecurity=0.3, victims=0.25,
                          score_mean=6, out=out)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        with open(path, "rb") as stream:
            summary = imports.preview_import(None, survey_round, stream, "export.csv")
        previewed = time.perf_counter()
        imports.confirm_import(None, survey_round, summary["token"])
        db.session.commit()
        imported = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        measures = results.round_results(survey_round, Scope.national())
        computed = time.perf_counter()
        responses = summary["new"] + 450
        print(f"{args.rows} rows: preview {previewed - started:.1f} s, import {imported - previewed:.1f} s, "
              f"{args.rows / (imported - started):.0f} rows/s; peak resident memory {peak / 1024:.0f} MB "
              f"({before / 1024:.0f} MB before the import); "
              f"results over {responses} responses and {len(measures)} measures in {computed - imported:.2f} s")
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
