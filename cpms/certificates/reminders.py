"""Whole-cohort certificate batches that have finished: the PDF and ZIP are ready to print and hand out."""
from datetime import datetime, time, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cpms.certificates.models import CertificateBatch
from cpms.extensions import db
from cpms.notifications.registry import Reminder, reminder_kind

# the cohort's trainers, and whoever asked for the batch (admins, M&E and project officers may)
RECIPIENTS = {"trainer", "project_officer", "me_officer", "admin"}


@reminder_kind("certificate_batch_ready", label=_l("Certificate batch ready"), roles=RECIPIENTS,
               description=_l("To the cohort's trainers and to the person who asked for the certificates, when "
                              "the certificates of a whole cohort are ready to print."))
def certificate_batches_ready(ctx):
    since = datetime.combine(ctx.since, time.min, timezone.utc)
    batches = db.session.scalars(select(CertificateBatch).where(CertificateBatch.status == "done",
                                                                CertificateBatch.finished_at >= since,
                                                                CertificateBatch.finished_at <= ctx.now)
                                 .order_by(CertificateBatch.finished_at, CertificateBatch.id)).all()
    for batch in batches:
        cohort = batch.cohort
        recipients = list(cohort.trainers)
        if batch.requested_by is not None:
            recipients.append(batch.requested_by)  # the sweep skips a recipient met twice
        yield Reminder(object_key=f"certificate_batch:{batch.id}", due_on=batch.finished_at.date(),
                       recipients=recipients, link=("certificates.batch_detail", {"batch_id": batch.id}),
                       context={"cohort": cohort.name, "count": batch.certificates_count, "issued": batch.issued,
                                "finished_at": batch.finished_at})
