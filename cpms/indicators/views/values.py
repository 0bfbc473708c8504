"""Entered values: entry with evidence, correction, approval by an M&E officer, the evidence file."""
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cpms.core.errors import DomainError
from cpms.core.exports import document_export
from cpms.core.forms import read_number, render_form, run_action, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.indicators import forms, service
from cpms.indicators.models import IndicatorValue, ProgrammeIndicator
from cpms.indicators.reference import DIMENSIONS, VALUE_STATUSES
from cpms.indicators.service import entries
from cpms.indicators.service import periods as P
from cpms.indicators.views.common import ENTERERS, MANAGERS, bp, get_pi_or_404, get_programme_or_404, period_choices
from cpms.programmes.models import Programme
from cpms.programmes.service import visible_programmes


def get_value_or_404(value_id):
    value = get_or_404(IndicatorValue, value_id, current_user, check=entries.can_see_value)
    get_programme_or_404(value.programme_indicator.programme_id)
    return value


def _area_choices(form, programme):
    scope = scope_of(current_user)
    provinces = [p for p in programme.provinces if scope.allows_any([p.id])]
    national = [(0, _("Whole programme"))] if scope.is_national else [(0, "—")]
    form.province_id.choices = national + [(p.id, p.name) for p in provinces]
    communes = db.session.scalars(select(Commune).where(Commune.province_id.in_([p.id for p in provinces]),
                                                        scope.filter(Commune.province_id, Commune.id))
                                  .order_by(Commune.name)).all()
    form.commune_id.choices = [(0, "—")] + [(c.id, f"{c.name} ({c.province.name})") for c in communes]


def _parts(pi):
    """[(dimension, label, [(key, label)])] of the breakdown inputs of an indicator."""
    return [(d, DIMENSIONS[d], entries.categories_of(d)) for d in entries.entry_dimensions(pi.indicator)]


def _read_parts(pi):
    """{dimension: {category: number}} from the `part-<dimension>-<category>` inputs; (values, errors)."""
    values, errors = {}, []
    for dimension, _label, categories in _parts(pi):
        for key, label in categories:
            raw = request.form.get(f"part-{dimension}-{key}", "").strip()
            if not raw:
                continue
            try:
                values.setdefault(dimension, {})[key] = float(read_number(raw))
            except ValueError:
                errors.append(_("%(category)s: enter a number.", category=label))
    return values, errors


def _value_form_page(pi, programme, value_row):
    form = forms.ValueForm(obj=value_row)
    form.period.choices = period_choices(programme, kinds=("quarter",), until=date.today())
    _area_choices(form, programme)
    if request.method == "GET" and value_row is not None:
        form.period.data = _period_key(programme, value_row)
        form.province_id.data = value_row.province_id or 0
        form.commune_id.data = value_row.commune_id or 0
    existing = {}
    if value_row is not None:
        for part in entries.value_breakdowns(value_row):
            existing[f"part-{part.dimension}-{part.category}"] = part.value

    def save(form):
        parts, errors = _read_parts(pi)
        if errors:
            raise DomainError(" ".join(errors))
        return entries.save_value(
            current_user, scope_of(current_user), programme, pi, value_row, period=form.period.data,
            province_id=form.province_id.data or None, commune_id=form.commune_id.data or None,
            value=form.value.data, comment=form.comment.data, evidence_url=form.evidence_url.data,
            evidence_file=form.evidence_file.data, breakdowns=parts)
    response = save_form(form, save, _("Value saved; it counts in reports once an M&E officer approves it."),
                         lambda saved: url_for("indicators.value_detail", value_id=saved.id))
    if response:
        return response
    if getattr(form, "refused", False):  # show the breakdowns as typed
        existing = {k: v for k, v in request.form.items() if k.startswith("part-")}
    return render_form("indicators/value_form.html", form, programme=programme, pi=pi, value=value_row,
                       parts=_parts(pi), existing=existing)


