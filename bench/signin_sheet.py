"""Direct timing of the sign-in sheet of the 450-officer cohort: `python -m bench.signin_sheet [--repeat 3]`.

Renders, in this process and alternately, the app's sheet (cpms/training/pdf.py: render_signin_sheet, the
template and WeasyPrint, without the request or the job around it) and the benchmark's floor (a bare WeasyPrint
render of a hand-written table of the same officers, bench/scenarios/training.py), after one untimed render of each,
on the prepared benchmark database (BENCH_SCALE, default small). Prints each one's CPU time (best and median of
--repeat; the app's includes the process that draws half of a large sheet) and their ratio, and the wall times;
`--whole` draws the app's sheet in one process (as before the sheet was drawn in two parts); `--profile` adds a
cProfile listing of one app render (by internal time; this process's part only).
"""
import argparse
import logging
import os
import statistics
import time

from bench.harness import cpu_seconds


def _best_and_median(values):
    return min(values) * 1000, statistics.median(values) * 1000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--whole", action="store_true", help="the app's sheet drawn in one process")
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)  # WeasyPrint's progress lines

    from weasyprint import HTML

    from bench.database import BenchDatabase, environment_url, prepare
    from bench.scenarios.training import register_session, signin_floor_html
    from cpms.extensions import db
    from cpms.training import pdf as sheet
    from cpms.training.models import TrainingSession
    from cpms.training.service import attendance

    app = prepare(BenchDatabase(os.environ.get("BENCH_SCALE", "small"), environment_url()))
    with app.app_context(), app.test_request_context():
        class Lookup:
            def scalar(self, statement):
                return db.session.scalar(statement)

        _cohort, session_id, _day = register_session(Lookup())
        session = db.session.get(TrainingSession, session_id)
        rows = attendance.register(session, with_rank=True)
        floor_html = signin_floor_html([(t.full_name, t.matricule, t.rank.name_en if t.rank else "")
                                        for _e, t, _s in rows])
        if args.whole:
            sheet.PARALLEL_MIN_PAGES = 10**6
        sheet.render_signin_sheet(session, args.lang, rows)
        HTML(string=floor_html).write_pdf()
        app_cpu, floor_cpu, app_wall, floor_wall, own_cpu = [], [], [], [], []
        for _ in range(args.repeat):
            started, started_cpu, started_own = time.perf_counter(), cpu_seconds(children=True), time.process_time()
            sheet.render_signin_sheet(session, args.lang, rows)
            app_cpu.append(cpu_seconds(children=True) - started_cpu)
            own_cpu.append(time.process_time() - started_own)
            app_wall.append(time.perf_counter() - started)
            started, started_cpu = time.perf_counter(), cpu_seconds(children=True)
            HTML(string=floor_html).write_pdf()
            floor_cpu.append(cpu_seconds(children=True) - started_cpu)
            floor_wall.append(time.perf_counter() - started)
        app_best, app_median = _best_and_median(app_cpu)
        floor_best, floor_median = _best_and_median(floor_cpu)
        print(f"{len(rows)} officers, {args.repeat} renders each ({'one process' if args.whole else 'parts'})")
        print(f"app sheet: CPU best {app_best:,.0f} ms, median {app_median:,.0f} ms; "
              "wall best {:,.0f} ms, median {:,.0f} ms".format(*_best_and_median(app_wall)))
        print(f"floor:     CPU best {floor_best:,.0f} ms, median {floor_median:,.0f} ms; "
              "wall best {:,.0f} ms, median {:,.0f} ms".format(*_best_and_median(floor_wall)))
        print(f"ratio:     best {app_best / floor_best:.2f}, median {app_median / floor_median:.2f} (CPU)")
        if not args.whole:
            # on an idle 2-core machine the two parts run side by side: the wall time is about the longer of the two
            own = statistics.median(own_cpu) * 1000
            child = statistics.median(c - o for c, o in zip(app_cpu, own_cpu)) * 1000
            print(f"of which:  this process {own:,.0f} ms, the child {child:,.0f} ms (CPU medians): "
                  f"about {max(own, child):,.0f} ms of wall time on two idle cores")
        print(f"load average: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if args.profile:
            import cProfile
            import pstats
            profile = cProfile.Profile()
            profile.runcall(sheet.render_signin_sheet, session, args.lang, rows)
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
