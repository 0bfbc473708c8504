"""Indicators pages (/indicators/): the library, each programme's results framework and targets.

Who does what (tests/indicators/access.py holds the same matrix):
- M&E officers and admins manage the library, the frameworks, targets, DHIS2 mappings; approve entered values;
  lock reported periods (admins alone unlock);
- project officers enter values for their area and open the records behind a figure;
- every role reads frameworks, reports and dashboards – aggregates only: viewers (donors) and trainers get no
  drill-down to the records, which hold personal data.

Entered values: views_values.py; reports, exports, drill-down, locks and dashboards: views_reports.py; DHIS2
mapping: views_dhis2.py (routes of the same blueprint).
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.core.forms import show_error
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, ALL_ROLES, ME_OFFICER, PROJECT_OFFICER, get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.indicators import forms, service, targets
from cpms.indicators import periods as P
from cpms.indicators.models import Indicator, PeriodLock, ProgrammeIndicator, ResultNode
from cpms.indicators.reference import DIMENSIONS, LEVELS, MONTHS
from cpms.indicators.registry import computations
from cpms.programmes.models import Programme

READERS = ALL_ROLES
MANAGERS = (ADMIN, ME_OFFICER)
ENTERERS = (ADMIN, ME_OFFICER, PROJECT_OFFICER)
DRILLERS = (ADMIN, ME_OFFICER, PROJECT_OFFICER)

bp = Blueprint("indicators", __name__, url_prefix="/indicators")
NAVIGATION = [(55, "indicators.index", _l("Indicators"), READERS)]


def get_programme_or_404(programme_id):
    return get_or_404(Programme, programme_id, current_user, check=service.can_see_programme)


def get_pi_or_404(pi_id):
    pi = get_or_404(ProgrammeIndicator, pi_id)
    return pi, get_programme_or_404(pi.programme_id)


def can_manage():
    return current_user.role in MANAGERS


def submit(form, save, message, target):
    """Validate, run one service, commit, flash, redirect; or None to show the form again."""
    if not form.validate_on_submit():
        return None
    try:
        saved = save()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        form.refused = True
        return None
    db.session.commit()
    flash(message, "success")
    return redirect(target(saved))


def page(template, form=None, **context):
    refused = form is not None and (form.errors or getattr(form, "refused", False))
    return render_template(template, form=form, **context), 422 if refused else 200


# --- index and library -------------------------------------------------------------------------------------

@bp.route("/")
@require_role(*READERS)
def index():
    listing = paginate(service.visible_programmes(scope_of(current_user)))
    ids = [p.id for p in listing.items]
    counts = dict(db.session.execute(select(ProgrammeIndicator.programme_id, func.count()).where(
        ProgrammeIndicator.programme_id.in_(ids)).group_by(ProgrammeIndicator.programme_id)).all()) if ids else {}
    last_locks = dict(db.session.execute(select(PeriodLock.programme_id, func.max(PeriodLock.period_end)).where(
        PeriodLock.programme_id.in_(ids)).group_by(PeriodLock.programme_id)).all()) if ids else {}
    return render_template("indicators/index.html", page=listing, counts=counts, last_locks=last_locks,
                           can_manage=can_manage())


@bp.route("/library")
@require_role(*READERS)
def library():
    listing = paginate(service.library())
    ids = [i.id for i in listing.items]
    usage = dict(db.session.execute(select(ProgrammeIndicator.indicator_id, func.count()).where(
        ProgrammeIndicator.indicator_id.in_(ids)).group_by(ProgrammeIndicator.indicator_id)).all()) if ids else {}
    return render_template("indicators/library.html", page=listing, usage=usage, computations=computations(),
                           dimensions=DIMENSIONS, can_manage=can_manage())


def _indicator_form_page(form, indicator, save):
    known = computations()
    form.computation.choices = [("", "—")] + [(code, str(c.label)) for code, c in sorted(known.items())]
    response = submit(form, save, _("Indicator saved."), lambda saved: url_for("indicators.library"))
    return response or page("indicators/indicator_form.html", form, indicator=indicator, computations=known,
                            dimensions=DIMENSIONS)


@bp.route("/library/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def indicator_create():
    form = forms.IndicatorForm()
    return _indicator_form_page(form, None, lambda: service.create_indicator(current_user, **form.service_fields()))


@bp.route("/library/<int:library_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def indicator_edit(library_id):
    indicator = get_or_404(Indicator, library_id)
    form = forms.IndicatorForm(obj=indicator)
    if request.method == "GET":
        form.computation.data = indicator.computation or ""
    return _indicator_form_page(form, indicator,
                                lambda: service.update_indicator(current_user, indicator, **form.service_fields()))


# --- a programme's framework ---------------------------------------------------------------------------------

@bp.route("/programmes/<int:programme_id>")
@require_role(*READERS)
def framework(programme_id):
    programme = get_programme_or_404(programme_id)
    settings = service.settings_of(programme.id)
    pis = service.programme_indicators(programme.id)
    by_pi = targets.targets_by_period([pi.id for pi in pis])
    from cpms.indicators.locking import period_of_lock, programme_locks
    locks = [(lock, period_of_lock(lock, settings.fiscal_year_start_month)) for lock in programme_locks(programme.id)]
    nodes = service.programme_nodes(programme.id)
    by_parent, by_node = {}, {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)
    for pi in pis:
        by_node.setdefault(pi.node_id, []).append(pi)
    return render_template("indicators/framework.html", programme=programme, settings=settings, nodes=nodes, pis=pis,
                           by_parent=by_parent, by_node=by_node, months=MONTHS,
                           target_counts={pid: len(t) for pid, t in by_pi.items()}, locks=locks,
                           can_manage=can_manage(), can_enter=current_user.role in ENTERERS,
                           years=service.programme_years(programme, settings.fiscal_year_start_month))


@bp.route("/programmes/<int:programme_id>/settings", methods=["GET", "POST"])
@require_role(*MANAGERS)
def settings_edit(programme_id):
    programme = get_programme_or_404(programme_id)
    form = forms.SettingsForm(obj=service.settings_of(programme.id))
    response = submit(form, lambda: service.save_settings(current_user, programme, **{
        "fiscal_year_start_month": form.fiscal_year_start_month.data, "target_check": form.target_check.data}),
        _("Reporting settings saved."), lambda saved: url_for("indicators.framework", programme_id=programme.id))
    return response or page("indicators/settings_form.html", form, programme=programme)


def _node_form_page(form, programme, node, save):
    nodes = service.programme_nodes(programme.id)
    form.parent_id.choices = [(0, "—")] + [(n.id, f"{n.code} – {n.title}") for n in nodes
                                           if n.level != "output" and (node is None or n.id != node.id)]
    response = submit(form, save, _("Framework saved."),
                      lambda saved: url_for("indicators.framework", programme_id=programme.id))
    return response or page("indicators/node_form.html", form, programme=programme, node=node, levels=LEVELS)


@bp.route("/programmes/<int:programme_id>/nodes/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def node_create(programme_id):
    programme = get_programme_or_404(programme_id)
    form = forms.NodeForm()
    if request.method == "GET":
        form.level.data = request.args.get("level", "outcome")
        form.parent_id.data = request.args.get("parent_id", 0, type=int)
    return _node_form_page(form, programme, None,
                           lambda: service.save_node(current_user, programme, **form.service_fields()))


@bp.route("/nodes/<int:node_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def node_edit(node_id):
    node = get_or_404(ResultNode, node_id)
    programme = get_programme_or_404(node.programme_id)
    form = forms.NodeForm(obj=node)
    if request.method == "GET":
        form.parent_id.data = node.parent_id or 0
    return _node_form_page(form, programme, node,
                           lambda: service.save_node(current_user, programme, node, **form.service_fields()))


def _pi_form_page(form, programme, pi, save):
    form.node_id.choices = [(n.id, f"{n.code} – {n.title}") for n in service.programme_nodes(programme.id)]
    form.indicator_id.choices = [(i.id, f"{i.code} – {i.name}") for i in db.session.scalars(service.library(True))]
    response = submit(form, save, _("Indicator saved in the framework."),
                      lambda saved: url_for("indicators.framework", programme_id=programme.id))
    return response or page("indicators/programme_indicator_form.html", form, programme=programme, pi=pi)


@bp.route("/programmes/<int:programme_id>/indicators/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def programme_indicator_create(programme_id):
    programme = get_programme_or_404(programme_id)
    form = forms.ProgrammeIndicatorForm()
    if request.method == "GET" and request.args.get("node_id", type=int):
        form.node_id.data = request.args.get("node_id", type=int)
    return _pi_form_page(form, programme, None, lambda: service.add_programme_indicator(
        current_user, programme, **form.service_fields()))


@bp.route("/programme-indicators/<int:pi_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def programme_indicator_edit(pi_id):
    pi, programme = get_pi_or_404(pi_id)
    form = forms.ProgrammeIndicatorForm(obj=pi)

    def save():
        for warning in service.update_programme_indicator(current_user, pi, programme, **form.service_fields()):
            flash(warning, "info")
        return pi
    return _pi_form_page(form, programme, pi, save)


@bp.route("/programme-indicators/<int:pi_id>/targets", methods=["GET", "POST"])
@require_role(*MANAGERS)
def targets_edit(pi_id):
    pi, programme = get_pi_or_404(pi_id)
    form = forms.CsrfForm()
    grid = targets.target_grid(pi, programme)
    errors = {}
    if form.validate_on_submit():
        values = {}
        for row in grid:
            for cell in [row["year"]] + row["half"] + row["quarter"]:
                raw = request.form.get(cell.period.key, "").strip().replace(",", ".").replace(" ", "")
                try:
                    values[cell.period.key] = float(raw) if raw else None
                except ValueError:
                    errors[cell.period.key] = _("Enter a number.")
                cell.value = raw
        if not errors:
            try:
                warnings = targets.save_targets(current_user, pi, programme, values)
            except DomainError as error:
                db.session.rollback()
                flash(error.message, "error")
            else:
                db.session.commit()
                for warning in warnings:
                    flash(warning, "info")
                flash(_("Targets saved."), "success")
                return redirect(url_for("indicators.framework", programme_id=programme.id))
        form.refused = True
    return page("indicators/targets_form.html", form, programme=programme, pi=pi, grid=grid, errors=errors)


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


from cpms.indicators import views_dhis2, views_reports, views_values  # noqa: E402,F401  (routes of this blueprint)
