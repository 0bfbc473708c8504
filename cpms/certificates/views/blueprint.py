"""The certificates blueprint, its role groups, the verification rate limit and the access helpers its pages
share (cpms/certificates/views/)."""
from flask import Blueprint, current_app
from flask_login import current_user

from cpms.certificates import service
from cpms.certificates.forms import BATCH_STATUS_LABELS, LANGUAGE_LABELS, STATUS_LABELS
from cpms.certificates.models import Certificate, CertificateBatch
from cpms.core.permissions import ADMIN, ME_OFFICER, PROJECT_OFFICER, get_or_404
from cpms.extensions import limiter
from cpms.training.models import Cohort
from cpms.training.service import can_see_cohort

bp = Blueprint("certificates", __name__)
ISSUERS = (ADMIN, ME_OFFICER, PROJECT_OFFICER)
REVOKERS = (ADMIN, ME_OFFICER)


@bp.app_context_processor
def labels():
    return {"CERTIFICATE_STATUS_LABELS": STATUS_LABELS, "BATCH_STATUS_LABELS": BATCH_STATUS_LABELS,
            "CERTIFICATE_LANGUAGE_LABELS": LANGUAGE_LABELS}


def verify_limit():
    return current_app.config["CERTIFICATE_VERIFY_RATE_LIMIT"]


# the web page, the form and the API share one budget per address
verification_limit = limiter.shared_limit(verify_limit, scope="certificate-verification")


def get_certificate_or_404(certificate_id):
    return get_or_404(Certificate, certificate_id, current_user, check=service.can_see_certificate(current_user))


def get_cohort_or_404(cohort_id):
    return get_or_404(Cohort, cohort_id, current_user, check=can_see_cohort(current_user))


def get_batch_or_404(batch_id):
    batch = get_or_404(CertificateBatch, batch_id)
    get_cohort_or_404(batch.cohort_id)
    return batch
