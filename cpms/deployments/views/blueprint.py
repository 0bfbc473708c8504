"""The deployments blueprint, its menu entries and what its pages share: roles, access helpers, the hook for the
trainee's page."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core.permissions import ADMIN, ALL_ROLES, ME_OFFICER, PROJECT_OFFICER, STAFF_ROLES, get_or_404, scope_of
from cpms.deployments import service
from cpms.deployments.labels import COACH_TYPE_LABELS, END_REASON_LABELS
from cpms.deployments.models import Posting
from cpms.geo.service import commune_choices
from cpms.training.models import Cohort, Trainee

READERS = tuple(sorted(service.READERS))
MANAGERS = (ADMIN, PROJECT_OFFICER)
COACHING_READERS = (ADMIN, PROJECT_OFFICER, ME_OFFICER)
NAMES_READERS = STAFF_ROLES  # who sees officers' names on the retention page (trainers: their cohorts only)

bp = Blueprint("deployments", __name__, url_prefix="/deployments")
# coaching visits and bulk posting are reached from the deployment pages' own links (templates/deployments/_nav.html)
NAVIGATION = [(24, "deployments.posting_list", _l("Deployments"), frozenset(READERS)),
              (25, "deployments.retention", _l("Retention"), ALL_ROLES)]


@bp.app_context_processor
def labels():
    return {"END_REASON_LABELS": END_REASON_LABELS, "COACH_TYPE_LABELS": COACH_TYPE_LABELS}


def trainee_postings_panel(trainee):
    """The panel on the trainee's page in training (slot "training.trainee", declared in __init__.py): the
    officer's postings, or None when the current user may not read them (the section is then left out)."""
    if current_user.role not in service.READERS:
        return None
    if not service.can_see_officer(current_user)(trainee, scope_of(current_user)):
        return None
    return {"postings": service.officer_postings(trainee)}


def get_officer_or_404(trainee_id):
    return get_or_404(Trainee, trainee_id, current_user, check=service.can_see_officer(current_user))


def get_posting_or_404(posting_id):
    return get_or_404(Posting, posting_id, current_user, check=service.can_see_posting(current_user))


def get_cohort_or_404(cohort_id):
    from cpms.training.service import can_see_cohort
    return get_or_404(Cohort, cohort_id, current_user, check=can_see_cohort(current_user))


def place_choices():
    from cpms.stations.service import station_choices_for
    scope = scope_of(current_user)
    return station_choices_for(current_user), commune_choices(scope)
