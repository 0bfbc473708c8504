"""Scheduler job: run the certificate batches that web requests queued (see service/batches.py)."""
from cpms.core.scheduler import job


@job("certificate-batches", seconds=5)
def run_certificate_batches(app):
    """Every few seconds, pick up pending batches; one at a time (the scheduler never overlaps a job).

    run_job gives it its app context and its unit of work (acting as "scheduler:certificate-batches"); the
    batches commit their own short transactions and act as the user who requested each (service/batches.py)."""
    from cpms.certificates.service.batches import run_pending_batches
    return run_pending_batches()