def _period_key(programme, value_row):
    month = service.settings_of(programme.id).fiscal_year_start_month
    return P.containing(value_row.period_start, "quarter", month).key


@bp.route("/programme-indicators/<int:pi_id>/values/new", methods=["GET", "POST"])
@require_role(*ENTERERS)
def value_create(pi_id):
    pi, programme = get_pi_or_404(pi_id)
    if pi.indicator.is_computed:
        flash(_("This indicator is computed from CPMS data; it cannot be entered."), "error")
        return redirect(url_for("indicators.framework", programme_id=programme.id))
    return _value_form_page(pi, programme, None)


@bp.route("/values/<int:value_id>", methods=["GET", "POST"])
@require_role(*ENTERERS)
def value_detail(value_id):
    value_row = get_value_or_404(value_id)
    pi = value_row.programme_indicator
    programme = get_programme_or_404(pi.programme_id)
    if request.method == "POST" or request.args.get("edit"):
        return _value_form_page(pi, programme, value_row)
    return render_template("indicators/value_detail.html", value=value_row, pi=pi, programme=programme,
                           parts=entries.value_breakdowns(value_row), dimensions=DIMENSIONS,
                           labels={(d, k): label for d, _l, cats in _parts(pi) for k, label in cats},
                           review_form=forms.ReviewForm(), can_review=current_user.role in MANAGERS)


@bp.route("/values/<int:value_id>/review", methods=["POST"])
@require_role(*MANAGERS)
def value_review(value_id):
    value_row = get_value_or_404(value_id)
    form = forms.ReviewForm()
    back = url_for("indicators.value_detail", value_id=value_row.id)
    if not form.validate_on_submit():
        return redirect(back)
    return run_action(lambda: entries.review_value(current_user, value_row, approve=form.decision.data == "approve",
                                                   note=form.note.data),
                      lambda reviewed: _("Value approved.") if reviewed.status == "approved" else _("Value rejected."),
                      back)


@bp.route("/values/<int:value_id>/evidence")
@require_role(*ENTERERS)
@document_export("indicator_values")
def value_evidence(value_id):
    value_row = get_value_or_404(value_id)
    if not value_row.evidence_stored:
        abort(404)
    try:
        with open(entries.evidence_path(value_row), "rb") as handle:  # at most MAX_UPLOAD_MB
            data = handle.read()
    except FileNotFoundError:
        abort(404)
    response = Response(data, mimetype=value_row.evidence_type)
    extension = value_row.evidence_stored.rsplit(".", 1)[-1]
    # a fixed ASCII name in the header; the original name is shown on the page
    response.headers["Content-Disposition"] = f'attachment; filename="evidence-{value_row.id}.{extension}"'
    return response


@bp.route("/programmes/<int:programme_id>/values")
@require_role(*ENTERERS)
def value_list(programme_id):
    programme = get_programme_or_404(programme_id)
    status = request.args.get("status") if request.args.get("status") in VALUE_STATUSES else None
    listing = paginate(entries.visible_values(scope_of(current_user), programme.id, status=status,
                                              pi_id=request.args.get("pi_id", type=int)))
    return render_template("indicators/value_list.html", programme=programme, page=listing, status=status,
                           statuses=VALUE_STATUSES, entered_pis=[pi for pi in service.programme_indicators(programme.id)
                                                                 if not pi.indicator.is_computed])


@bp.route("/values/pending")
@require_role(*MANAGERS)
def review_queue():
    scope = scope_of(current_user)
    visible = visible_programmes(scope).with_only_columns(Programme.id).order_by(None)
    stmt = (select(IndicatorValue).where(IndicatorValue.status == "submitted", IndicatorValue.programme_indicator_id.in_(
        select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id.in_(visible))))
        .order_by(IndicatorValue.created_at))
    if not scope.is_national:
        stmt = stmt.where(scope.filter(IndicatorValue.province_id, IndicatorValue.commune_id)
                          | IndicatorValue.province_id.is_(None))
    return render_template("indicators/review_queue.html", page=paginate(stmt))
