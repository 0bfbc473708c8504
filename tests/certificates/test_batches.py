"""Whole-cohort batches: queued by the web, run outside it, with progress; one PDF and one ZIP at the end."""
import io
import time
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from cpms.certificates import service
from cpms.certificates.models import Certificate, CertificateBatch, CertificateFile
from cpms.certificates.service import batches
from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from tests.certificates.fixtures import BASE_URL
from tests.conftest import english
from tests.helpers.pdf import qr_codes


def _run(workers=1):
    return batches.run_pending_batches(workers=workers)


def _outputs(batch):
    with open(batches.batch_file(batch.pdf_name), "rb") as handle:
        combined = handle.read()
    with zipfile.ZipFile(batches.batch_file(batch.zip_name)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return combined, members


def test_a_batch_issues_the_missing_certificates_and_assembles_pdf_and_zip(app, completed_cohort, make_user):
    officer = make_user("me_officer")
    cohort, done, incomplete = completed_cohort(n=5, incomplete=1)
    already = service.issue_certificate(None, done[2], base_url=BASE_URL)  # one was issued earlier, by hand
    _db.session.commit()
    batch = batches.request_batch(officer, cohort, base_url=BASE_URL)
    _db.session.commit()
    assert (batch.status, batch.to_issue, batch.done, batch.percent) == ("pending", 4, 0, 0)
    with english(app), pytest.raises(DomainError, match="already being prepared"):
        batches.request_batch(officer, cohort, base_url=BASE_URL)

    assert _run() == 1
    _db.session.expire_all()
    batch = _db.session.get(CertificateBatch, batch.id)
    assert (batch.status, batch.issued, batch.certificates_count, batch.percent) == ("done", 4, 5, 100)
    assert batch.done == batch.total
    certificates = _db.session.scalars(select(Certificate).where(Certificate.cohort_id == cohort.id)).all()
    assert len(certificates) == 5 and {c.enrolment_id for c in certificates} == {e.id for e in done}
    assert all(c.issued_by_id == officer.id for c in certificates if c.id != already.id)

    combined, members = _outputs(batch)
    reader = PdfReader(io.BytesIO(combined), strict=True)
    assert len(reader.pages) == 5
    assert len(members) == 5 and all(name.endswith(".pdf") for name in members)
    stored = dict(_db.session.execute(select(Certificate.serial, CertificateFile.data)
                                      .join(CertificateFile, CertificateFile.certificate_id == Certificate.id)).all())
    for name, data in members.items():
        assert data == stored[name.split("_", 1)[0]]  # the ZIP holds the frozen PDFs, byte for byte
    # one certificate per page, in name order, each page with its own serial
    by_name = sorted(certificates, key=lambda c: (c.holder_name, c.id))
    for page, certificate in zip(reader.pages, by_name):
        assert certificate.serial in page.extract_text()
        # the same page as the stored file (drawn from the chunk's fragment, or from the file issued earlier):
        # the same drawing, and the same images, its QR code among them
        alone = PdfReader(io.BytesIO(stored[certificate.serial])).pages[0]
        assert page.get_contents().get_data() == alone.get_contents().get_data()
        assert sorted(image.data for image in page.images) == sorted(image.data for image in alone.images)
        assert qr_codes(stored[certificate.serial]) == [(certificate.verification_url, "M")]  # as a phone reads it
    # the combined file's cross-reference table points at every object exactly
    offsets = xref_offsets(combined)
    assert len(offsets) > 5 and all(combined[offset:].startswith(f"{n} 0 obj".encode())
                                    for n, offset in offsets.items())


def xref_offsets(data):
    """{object number: offset} from a PDF's cross-reference table, read subsection by subsection."""
    xref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    lines = iter(data[xref:].split(b"trailer")[0].splitlines()[1:])
    offsets = {}
    for header in lines:
        first, count = (int(field) for field in header.split())
        for number in range(first, first + count):
            offset, _generation, kind = next(lines).split()
            if kind == b"n":
                offsets[number] = int(offset)
    return offsets


def test_the_audit_log_names_the_requester_of_a_batch_not_the_scheduler(app, completed_cohort, make_user):
    from cpms.core.audit import AuditEntry
    from cpms.core.transaction import in_transaction
    officer = make_user("me_officer")
    cohort, done, _rest = completed_cohort(n=3)
    batches.request_batch(officer, cohort, base_url=BASE_URL)
    _db.session.commit()
    with in_transaction("scheduler:certificate-batches"):  # as the scheduler runs the job
        assert _run() == 1
    ids = [str(i) for i in _db.session.scalars(select(Certificate.id).where(Certificate.cohort_id == cohort.id))]
    entries = _db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "certificates",
                                                           AuditEntry.action == "create",
                                                           AuditEntry.entity_id.in_(ids))).all()
    assert len(ids) == 3 and len(entries) == 3
    assert {(entry.actor_id, entry.actor_label) for entry in entries} == {(officer.id, officer.email)}


