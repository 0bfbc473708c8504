"""Certificates for a whole cohort, in the background.

A web request records a pending CertificateBatch and queues its job ("certificates.batch", cpms/certificates/
tasks.py; the job mechanism is cpms/core/jobs/, docs/jobs.md) in the same transaction. A worker (`flask cpms
worker`), or `flask cpms certificates run-batches`, then:
1. issues the missing certificates, in chunks of CHUNK: serials drawn and committed, pages rendered by a
   pool of CERTIFICATE_WORKERS processes (both cores), each chunk stored and committed with the progress;
2. assembles the cohort's valid certificates, in name order, into one PDF (a page each, written page by page
   with core/pdf_join.py) and a ZIP of the individual frozen PDFs, both written to files as it goes. The pages issued
   by this run reach the combined PDF while they are issued: each rendering process returns its chunk's pages
   as a fragment of that file (core/pdf_join.py: pdf_fragment), appended as bytes; only certificates issued earlier
   are read back from their stored files (issue 22).
Memory stays bounded by a few chunks whatever the cohort size. A batch interrupted (the worker stopped, or
killed: its job's lease expires) is run again by its job; what was issued stays issued and is not issued twice
(each chunk's certificates are stored in one transaction, and an enrolment holding one is skipped). A stopping
worker interrupts the batch at its next chunk and stops the rendering processes at once.

The worker's writes are deliberately short transactions (`in_transaction()`, cpms/core/transaction.py), so
that the database's write lock is never held while pages render. While a batch runs, the worker acts as the
user who requested it (`acting_as`): the audit log names them, not the scheduler.
"""
import logging
import os
import re
import time
import unicodedata
import zipfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from multiprocessing import get_all_start_methods, get_context

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import contains_eager

from cpms.certificates.models import Certificate, CertificateBatch, CertificateFile
from cpms.certificates.pdf import (
    FIRST_FREE,
    PdfConcatenator,
    artwork_of,
    certificate_context,
    cohort_context,
    compile_template,
    document_html,
    fragment_first_number,
    printed_fields,
    render_chunk,
    render_process_started,
)
from cpms.certificates.service.certificates import (
    cohort_certificates,
    current_template,
    ensure_due,
    profile_for,
    public_base_url,
    store_certificates,
    verification_url,
)
from cpms.certificates.service.codes import format_serial, new_verification_code, reserve_serials
from cpms.core.errors import DomainError
from cpms.core.jobs import N_, enqueue_job, run_queued_jobs
from cpms.core.models import utcnow
from cpms.core.pdf import no_render_under_way
from cpms.core.transaction import acting_as, in_transaction
from cpms.extensions import db
from cpms.training.models import Cohort, Enrolment, Trainee
from cpms.training.service.attendance import cohort_completion

log = logging.getLogger("cpms.certificates")
CHUNK = 10
FORK_WAIT = 60  # seconds for the forked rendering processes to be ready (milliseconds on a quiet machine)
JOB_KIND = "certificates.batch"
ISSUING, ASSEMBLING = N_("Issuing the certificates"), N_("Assembling the PDF and the ZIP")
_workers_override = None  # run_pending_batches(workers=…), for the CLI, tests and benchmarks


# --- planning and requests (web side) ----------------------------------------------------------------

def plan(cohort):
    """(enrolments to issue, enrolments already holding a valid certificate), both in name order. Refused
    (DomainError) while the cohort has not ended: no batch is queued or run before."""
    ensure_due(cohort)
    rows = cohort_completion(cohort)
    latest = cohort_certificates(cohort.id)
    to_issue, certified = [], []
    for row in rows:
        certificate = latest.get(row.enrolment.id)
        if certificate is not None and certificate.status == "valid":
            certified.append(row.enrolment.id)
        elif certificate is None and row.completed:
            to_issue.append(row.enrolment.id)
    return to_issue, certified


def active_batch(cohort_id):
    return db.session.scalar(select(CertificateBatch).where(CertificateBatch.cohort_id == cohort_id,
                                                            CertificateBatch.status.in_(("pending", "running"))))


