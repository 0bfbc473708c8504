"""Background jobs of the certificates domain (cpms/core/jobs/, docs/jobs.md)."""
from cpms.core.jobs import N_, task


# success is told by the reminder "certificate_batch_ready" (to the trainers too); a failure by the job's own
@task("certificates.batch", title=N_("Certificates of a cohort"), max_attempts=5, notify="failures")
def certificate_batch(job, batch_id):
    """A whole cohort's certificates (service/batches.py): safe to run again after an interruption."""
    from cpms.certificates.service.batches import run_batch
    run_batch(batch_id, job=job)
    return N_("The certificates are ready: download the PDF and the ZIP from the batch page.")
