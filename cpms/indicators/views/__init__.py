"""Indicators pages (/indicators/): one blueprint, its navigation entry, and the modules holding its routes
(catalogue, values, reports, dhis2). The parts take the blueprint from views/common.py, which imports none of them."""
from flask_babel import lazy_gettext as _l

from cpms.core.permissions import TRAINER
from cpms.indicators.views import catalogue, dhis2, narratives, reports, values  # noqa: F401  (the routes of the blueprint)
from cpms.indicators.views.common import READERS, bp

__all__ = ["NAVIGATION", "bp"]

# every role may read the indicators; the trainer's menu leaves them out (docs/rules/core.md)
NAVIGATION = [(55, "indicators.index", _l("Indicators"), READERS - {TRAINER})]
