"""The donor's home: the key results of a programme on the dashboard of viewers (donors), a panel of the home
page's slot "core.home" (declared in cpms/indicators/__init__.py), so that the core page names no domain.

The programme is chosen with `?programme=<id>` among those the viewer may see; by default the newest programme
running today, else the newest one (cpms/indicators/service/results.py computes the figures)."""
from datetime import date

from flask import request

from cpms.core.permissions import VIEWER, scope_of
from cpms.extensions import db
from cpms.indicators.service.results import donor_results
from cpms.programmes.service import visible_programmes

MAX_PROGRAMMES = 50  # offered in the picker


def _running(programme, today):
    return programme.start_date <= today and (programme.end_date is None or programme.end_date >= today)


def home_panel(user):
    """The variables of templates/indicators/_donor_home.html for a viewer; None for the other roles."""
    if user is None or user.role != VIEWER:
        return None
    scope = scope_of(user)
    programmes = db.session.scalars(visible_programmes(scope).limit(MAX_PROGRAMMES)).all()
    if not programmes:
        return None
    today = date.today()
    chosen = request.args.get("programme", type=int)
    programme = (next((p for p in programmes if p.id == chosen), None)
                 or next((p for p in programmes if _running(p, today)), programmes[0]))
    return {"donor": donor_results(programme, scope=scope), "donor_programme": programme,
            "donor_programmes": programmes}


