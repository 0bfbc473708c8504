"""Benchmark of a whole-cohort certificate batch: `python -m bench.certificate_batch --trainees 450`.

Builds a scratch SQLite database (or CPMS_BENCH_DATABASE_URL) with one completed cohort of N officers and
the demo artwork (logos, three signatories), then measures:
- the floor: a bare WeasyPrint render (`HTML(string=…).write_pdf()`, one process) of the same certificate
  pages as one document, for a sample of them, in CPU seconds;
- the batch as the scheduler runs it (issue, store, then the combined PDF and the ZIP) with --workers
  processes, and the peak resident memory of the scheduler process and of its rendering processes.
The issue's aim: batch CPU time per certificate (its rendering processes included) at most 1.3 × the floor.
"""
import argparse
import os
import shutil
import tempfile
import time
from datetime import date
from datetime import time as clock


def completed_cohort(size, suffix=""):
    """A completed cohort of `size` new officers, everyone eligible for a certificate, with the Lubumbashi demo
    artwork; returns it (flushed and committed). Also the load test's batches (bench/loadtest.py: `suffix` tells
    the programme, course and matricules of a second cohort apart)."""
    from sqlalchemy import insert, select

    from cpms.certificates import demo
    from cpms.certificates.service.design import save_profile
    from cpms.core.models import utcnow
    from cpms.extensions import db
    from cpms.geo.models import Commune
    from cpms.programmes.service import create_programme
    from cpms.training import service
    from cpms.training.models import Attendance, Enrolment, Trainee, TrainingSession
    from cpms.training.reference import seed_ranks

    seed_ranks(db.session.connection())
    commune = db.session.scalar(select(Commune).where(Commune.name == "Kampemba"))
    programme = create_programme(code=f"BENCH{suffix}", name="Police de proximité – Lubumbashi 2016–2019",
                                 donors="INL", start_date=date(2016, 1, 1), end_date=date(2019, 12, 31),
                                 requires_vetting=False, description="", province_ids=[commune.province_id])
    colour, initials, donor, people = demo.PROFILES["PDP-HKT-2016"]
    people = people + [("Jeanne Mwamba Ilunga", "Directrice de l'académie de police")]
    save_profile(programme, programme_logo=demo._Upload(demo.programme_logo(colour, initials)),
                 donor_logo=demo._Upload(demo.donor_logo(colour, donor)),
                 signatories=[{"name": n, "title": t, "signature": demo._Upload(demo.signature(i))}
                              for i, (n, t) in enumerate(people)])
    course = service.save_course(code=f"PDP-BASE{suffix}", title_fr="Police de proximité – formation de base",
                                 title_en="Community policing – basic course", course_type="basic", duration_days=150,
                                 hours=600, topics="", attendance_threshold=80, pass_mark=50, issues_certificate=True)
    cohort = service.save_cohort(name="Benchmark cohort", course_id=course.id, programme_id=programme.id,
                                 training_centre="Académie de police de Kassapa", commune_id=commune.id,
                                 start_date=date(2016, 4, 4), end_date=date(2016, 9, 30), capacity=size,
                                 status="completed")
    now = utcnow()
    matricules = [f"99{suffix}{n:06d}" for n in range(size)]
    db.session.execute(insert(Trainee), [
        {"matricule": matricules[n], "last_name": demo_name(n)[0], "post_name": demo_name(n)[1],
         "first_name": demo_name(n)[2], "sex": "M" if n % 7 else "F", "specialty": "community", "unit": "",
         "commune_id": commune.id, "province_id": commune.province_id, "created_at": now, "updated_at": now}
        for n in range(size)])
    ids = db.session.scalars(select(Trainee.id).where(Trainee.matricule.in_(matricules)).order_by(Trainee.id)).all()
    db.session.execute(insert(Enrolment), [
        {"cohort_id": cohort.id, "trainee_id": tid, "enrolled_on": cohort.start_date, "final_score": 70,
         "withdrawal_reason": "", "created_at": now, "updated_at": now} for tid in ids])
    session = TrainingSession(cohort_id=cohort.id, session_date=cohort.start_date, start_time=clock(8),
                              end_time=clock(12))
    db.session.add(session)
    db.session.flush()
    enrolments = db.session.scalars(select(Enrolment.id).where(Enrolment.cohort_id == cohort.id)).all()
    db.session.execute(insert(Attendance), [{"session_id": session.id, "enrolment_id": e, "status": "present",
                                             "recorded_at": now} for e in enrolments])
    db.session.commit()
    return cohort