def request_batch(actor, cohort, base_url=None):
    """Queue the certificates of a whole cohort. Refused: the course issues none, a batch is already under
    way, or nobody completed the course (so there is nothing to issue or assemble)."""
    if not cohort.course.issues_certificate:
        raise DomainError(_("The course %(code)s does not issue certificates.", code=cohort.course.code))
    running = active_batch(cohort.id)
    if running is not None:
        raise DomainError(_("Certificates for this cohort are already being prepared (batch %(id)d): wait for it "
                            "to finish.", id=running.id))
    to_issue, certified = plan(cohort)
    if not to_issue and not certified:
        raise DomainError(_("Nobody in this cohort has completed the course: there is no certificate to issue."))
    batch = CertificateBatch(cohort_id=cohort.id, requested_by_id=getattr(actor, "id", None),
                             base_url=base_url or public_base_url(), to_issue=len(to_issue),
                             total=2 * len(to_issue) + len(certified))
    db.session.add(batch)
    db.session.flush()
    back_url = url_for("certificates.batch_detail", batch_id=batch.id) if has_request_context() else None
    enqueue_job(JOB_KIND, {"batch_id": batch.id}, actor, back_url=back_url)
    return batch


def batch_folder():
    path = os.path.join(current_app.config["UPLOAD_DIR"], "certificates", "batches")
    os.makedirs(path, exist_ok=True)
    return path


def batch_file(name):
    """Absolute path of a batch's file; names come from the database, never from the request."""
    return os.path.join(batch_folder(), os.path.basename(name))


