"""The training blueprint, its role groups and the access helpers its pages share (cpms/training/views/)."""
from flask import Blueprint
from flask_login import current_user

from cpms.core.permissions import ADMIN, ME_OFFICER, PROJECT_OFFICER, TRAINER, get_or_404
from cpms.training import service
from cpms.training.forms import (
    COHORT_PHASE_LABELS,
    COHORT_STATUS_LABELS,
    COURSE_TYPE_LABELS,
    REGISTER_STATE_LABELS,
    SPECIALTY_LABELS,
    VETTING_STATUS_LABELS,
)
from cpms.training.models import Cohort, Trainee, TrainingSession

bp = Blueprint("training", __name__, url_prefix="/training")
MANAGERS = (ADMIN, PROJECT_OFFICER)
VETTING_READERS = (ADMIN, PROJECT_OFFICER, ME_OFFICER)
TEACHERS = (ADMIN, PROJECT_OFFICER, TRAINER)


@bp.app_context_processor
def labels():
    return {"SPECIALTY_LABELS": SPECIALTY_LABELS, "COURSE_TYPE_LABELS": COURSE_TYPE_LABELS,
            "COHORT_STATUS_LABELS": COHORT_STATUS_LABELS, "VETTING_STATUS_LABELS": VETTING_STATUS_LABELS,
            "COHORT_PHASE_LABELS": COHORT_PHASE_LABELS, "REGISTER_STATE_LABELS": REGISTER_STATE_LABELS}


def get_trainee_or_404(trainee_id):
    return get_or_404(Trainee, trainee_id, current_user, check=service.can_see_trainee)


def get_cohort_or_404(cohort_id):
    return get_or_404(Cohort, cohort_id, current_user, check=service.can_see_cohort(current_user))


def get_session_or_404(session_id):
    session = get_or_404(TrainingSession, session_id)
    get_cohort_or_404(session.cohort_id)  # area and "own cohorts" for trainers
    return session