def demo_name(n):
    from cpms.training.demo import FIRST_M, LAST, POST
    return LAST[n % len(LAST)], POST[(n // 3) % len(POST)], FIRST_M[(n // 7) % len(FIRST_M)]


def floor_pages(cohort, limit=None):
    """The HTML of the cohort's certificate pages as a batch fills them in (same template, artwork, language and
    officers), for the floor: a bare WeasyPrint render of each. Codes and serials are invented."""
    from sqlalchemy import select

    from cpms.certificates import service
    from cpms.certificates.pdf import (
        artwork_of,
        certificate_context,
        cohort_context,
        compile_template,
        document_html,
        printed_fields,
    )
    from cpms.certificates.service import codes
    from cpms.extensions import db
    from cpms.training.models import Enrolment, Trainee

    template = service.current_template()
    compiled = compile_template(template.html)
    lang = cohort.certificate_language or "fr"
    shared = cohort_context(cohort, lang, artwork_of(service.profile_for(cohort.programme_id)))
    stmt = (select(Trainee).join(Enrolment, Enrolment.trainee_id == Trainee.id).where(Enrolment.cohort_id == cohort.id)
            .order_by(Trainee.last_name, Trainee.first_name, Trainee.id))
    trainees = db.session.scalars(stmt.limit(limit) if limit else stmt).all()
    pages = []
    for n, trainee in enumerate(trainees):
        code = codes.new_verification_code()
        context = certificate_context(printed_fields(trainee, cohort, lang), shared,
                                      serial=codes.format_serial(cohort.end_date.year, n + 1), code=code,
                                      url=f"https://cpms.example.org/verify/{code}", issued_on=date.today())
        pages.append(document_html(compiled, template.css, context))
    return pages


def bare_render(pages):
    """Seconds to render each page with nothing but WeasyPrint (`HTML(string=…).write_pdf()`), in this process
    (its progress messages silenced, as in the batch's rendering processes, which configure no logging)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    started = time.perf_counter()
    for page in pages:
        HTML(string=page).write_pdf()
    return time.perf_counter() - started


def one_document(pages):
    """The pages joined into ONE HTML document: the head (the template's style) once, then each page's body in a
    section starting a new page. Rendered, its pages look as the separate renders (same size, text and images)."""
    head = pages[0].split("<body>", 1)[0]
    bodies = "".join(f"<section>{page.split('<body>', 1)[1].rsplit('</body>', 1)[0]}</section>" for page in pages)
    return (head.replace("</head>", "<style>section + section { break-before: page }</style></head>", 1)
            + f"<body>{bodies}</body></html>")


def bare_render_one_document(pages):
    """Render the pages as one WeasyPrint document (`HTML(string=…).write_pdf()`), in this process; returns the
    PDF's page count. The floor of a batch, per CPU-second (issue 22)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    document = HTML(string=one_document(pages)).render()
    document.write_pdf()
    return len(document.pages)


def _floor(cohort, sample):
    """CPU seconds per certificate of a bare WeasyPrint render of the same pages as one document, in one process."""
    from bench.harness import cpu_seconds
    pages = floor_pages(cohort, sample)
    bare_render_one_document(pages[:2])  # fonts loaded once, as in a warm process
    started = cpu_seconds()
    bare_render_one_document(pages)
    return (cpu_seconds() - started) / len(pages)


class MemorySampler:
    """Resident memory of this process and of its child processes, sampled from /proc while a batch runs
    (ru_maxrss of children is useless here: a child counts its parent's pages at fork time)."""

    def __init__(self, interval=0.2):
        import threading
        self.interval, self.parent, self.children = interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss(pid):
        try:
            with open(f"/proc/{pid}/status") as status:
                return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) * 1024
        except (OSError, StopIteration, ValueError):
            return 0

    def _child_pids(self):
        me, pids = os.getpid(), []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        if int(stat.read().rsplit(")", 1)[1].split()[1]) == me:
                            pids.append(int(entry))
                except (OSError, ValueError, IndexError):
                    pass
        return pids

    def _run(self):
        while not self._stop.wait(self.interval):
            self.parent = max(self.parent, self._rss(os.getpid()))
            self.children = max([self.children] + [self._rss(pid) for pid in self._child_pids()])

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=450)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=60, help="pages rendered for the floor")
    args = parser.parse_args(argv)
    import logging

    from cpms import create_app
    from cpms.extensions import db

    workdir = tempfile.mkdtemp(prefix="cpms-bench-")
    url = os.environ.get("CPMS_BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING",
                      "BASE_URL": "https://cpms.example.org"}, instance_path=workdir)
    logging.getLogger().setLevel(logging.WARNING)
    with app.app_context():
        from sqlalchemy import select

        from cpms.certificates.models import CertificateBatch
        from cpms.certificates.service import batches
        from cpms.geo.reference import load_reference_places

        db.create_all()
        with db.engine.begin() as connection:
            load_reference_places(connection)
        cohort = completed_cohort(args.trainees)
        floor = _floor(cohort, min(args.sample, args.trainees))
        db.session.rollback()
        batches.request_batch(None, cohort)
        db.session.commit()
        before = MemorySampler._rss(os.getpid())
        from bench.harness import cpu_seconds
        with MemorySampler() as memory:
            started, started_cpu, started_own = time.perf_counter(), cpu_seconds(children=True), cpu_seconds()
            batches.run_pending_batches(workers=args.workers)
            elapsed, cpu = time.perf_counter() - started, cpu_seconds(children=True) - started_cpu
            own = cpu_seconds() - started_own
        batch = db.session.scalar(select(CertificateBatch))
        sizes = [os.path.getsize(batches.batch_file(name)) for name in (batch.pdf_name, batch.zip_name)]
        per_certificate = cpu / args.trainees
        print(f"{args.trainees} certificates, {args.workers} worker processes, {os.cpu_count()} cores: "
              f"batch {elapsed:.1f} s, {cpu:.1f} CPU s with its rendering processes = "
              f"{per_certificate * 1000:.0f} CPU ms per certificate (issue, store, combined PDF and ZIP; "
              f"{own / args.trainees * 1000:.0f} of them in the scheduler's process); "
              f"bare WeasyPrint render of the pages as one document {floor * 1000:.0f} CPU ms per page "
              f"in one process: {per_certificate / floor:.2f} × the floor per CPU-second (aim: at most 1.3 ×); "
              f"parallel speed-up {cpu / elapsed:.2f}. "
              f"Status {batch.status}. Peak resident memory during the batch: scheduler process "
              f"{memory.parent / 1e6:.0f} MB ({before / 1e6:.0f} MB before it), largest rendering process "
              f"{memory.children / 1e6:.0f} MB. "
              f"Combined PDF {sizes[0] / 1e6:.1f} MB, ZIP {sizes[1] / 1e6:.1f} MB.")
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
