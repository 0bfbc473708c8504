"""Whole-cohort certificate batches that have finished (the PDF and ZIP are ready to print and hand out), and
certificates flagged for review after issue (to the M&E officers of the place)."""
from datetime import datetime, time, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cpms.certificates.models import Certificate, CertificateBatch
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


@reminder_kind("certificate_to_review", label=_l("Certificate to review"), roles={"me_officer"},
               description=_l("To the M&E officers of the place, when a certificate already issued is flagged for "
                              "review: a vetting denial or a correction after issue means its enrolment is no "
                              "longer completed. Revoke it or keep it with a reason."))
def certificates_to_review(ctx):
    since = datetime.combine(ctx.since, time.min, timezone.utc)
    certificates = db.session.scalars(select(Certificate).where(Certificate.status == "valid",
                                                                Certificate.review_flagged_at >= since,
                                                                Certificate.review_flagged_at <= ctx.now)
                                      .order_by(Certificate.review_flagged_at, Certificate.id)).all()
    for certificate in certificates:
        yield Reminder(object_key=f"certificate_review:{certificate.id}", due_on=certificate.review_flagged_at.date(),
                       recipients=ctx.staff_covering({"me_officer"}, certificate.province_id, certificate.commune_id),
                       link=("certificates.certificate_detail", {"certificate_id": certificate.id}),
                       context={"serial": certificate.serial, "holder": certificate.holder_name,
                                "reason": certificate.review_reason, "flagged_at": certificate.review_flagged_at})
