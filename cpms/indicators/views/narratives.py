"""The narrative per outcome: the M&E officer writes, for the report's period, what each outcome of the programme
achieved (cpms/indicators/service/narratives.py); a locked period shows it read-only."""
from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cpms.core.forms import render_form, save_form
from cpms.core.permissions import get_or_404, require_role
from cpms.indicators import forms
from cpms.indicators.models import ResultNode
from cpms.indicators.service import narratives
from cpms.indicators.service.locking import locked_period_containing
from cpms.indicators.views.common import MANAGERS, bp, get_programme_or_404
from cpms.indicators.views.reports import report_args


@bp.route("/programmes/<int:programme_id>/outcomes/<int:outcome_id>/narrative", methods=["GET", "POST"])
@require_role(*MANAGERS)
def narrative_edit(programme_id, outcome_id):
    programme = get_programme_or_404(programme_id)
    outcome = get_or_404(ResultNode, outcome_id)
    if outcome.programme_id != programme.id or outcome.level != "outcome":
        abort(404)
    period = report_args(programme)[0]
    back = url_for("indicators.report", programme_id=programme.id, period=period.key)
    locked = locked_period_containing(programme.id, period.start, period.end)
    existing = narratives.narrative_of(outcome, period)
    form = forms.NarrativeForm(data={"text": existing.text if existing else ""})
    if locked is None:
        done = save_form(form, lambda f: narratives.save_narrative(current_user, programme, outcome, period,
                                                                   f.text.data),
                         _("Narrative saved."), lambda _saved: back)
        if done:
            return done
    return render_form("indicators/narrative_form.html", form, programme=programme, outcome=outcome, period=period,
                       locked=locked, existing=existing, back=back)
