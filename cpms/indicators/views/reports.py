"""Reports, their exports (CSV, XLSX, PDF, DHIS2 JSON), the records behind a figure, period locks, dashboards."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.exports import aggregate_export, download
from cpms.core.forms import run_action
from cpms.core.jobs import enqueue_job
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.indicators import forms, service, tasks
from cpms.indicators.models import IndicatorValue, PeriodLock, ProgrammeIndicator
from cpms.indicators.reference import DIMENSIONS, STATUSES
from cpms.indicators.service import dhis2, exports, locking
from cpms.indicators.service import periods as P
from cpms.indicators.service.drilldown import records_behind
from cpms.indicators.service.pictures import indicator_pictures, trend_of
from cpms.indicators.service.reports import build_report, default_period
from cpms.indicators.service.values import Area, dimension_for
from cpms.indicators.views.common import (
    DRILLERS,
    MANAGERS,
    READERS,
    bp,
    can_manage,
    get_pi_or_404,
    get_programme_or_404,
    period_choices,
)


def area_choices(programme):
    """[(value, label)]: the whole programme (or the user's area), its provinces and communes in the user's area."""
    scope = scope_of(current_user)
    provinces = [p for p in programme.provinces if scope.allows_any([p.id])]
    choices = [("", _("Whole programme") if scope.is_national else _("Your area"))]
    choices += [(f"p{p.id}", p.name) for p in provinces if scope.is_national or p.id in scope.full_province_ids]
    communes = db.session.scalars(select(Commune).where(Commune.province_id.in_([p.id for p in provinces]),
                                                        scope.filter(Commune.province_id, Commune.id))
                                  .order_by(Commune.name)).all()
    choices += [(f"c{c.id}", f"{c.name} ({c.province.name})") for c in communes]
    return choices


def report_args(programme):
    """(period, area, area label, dimension, area choices) from the query string; unknown values fall back to the
    defaults (the last quarter ended, the whole area, no disaggregation)."""
    month = service.settings_of(programme.id).fiscal_year_start_month
    years = service.programme_years(programme, month)
    try:
        period = P.parse_period(request.args.get("period", ""), month)
        if not years or period.start < years[0].start or period.end > years[-1].end:
            raise ValueError
    except ValueError:
        period = default_period(programme, month)
    choices = area_choices(programme)
    chosen = request.args.get("area", "")
    labels = dict(choices)
    if chosen not in labels:
        chosen = ""
    area = Area(province_id=int(chosen[1:]) if chosen.startswith("p") else None,
                commune_id=int(chosen[1:]) if chosen.startswith("c") else None)
    dimension = request.args.get("dimension") if request.args.get("dimension") in DIMENSIONS else None
    return period, area, chosen, labels[chosen], dimension, choices


@bp.route("/programmes/<int:programme_id>/report")
@require_role(*READERS)
def report(programme_id):
    programme = get_programme_or_404(programme_id)
    period, area, area_key, area_label, dimension, choices = report_args(programme)
    result = build_report(programme, period, scope=scope_of(current_user), area=area, dimension=dimension,
                          area_label=area_label)
    lock_form = forms.LockForm()
    lock_form.period.choices = period_choices(programme)
    lock_form.period.data = period.key
    args = {"period": period.key, "area": area_key, "dimension": dimension or ""}
    dimensions = [(d, label) for d, label in DIMENSIONS.items() if any(dimension_for(r.pi, d) for r in result.totals())]
    return render_template("indicators/report.html", programme=programme, report=result, args=args,
                           outcomes=service.narratives.programme_outcomes(programme.id),
                           narratives=dict((node.id, text) for node, text in
                                           service.narratives.narratives_for(programme.id, period)),
                           periods=period_choices(programme), areas=choices, dimensions=dimensions,
                           can_drill=current_user.role in DRILLERS, can_manage=can_manage(), lock_form=lock_form,
                           unlock_form=forms.UnlockForm(), is_admin=current_user.role == ADMIN, statuses=STATUSES)


@bp.route("/programmes/<int:programme_id>/report.<any(csv, xlsx, pdf):fmt>", methods=["GET", "POST"])
@require_role(*READERS)
@aggregate_export
def report_export(programme_id, fmt):
    """The CSV is the report page's own table and costs what the page costs: answered at once. The XLSX (every
    disaggregation) and the PDF are prepared by a job: a POST enqueues it; a GET shows the button that does."""
    programme = get_programme_or_404(programme_id)
    period, area, area_key, area_label, dimension, _choices = report_args(programme)
    if fmt != "csv":
        return _export_job(programme, fmt, period, area_key, area_label, dimension)
    result = build_report(programme, period, scope=scope_of(current_user), area=area, dimension=dimension,
                          area_label=area_label)
    record_event("export", entity="programmes", entity_id=programme.id,
                 detail=f"indicator report CSV {period.key} {area_label}"[:500])
    return download(exports.report_csv(result), f"indicators-{programme.code}-{period.key}.csv", "csv")


def _export_job(programme, fmt, period, area_key, area_label, dimension, level="area"):
    """POST: enqueue the export and go to its progress page; GET: the page with the button that asks for it."""
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        job = enqueue_job(tasks.EXPORT_KIND, params=tasks.export_params(programme, fmt, period, area_key, area_label,
                                                                        dimension, level),
                          owner=current_user, back_url=url_for("indicators.report", programme_id=programme.id,
                                                               period=period.key, area=area_key,
                                                               dimension=dimension or ""))
        return redirect(url_for("jobs.show", job_id=job.id))
    return render_template("indicators/report_export.html", programme=programme, period=period, form=form,
                           area_label=area_label, format={"xlsx": "XLSX", "pdf": "PDF", "dhis2": "DHIS2 (JSON)"}[fmt],
                           back=url_for("indicators.report", programme_id=programme.id, period=period.key,
                                        area=area_key, dimension=dimension or ""))


@bp.route("/programmes/<int:programme_id>/dhis2.json", methods=["GET", "POST"])
@require_role(*MANAGERS)
@aggregate_export
def report_dhis2(programme_id):
    """DHIS2 dataValueSets of the report's period, prepared by a job (like the XLSX and PDF)."""
    programme = get_programme_or_404(programme_id)
    period, _area, area_key, area_label, _dimension, _choices = report_args(programme)
    level = request.args.get("level") if request.args.get("level") in ("province", "commune") else "area"
    try:
        dhis2.check_dhis2_period(period)  # refused at once, before any work
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("indicators.report", programme_id=programme.id, period=period.key))
    return _export_job(programme, "dhis2", period, area_key, area_label, None, level)


