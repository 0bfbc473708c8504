"""Who may use the certificate pages (the same decisions as cpms/certificates/views/).

- Admins, M&E officers and project officers issue certificates (one by one or for a whole cohort) and
  re-issue them after a correction; M&E officers run the certificate process in the issue's journey, project
  officers manage the cohorts of their area.
- Revocation is for admins and M&E officers.
- Trainers read the certificates, batches and PDFs of the cohorts they teach (404 for other cohorts).
- Viewers see only the count on the dashboard: certificates carry names and matricules.
- The template, logos and signatories are for admins.
- The verification page, its form and its API answer everybody, without an account (rate-limited).
"""
from tests.access import ADMIN, PUBLIC, STAFF

ISSUERS = frozenset({"admin", "me_officer", "project_officer"})
REVOKERS = frozenset({"admin", "me_officer"})

EXPECTED = {
    "certificates.certificate_list": STAFF,
    "certificates.certificate_detail": STAFF,
    "certificates.certificate_pdf": STAFF,
    "certificates.issue_one": ISSUERS,
    "certificates.reissue": ISSUERS,
    "certificates.revoke": REVOKERS,
    "certificates.keep": REVOKERS,
    "certificates.cohort_certificates": STAFF,
    "certificates.cohort_language": ISSUERS,
    "certificates.batch_create": ISSUERS,
    "certificates.batch_detail": STAFF,
    "certificates.batch_status": STAFF,
    "certificates.batch_pdf": STAFF,
    "certificates.batch_zip": STAFF,
    "certificates.template_edit": ADMIN,
    "certificates.template_preview": ADMIN,
    "certificates.profile_list": ADMIN,
    "certificates.profile_edit": ADMIN,
    "certificates.verify_form": PUBLIC,
    "certificates.verify": PUBLIC,
    "api.certificate_list": STAFF,
    "api.certificate_verify": PUBLIC,
}


def samples(request):
    """A certificate of a completed cohort in Bipemba (Kasaï-Oriental) and a finished batch of that cohort.

    (`cohort_id` and `enrolment_id` also come from tests/training/access.py, which is loaded later and wins:
    the certificate routes then meet a cohort where nobody completed, and must refuse politely.)"""
    from cpms.certificates.service import batches
    from cpms.extensions import db
    certificate = request.getfixturevalue("make_certificate")()
    cohort_id = certificate.cohort_id
    from cpms.training.models import Cohort
    batch = batches.request_batch(None, db.session.get(Cohort, cohort_id), base_url="https://cpms.example.org")
    db.session.commit()
    batches.run_pending_batches(workers=1)
    return {"certificate_id": certificate.id, "cohort_id": cohort_id, "enrolment_id": certificate.enrolment_id,
            "batch_id": batch.id, "code": certificate.verification_code}