def test_batch_progress_is_visible_while_it_runs(app, completed_cohort, monkeypatch):
    cohort, done, _rest = completed_cohort(n=12)
    batch = batches.request_batch(None, cohort, base_url=BASE_URL)
    _db.session.commit()
    seen = []
    original = batches._store_chunk

    def watching(batch_row, *args):
        original(batch_row, *args)
        with app.app_context():  # another connection, as the progress page would see it
            row = _db.session.get(CertificateBatch, batch_row.id)
            seen.append((row.status, row.issued, row.done, row.total))

    monkeypatch.setattr(batches, "CHUNK", 5)
    monkeypatch.setattr(batches, "_store_chunk", watching)
    _run()
    assert seen == [("running", 5, 5, 24), ("running", 10, 10, 24), ("running", 12, 12, 24)]
    _db.session.expire_all()
    assert _db.session.get(CertificateBatch, batch.id).percent == 100


def test_two_worker_processes_render_a_batch(app, completed_cohort, monkeypatch):
    from concurrent.futures import ProcessPoolExecutor
    pools = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            pools.append(kwargs["max_workers"])

    monkeypatch.setattr(batches, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(batches, "CHUNK", 2)
    cohort, done, _rest = completed_cohort(n=6)
    batches.request_batch(None, cohort, base_url=BASE_URL)
    _db.session.commit()
    _run(workers=2)
    assert pools == [2]
    batch = _db.session.scalar(select(CertificateBatch))
    assert batch.status == "done", batch.error
    combined, members = _outputs(batch)
    assert len(PdfReader(io.BytesIO(combined)).pages) == 6 and len(members) == 6


def test_rendering_processes_are_forked_unless_a_render_is_under_way(app):
    """Forked from the worker (which already imported WeasyPrint), they end when the pool is terminated although
    the worker's own SIGTERM handler only asks it to stop; while a render of this process is under way in another
    thread, they are spawned (a fork could inherit a library's lock taken)."""
    import signal

    from cpms.core.pdf import collections_paused
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)  # as the worker's stop handler
    try:
        pool = batches._render_pool(2)
        assert pool._mp_context.get_start_method() == "fork"
        assert pool.submit(int, "7").result(timeout=60) == 7  # handed out once every process has run its initializer
        processes = list(pool._processes.values())
        batches._terminate(pool)
        deadline = time.monotonic() + 30
        for process in processes:  # the pool's own thread reaps them too: a join racing it can see no exit code yet
            while process.exitcode is None and time.monotonic() < deadline:
                process.join(0.05)
        assert len(processes) == 2 and [process.exitcode for process in processes] == [-signal.SIGTERM] * 2
    finally:
        signal.signal(signal.SIGTERM, previous)
    with collections_paused():
        pool = batches._render_pool(1)
        try:
            assert pool._mp_context.get_start_method() == "spawn"
        finally:
            pool.shutdown()


