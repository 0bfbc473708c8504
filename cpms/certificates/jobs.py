"""Scheduler job: run the certificate batches that web requests queued (see batches.py)."""
from cpms.core.scheduler import job


@job("certificate-batches", seconds=5)
def run_certificate_batches(app):
    """Every few seconds, pick up pending batches; one at a time (the scheduler never overlaps a job)."""
    from cpms.certificates.batches import run_pending_batches
    from cpms.extensions import db
    with app.app_context():
        db.session.info["actor_label"] = "scheduler"
        run_pending_batches()