def slug(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "certificate"


# --- the worker side ----------------------------------------------------------------------------------

def run_pending_batches(workers=None):
    """Run the queued batch jobs now, in this process (`flask cpms certificates run-batches`, tests,
    benchmarks); returns the number run. Workers (`flask cpms worker`) run them otherwise."""
    global _workers_override
    _workers_override = workers
    try:
        return run_queued_jobs(worker_id="certificates-cli", kinds=(JOB_KIND,))
    finally:
        _workers_override = None


def run_batch(batch_id, workers=None, job=None):
    """Issue, then assemble, on behalf of the requester; the batch ends `done`, or `failed` with the error
    (raised again as a DomainError for the job). Commits as it goes; `job` (the job's context) gets the
    progress and may interrupt the batch between chunks (it is then resumed by the job's next run)."""
    from cpms.auth.models import User
    with in_transaction():
        batch = db.session.get(CertificateBatch, batch_id)
        if batch is None or batch.status == "done":
            return batch
        batch.status, batch.stage, batch.error = "running", "issuing", ""
        batch.started_at, batch.heartbeat_at, batch.attempts = utcnow(), utcnow(), batch.attempts + 1
    requester = db.session.get(User, batch.requested_by_id) if batch.requested_by_id else None
    workers = workers or _workers_override or current_app.config["CERTIFICATE_WORKERS"]
    # the audit log names who asked, not the worker
    with acting_as(requester) if requester is not None else nullcontext():
        try:
            cohort = db.session.get(Cohort, batch.cohort_id)
            with in_transaction():
                to_issue, certified = plan(cohort)
                batch.to_issue, batch.total, batch.done = len(to_issue), 2 * len(to_issue) + len(certified), 0
            pdf_path = batch_file(_stem(batch, cohort) + ".pdf")
            with open(pdf_path + ".part", "wb") as pdf_handle:
                # the combined PDF's own objects come after the ranges of the chunks' fragments
                first = fragment_first_number(-(-len(to_issue) // CHUNK))
                combined = PdfConcatenator(pdf_handle, first_number=first or FIRST_FREE)
                placed = _issue_all(batch, cohort, to_issue, requester, workers, job,
                                    combined=combined if first else None)
                count = _assemble(batch, cohort, job, combined, placed)
            os.replace(pdf_path + ".part", pdf_path)
            _finish(batch, cohort, count)
        except (OperationalError, InterfaceError):
            raise  # a database fault: the job is tried again later
        except Exception as error:  # the batch records the failure, and its job fails with the reason
            db.session.rollback()
            log.exception("certificate batch %s failed", batch_id)
            with in_transaction():
                batch = db.session.get(CertificateBatch, batch_id)
                batch.status, batch.finished_at = "failed", utcnow()
                batch.error = str(error)[:500] or type(error).__name__
            raise DomainError(_("The certificates could not be prepared: %(error)s", error=batch.error))
    return batch


def _progress(job, batch, stage):
    if job is not None:
        job.progress(batch.percent if batch.status != "done" else 100, stage)


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _issue_all(batch, cohort, enrolment_ids, actor, workers, job=None, combined=None):
    """Render in worker processes while the previous chunks are stored; at most workers + 1 chunks in flight.
    `actor`: the requester, who issues the certificates. `combined` (a PdfConcatenator): the chunks' pages are
    appended to it as they are stored; returns {serial: their page object numbers in it}."""
    with in_transaction():  # the default template, when it is created now
        template = current_template()
        compiled = compile_template(template.html)
        lang = cohort.certificate_language
        shared = cohort_context(cohort, lang, artwork_of(profile_for(cohort.programme_id)))
        static_folder, key = current_app.static_folder, batch.id
    # starting processes costs a second or two: not worth it for a single chunk
    use_pool = workers > 1 and len(enrolment_ids) > CHUNK
    pool = _render_pool(workers) if use_pool else None
    in_flight, placed = deque(), {}

    def store(prepared, result):
        rendered, fragment = result
        _store_chunk(batch, cohort, prepared, rendered, template, actor, lang)
        _place_fragment(combined, placed, prepared, rendered, fragment)
        _progress(job, batch, ISSUING)

    try:
        for index, chunk in enumerate(_chunks(enrolment_ids, CHUNK)):
            prepared = _prepare_chunk(batch, cohort, chunk, compiled, template, shared)
            htmls = [item["html"] for item in prepared]
            number = fragment_first_number(index) if combined is not None else None
            if pool is None:
                store(prepared, render_chunk(htmls, static_folder, key, number))
                continue
            in_flight.append((prepared, pool.submit(render_chunk, htmls, static_folder, key, number)))
            while len(in_flight) > workers:
                done_prepared, future = in_flight.popleft()
                store(done_prepared, future.result())
        while in_flight:
            done_prepared, future = in_flight.popleft()
            store(done_prepared, future.result())
    except BaseException:
        if pool is not None:  # stopping (or failing): the rendering processes end now, not after their chunk
            _terminate(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return placed


def _render_pool(workers):
    """The batch's rendering processes, forked from this one where it can (os.fork, and no render under way in
    another thread of it): they start with the application and WeasyPrint already imported, where a spawned
    process imports them again – about a second of CPU each, some 5 % of a 450-certificate batch (issue 22). They
    only render (render_chunk: no database, no application context) and are ended with the pool."""
    import weasyprint  # noqa: F401 – imported once in this process (kept by a worker), inherited by the processes

    with no_render_under_way() as quiet:
        method = "fork" if quiet and "fork" in get_all_start_methods() else "spawn"
        context = get_context(method)
        started = context.Semaphore(0)
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=render_process_started, initargs=(started,))
        pool.submit(int)  # forked now, all of them (spawned ones start as chunks come), while no render can start
    if method == "fork":  # a forked process ignores SIGTERM (the worker's handler) until its initializer has run:
        deadline = time.monotonic() + FORK_WAIT  # the pool is handed out once every one of them has run it,
        for _process in range(workers):          # so that terminating it ends them all
            if not started.acquire(timeout=max(0.0, deadline - time.monotonic())):
                _terminate(pool)
                raise RuntimeError("the certificate rendering processes did not start")
    return pool


def _place_fragment(combined, placed, prepared, rendered, fragment):
    """Append a chunk's fragment to the combined PDF and note its pages by serial; only when every certificate
    of the chunk was stored (none had been issued meanwhile), otherwise its pages are read back when assembling."""
    if combined is None or fragment is None or not all(item.get("stored") for item in prepared):
        return
    pages = iter(combined.add_fragment(fragment))
    for item, (_data, count) in zip(prepared, rendered):
        placed[item["serial"]] = [next(pages) for _page in range(count)]


def _terminate(pool):
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _prepare_chunk(batch, cohort, enrolment_ids, compiled, template, shared):
    """Draw the chunk's serials (committed at once, so the counter is free while the pages render) and fill
    in the template for each enrolment."""
    with in_transaction():
        numbers = reserve_serials(cohort.end_date.year, len(enrolment_ids))
    rows = db.session.execute(select(Enrolment, Trainee).join(Trainee, Trainee.id == Enrolment.trainee_id)
                              .where(Enrolment.id.in_(enrolment_ids))
                              .options(contains_eager(Enrolment.trainee))).all()  # trainees joined once
    by_id = {enrolment.id: (enrolment, trainee) for enrolment, trainee in rows}
    prepared = []
    for enrolment_id, number in zip(enrolment_ids, numbers):
        enrolment, trainee = by_id[enrolment_id]
        serial = format_serial(cohort.end_date.year, number)
        code = new_verification_code()
        url = verification_url(batch.base_url, code)
        issued_at = utcnow()
        printed = printed_fields(trainee, cohort, shared["lang"])
        context = certificate_context(printed, shared, serial=serial, code=code, url=url, issued_on=issued_at.date())
        prepared.append({"enrolment_id": enrolment.id, "trainee_id": trainee.id, "printed": printed, "serial": serial, "code": code, "url": url,
                         "issued_at": issued_at, "html": document_html(compiled, template.css, context)})
    return prepared


def _store_chunk(batch, cohort, prepared, rendered, template, actor, lang):
    ids = [item["enrolment_id"] for item in prepared]
    with in_transaction():
        # issued one by one meanwhile? then that one is kept and this copy dropped (its serial stays unused)
        taken = set(db.session.scalars(select(Certificate.enrolment_id).where(Certificate.enrolment_id.in_(ids))))
        issued = [{**item, "data": data, "pages": pages} for item, (data, pages) in zip(prepared, rendered)
                  if item["enrolment_id"] not in taken]
        store_certificates(actor, cohort, issued, lang=lang, template=template, batch_id=batch.id)
        for item in prepared:
            item["stored"] = item["enrolment_id"] not in taken
        batch.issued += len(issued)
        batch.done = min(batch.total, batch.done + len(prepared))
        batch.heartbeat_at = utcnow()


def _stem(batch, cohort):
    return f"batch-{batch.id}-cohort-{cohort.id}"


def _assemble(batch, cohort, job, combined, placed):
    """The cohort's valid certificates in name order: the combined PDF (`combined`, which already holds the pages
    `placed` while issuing; the others are read from their stored files) and a ZIP of the stored files, written as
    they are read. Returns the number of certificates."""
    with in_transaction():
        batch.stage = "assembling"
        certificates = db.session.execute(select(Certificate.id, Certificate.serial, Certificate.holder_name)
                                          .where(Certificate.cohort_id == cohort.id, Certificate.status == "valid")
                                          .order_by(Certificate.holder_name, Certificate.id)).all()
        batch.total = batch.done + len(certificates)
    zip_path = batch_file(_stem(batch, cohort) + ".zip")
    issued_progress, kids = batch.done, []
    with zipfile.ZipFile(zip_path + ".part", "w", compression=zipfile.ZIP_STORED) as archive:
        files = {}
        for n, (certificate_id, serial, holder_name) in enumerate(certificates, start=1):
            # a chunk of PDFs in memory at a time (one query each): read, written to the ZIP (and to the combined
            # PDF if not there), dropped
            if certificate_id not in files:
                ids = [row[0] for row in certificates[n - 1:n - 1 + CHUNK]]
                files = dict(db.session.execute(select(CertificateFile.certificate_id, CertificateFile.data)
                                                .where(CertificateFile.certificate_id.in_(ids))).all())
            data = files.pop(certificate_id)
            kids.extend(placed[serial] if serial in placed else combined.add(data))
            archive.writestr(f"{serial}_{slug(holder_name)}.pdf", data)
            if n % CHUNK == 0:
                with in_transaction():
                    batch.done, batch.heartbeat_at = issued_progress + n, utcnow()
                _progress(job, batch, ASSEMBLING)
        combined.close(kids)
    os.replace(zip_path + ".part", zip_path)
    return len(certificates)


def _finish(batch, cohort, count):
    """The batch done, with its two files."""
    stem = _stem(batch, cohort)
    with in_transaction():
        batch = db.session.get(CertificateBatch, batch.id)
        batch.pdf_name, batch.zip_name = stem + ".pdf", stem + ".zip"
        batch.certificates_count, batch.done = count, batch.total
        batch.status, batch.finished_at = "done", utcnow()