def test_nothing_to_issue_is_refused(app, completed_cohort):
    cohort, _done, _rest = completed_cohort(n=0, incomplete=2)
    with english(app), pytest.raises(DomainError, match="Nobody in this cohort has completed the course"):
        batches.request_batch(None, cohort, base_url=BASE_URL)


def test_a_failed_batch_says_why_and_keeps_what_was_issued(app, completed_cohort, monkeypatch):
    cohort, done, _rest = completed_cohort(n=4)
    batches.request_batch(None, cohort, base_url=BASE_URL)
    _db.session.commit()
    monkeypatch.setattr(batches, "CHUNK", 2)

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(batches, "_assemble", broken)
    _run()
    batch = _db.session.scalar(select(CertificateBatch))
    assert batch.status == "failed" and batch.error == "disk full"
    assert _db.session.scalar(select(func.count()).select_from(Certificate)) == 4
    # asked again, nothing is issued twice
    monkeypatch.undo()
    again = batches.request_batch(None, cohort, base_url=BASE_URL)
    _db.session.commit()
    assert again.to_issue == 0
    _run()
    _db.session.expire_all()
    assert _db.session.get(CertificateBatch, again.id).certificates_count == 4
    assert _db.session.scalar(select(func.count()).select_from(Certificate)) == 4


def test_a_batch_whose_worker_died_is_started_again_by_its_job(app, completed_cohort):
    from datetime import timedelta

    from cpms.core.jobs import Job
    from cpms.core.jobs.queue import claim_next
    from cpms.core.models import utcnow
    cohort, done, _rest = completed_cohort(n=2)
    batch = batches.request_batch(None, cohort, base_url=BASE_URL)
    _db.session.commit()
    job_id = claim_next("worker:gone:1")  # claimed by a worker that was then killed
    job = _db.session.get(Job, job_id)
    job.locked_until = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    assert _run() == 1
    _db.session.expire_all()
    assert _db.session.get(CertificateBatch, batch.id).status == "done"
    assert (_db.session.get(Job, job_id).state, _db.session.get(Job, job_id).attempts) == ("done", 2)


def test_the_cli_runs_pending_batches(app, completed_cohort):
    cohort, done, _rest = completed_cohort(n=2)
    batches.request_batch(None, cohort, base_url=BASE_URL)
    _db.session.commit()
    result = app.test_cli_runner().invoke(args=["cpms", "certificates", "run-batches", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Certificate batches run: 1" in result.output
    _db.session.expire_all()
    assert _db.session.scalar(select(CertificateBatch.status)) == "done"


def test_a_batch_is_a_job_and_no_longer_a_scheduler_sweep(app, completed_cohort, make_user):
    from cpms.core.jobs import Job, run_queued_jobs
    from cpms.core.scheduler import registered_jobs
    assert "certificate-batches" not in registered_jobs()
    officer = make_user("me_officer")
    cohort, done, _rest = completed_cohort(n=1)
    batch = batches.request_batch(officer, cohort, base_url=BASE_URL)
    _db.session.commit()
    job = _db.session.scalar(select(Job))
    assert (job.kind, job.params, job.owner_id, job.state) == ("certificates.batch", {"batch_id": batch.id}, officer.id, "queued")
    app.config["CERTIFICATE_WORKERS"], workers = 1, app.config["CERTIFICATE_WORKERS"]
    try:
        assert run_queued_jobs() == 1
    finally:
        app.config["CERTIFICATE_WORKERS"] = workers
    _db.session.expire_all()
    assert _db.session.scalar(select(CertificateBatch.status)) == "done"
    job = _db.session.get(Job, job.id)
    assert (job.state, job.percent) == ("done", 100)


def test_a_failed_batch_fails_its_job_with_the_reason(app, completed_cohort, monkeypatch):
    from cpms.core.jobs import Job
    cohort, done, _rest = completed_cohort(n=1)
    batches.request_batch(None, cohort, base_url=BASE_URL)
    _db.session.commit()

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(batches, "_assemble", broken)
    with english(app):
        _run()
    job = _db.session.scalar(select(Job))
    assert job.state == "failed" and "disk full" in job.error
