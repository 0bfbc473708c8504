"""What every page of /indicators/ shares: its blueprint, who may do what, the access helpers.

Who does what (tests/indicators/access.py holds the same matrix):
- M&E officers and admins manage the library, the frameworks, targets, DHIS2 mappings; approve entered values;
  lock reported periods (admins alone unlock);
- project officers enter values for their area and open the records behind a figure;
- every role reads frameworks, reports and dashboards – aggregates only: viewers (donors) and trainers get no
  drill-down to the records, which hold personal data.

The pages: the library, frameworks and targets in catalogue.py; entered values in values.py; reports, exports,
drill-down, locks and dashboards in reports.py; the DHIS2 mapping in dhis2.py (routes of the same blueprint,
registered by views/__init__.py).
"""
from flask import Blueprint
from flask_login import current_user

from cpms.core.permissions import ADMIN, ALL_ROLES, ME_OFFICER, PROJECT_OFFICER, get_or_404
from cpms.indicators import service
from cpms.indicators.models import ProgrammeIndicator
from cpms.indicators.service import periods as P
from cpms.programmes.models import Programme
from cpms.programmes.service import can_see as can_see_programme

READERS = ALL_ROLES
MANAGERS = (ADMIN, ME_OFFICER)
ENTERERS = (ADMIN, ME_OFFICER, PROJECT_OFFICER)
DRILLERS = (ADMIN, ME_OFFICER, PROJECT_OFFICER)

bp = Blueprint("indicators", __name__, url_prefix="/indicators")


def get_programme_or_404(programme_id):
    return get_or_404(Programme, programme_id, current_user, check=can_see_programme)


def get_pi_or_404(pi_id):
    pi = get_or_404(ProgrammeIndicator, pi_id)
    return pi, get_programme_or_404(pi.programme_id)


def can_manage():
    return current_user.role in MANAGERS


def period_choices(programme, kinds=("quarter", "half", "year"), until=None):
    """[(key, label)] of the programme's periods, newest first."""
    month = service.settings_of(programme.id).fiscal_year_start_month
    years = service.programme_years(programme, month)
    choices = []
    for year in reversed(years):
        for kind in ("year", "half", "quarter"):
            if kind not in kinds:
                continue
            for period in reversed(P.periods_between(year.start, year.end, kind, month)):
                if until is None or period.start <= until:
                    choices.append((period.key, f"{period.label} ({period.range_label})"))
    return choices