@bp.route("/programme-indicators/<int:pi_id>/records")
@require_role(*DRILLERS)
def records(pi_id):
    pi, programme = get_pi_or_404(pi_id)
    period, area, area_key, area_label, dimension, _choices = report_args(programme)
    shown = period
    if request.args.get("to_date"):
        shown = service.programme_span(programme, service.settings_of(programme.id).fiscal_year_start_month,
                                       until=period.end)
    category = request.args.get("category") or None
    if category is not None and not dimension_for(pi, dimension):
        abort(404)
    drill = records_behind(pi, shown, scope=scope_of(current_user), area=area, dimension=dimension, category=category)
    if drill is None:
        abort(404)
    listing = paginate(drill.stmt, scalars=drill.scalars)
    category_label = None
    if category is not None:
        from cpms.indicators.service.values import category_labels
        category_label = category_labels(dimension, [category]).get(category)
    return render_template("indicators/records.html", programme=programme, pi=pi, period=shown, drill=drill,
                           page=listing, rows=[drill.row(item) for item in listing.items], area_label=area_label,
                           dimension=dimension, category_label=category_label,
                           back=url_for("indicators.report", programme_id=programme.id, period=period.key,
                                        area=area_key, dimension=dimension or ""))


@bp.route("/programmes/<int:programme_id>/locks", methods=["POST"])
@require_role(*MANAGERS)
def lock_create(programme_id):
    programme = get_programme_or_404(programme_id)
    form = forms.LockForm()
    form.period.choices = period_choices(programme)
    if not form.validate_on_submit():
        flash(_("Choose the period to lock."), "error")
        return redirect(url_for("indicators.report", programme_id=programme.id))
    month = service.settings_of(programme.id).fiscal_year_start_month
    return run_action(
        lambda: locking.lock_period(current_user, scope_of(current_user), programme, form.period.data,
                                    note=form.note.data),
        lambda lock: _("%(period)s is locked: its figures are frozen as reported.",
                       period=locking.period_of_lock(lock, month).label),
        url_for("indicators.report", programme_id=programme.id, period=form.period.data))


@bp.route("/locks/<int:lock_id>/unlock", methods=["POST"])
@require_role(ADMIN)
def lock_remove(lock_id):
    lock = get_or_404(PeriodLock, lock_id)
    programme = get_programme_or_404(lock.programme_id)
    form = forms.UnlockForm()
    if not form.validate_on_submit():
        flash(_("Say why the period is unlocked."), "error")
        return redirect(url_for("indicators.framework", programme_id=programme.id))
    return run_action(lambda: locking.unlock_period(current_user, lock, reason=form.reason.data),
                      _("The period is unlocked; its frozen figures were discarded."),
                      url_for("indicators.framework", programme_id=programme.id))


@bp.route("/programmes/<int:programme_id>/dashboard")
@require_role(*READERS)
def dashboard(programme_id):
    programme = get_programme_or_404(programme_id)
    period, area, area_key, area_label, _dimension, choices = report_args(programme)
    result = build_report(programme, period, scope=scope_of(current_user), area=area, area_label=area_label)
    totals = result.totals()
    counts = {status: sum(1 for row in totals if row.status == status) for status in STATUSES}
    waiting = None
    if current_user.role in MANAGERS:
        from sqlalchemy import func
        waiting = db.session.scalar(select(func.count()).select_from(IndicatorValue).where(
            IndicatorValue.status == "submitted", IndicatorValue.programme_indicator_id.in_(
                select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id == programme.id))))
    return render_template("indicators/dashboard.html", programme=programme, report=result, counts=counts,
                           statuses=STATUSES, charts={row.pi.id: trend_of(row) for row in totals}, waiting=waiting,
                           periods=period_choices(programme), areas=choices,
                           args={"period": period.key, "area": area_key})


@bp.route("/programme-indicators/<int:pi_id>")
@require_role(*READERS)
def indicator_detail(pi_id):
    """One indicator of a programme: its trend against the targets and baseline, its map by province, and both
    as tables (aggregates only, like the report)."""
    pi, programme = get_pi_or_404(pi_id)
    period, _area, _area_key, _area_label, _dimension, _choices = report_args(programme)
    pictures = indicator_pictures(programme, pi, period, scope=scope_of(current_user))
    return render_template("indicators/indicator_detail.html", programme=programme, pi=pi, pictures=pictures,
                           periods=period_choices(programme), args={"period": period.key})
