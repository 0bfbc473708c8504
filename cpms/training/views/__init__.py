"""Training pages (/training/…), one blueprint in parts: trainees, cohorts (courses, cohorts, enrolment),
sessions (schedule, register, scores, close-out), imports (with a preview) and vetting batches.

The blueprint, role groups and access helpers live in blueprint.py, which the parts import; nothing imports
this package back.
"""
from flask_babel import lazy_gettext as _l

from cpms.core.permissions import ADMIN, ALL_ROLES, ME_OFFICER, PROJECT_OFFICER, STAFF_ROLES
from cpms.training.views import cohorts, imports, sessions, trainees, vetting  # noqa: F401  (their routes)
from cpms.training.views.blueprint import bp

NAVIGATION = [(20, "training.cohort_list", _l("Training"), ALL_ROLES),
              (21, "training.trainee_list", _l("Trainees"), STAFF_ROLES),
              (22, "training.vetting_overview", _l("Vetting"), {ADMIN, PROJECT_OFFICER, ME_OFFICER})]

__all__ = ["bp", "NAVIGATION"]
