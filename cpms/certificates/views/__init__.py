"""Certificate pages (/certificates/…), cohort batches, and the public verification page (/verify), one
blueprint in parts: certificates, batches, verify and design. The blueprint, role groups, rate limit and
access helpers live in blueprint.py, which the parts import; nothing imports this package back.

Who does what (tests/certificates/access.py holds the same matrix):
- admins, M&E officers and project officers issue certificates (one at a time or for a whole cohort) and
  re-issue them after a correction, in their area;
- admins and M&E officers revoke (with a reason);
- trainers read the certificates of the cohorts they teach;
- viewers see only the dashboard count;
- anybody, without an account, checks a certificate by its code (rate-limited).
Templates, logos and signatories are for admins (design.py).
"""
from flask_babel import lazy_gettext as _l

from cpms.certificates import service
from cpms.certificates.views import batches, certificates, design, verify  # noqa: F401  (their routes)
from cpms.certificates.views.blueprint import bp
from cpms.core.permissions import STAFF_ROLES

NAVIGATION = [(22, "certificates.certificate_list", _l("Certificates"), STAFF_ROLES)]

__all__ = ["bp", "NAVIGATION"]


def trainee_certificates_panel(trainee):
    """The panel on the trainee page of training (slot "training.trainee", declared in __init__.py): the
    trainee's certificates, newest first (one query)."""
    return {"certificates": service.certificates_of_trainee(trainee.id)}


def cohort_certificates_link(cohort):
    """The panel on the close-out page of training (slot "training.closeout"): a link to the cohort's certificates,
    and why none can be issued yet while the cohort has not ended."""
    return {"cohort": cohort, "not_due": service.not_due_reason(cohort)}


def cohort_certificates_column(cohort):
    """The certificate column of the close-out table of training (slot "training.closeout"): {enrolment id: newest
    certificate} of the cohort (one query)."""
    return {"certificates": service.cohort_certificates(cohort.id)}
