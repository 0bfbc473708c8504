"""The library, each programme's results framework (settings, nodes, indicators) and its targets."""
from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.core.forms import read_number, render_form, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.indicators import forms, service
from cpms.indicators.models import Indicator, PeriodLock, ProgrammeIndicator, ResultNode
from cpms.indicators.reference import DIMENSIONS, LEVELS, MONTHS
from cpms.indicators.registry import computations
from cpms.indicators.service import targets
from cpms.indicators.views.common import (
    ENTERERS,
    MANAGERS,
    READERS,
    bp,
    can_manage,
    get_pi_or_404,
    get_programme_or_404,
)
from cpms.programmes.service import visible_programmes

# --- index and library -------------------------------------------------------------------------------------

@bp.route("/")
@require_role(*READERS)
def index():
    listing = paginate(visible_programmes(scope_of(current_user)))
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
    response = save_form(form, lambda _form: save(), _("Indicator saved."), lambda saved: url_for("indicators.library"))
    return response or render_form("indicators/indicator_form.html", form, indicator=indicator, computations=known,
                            dimensions=DIMENSIONS)


@bp.route("/library/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def indicator_create():
    form = forms.IndicatorForm()
    return _indicator_form_page(form, None, lambda: service.create_indicator(**form.service_fields()))


@bp.route("/library/<int:library_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def indicator_edit(library_id):
    indicator = get_or_404(Indicator, library_id)
    form = forms.IndicatorForm(obj=indicator)
    if request.method == "GET":
        form.computation.data = indicator.computation or ""
    return _indicator_form_page(form, indicator,
                                lambda: service.update_indicator(indicator, **form.service_fields()))


# --- a programme's framework ---------------------------------------------------------------------------------

@bp.route("/programmes/<int:programme_id>")
@require_role(*READERS)
def framework(programme_id):
    programme = get_programme_or_404(programme_id)
    settings = service.settings_of(programme.id)
    pis = service.programme_indicators(programme.id)
    by_pi = targets.targets_by_period([pi.id for pi in pis])
    from cpms.indicators.service.locking import period_of_lock, programme_locks
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
    response = save_form(form, lambda _form: service.save_settings(programme, **{
        "fiscal_year_start_month": form.fiscal_year_start_month.data, "target_check": form.target_check.data,
        "dhis2_data_set": form.dhis2_data_set.data, "dhis2_attribute_option_combo": form.dhis2_attribute_option_combo.data}),
        _("Reporting settings saved."), lambda saved: url_for("indicators.framework", programme_id=programme.id))
    return response or render_form("indicators/settings_form.html", form, programme=programme)


def _node_form_page(form, programme, node, save):
    nodes = service.programme_nodes(programme.id)
    form.parent_id.choices = [(0, "—")] + [(n.id, f"{n.code} – {n.title}") for n in nodes
                                           if n.level != "output" and (node is None or n.id != node.id)]
    response = save_form(form, lambda _form: save(), _("Framework saved."),
                      lambda saved: url_for("indicators.framework", programme_id=programme.id))
    return response or render_form("indicators/node_form.html", form, programme=programme, node=node, levels=LEVELS)


@bp.route("/programmes/<int:programme_id>/nodes/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def node_create(programme_id):
    programme = get_programme_or_404(programme_id)
    form = forms.NodeForm()
    if request.method == "GET":
        form.level.data = request.args.get("level", "outcome")
        form.parent_id.data = request.args.get("parent_id", 0, type=int)
    return _node_form_page(form, programme, None,
                           lambda: service.save_node(programme, **form.service_fields()))


@bp.route("/nodes/<int:node_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def node_edit(node_id):
    node = get_or_404(ResultNode, node_id)
    programme = get_programme_or_404(node.programme_id)
    form = forms.NodeForm(obj=node)
    if request.method == "GET":
        form.parent_id.data = node.parent_id or 0
    return _node_form_page(form, programme, node,
                           lambda: service.save_node(programme, node, **form.service_fields()))


def _pi_form_page(form, programme, pi, save):
    form.node_id.choices = [(n.id, f"{n.code} – {n.title}") for n in service.programme_nodes(programme.id)]
    form.indicator_id.choices = [(i.id, f"{i.code} – {i.name}") for i in db.session.scalars(service.library(True))]
    response = save_form(form, lambda _form: save(), _("Indicator saved in the framework."),
                      lambda saved: url_for("indicators.framework", programme_id=programme.id))
    return response or render_form("indicators/programme_indicator_form.html", form, programme=programme, pi=pi)


@bp.route("/programmes/<int:programme_id>/indicators/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def programme_indicator_create(programme_id):
    programme = get_programme_or_404(programme_id)
    form = forms.ProgrammeIndicatorForm()
    if request.method == "GET" and request.args.get("node_id", type=int):
        form.node_id.data = request.args.get("node_id", type=int)
    return _pi_form_page(form, programme, None, lambda: service.add_programme_indicator(
        programme, **form.service_fields()))


@bp.route("/programme-indicators/<int:pi_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def programme_indicator_edit(pi_id):
    pi, programme = get_pi_or_404(pi_id)
    form = forms.ProgrammeIndicatorForm(obj=pi)

    def save():
        for warning in service.update_programme_indicator(pi, programme, **form.service_fields()):
            flash(warning, "info")
        return pi
    return _pi_form_page(form, programme, pi, save)


def _typed_targets(grid):
    """({period key: number or None}, {period key: error}) from the grid's inputs; each cell keeps what was typed."""
    values, errors = {}, {}
    for row in grid:
        for cell in [row["year"]] + row["half"] + row["quarter"]:
            raw = request.form.get(cell.period.key, "").strip()
            try:
                values[cell.period.key] = float(read_number(raw)) if raw else None
            except ValueError:
                errors[cell.period.key] = _("Enter a number.")
            cell.value = raw
    return values, errors


@bp.route("/programme-indicators/<int:pi_id>/targets", methods=["GET", "POST"])
@require_role(*MANAGERS)
def targets_edit(pi_id):
    pi, programme = get_pi_or_404(pi_id)
    form = forms.CsrfForm()
    grid = targets.target_grid(pi, programme)
    errors = {}

    def save(_form):
        values, typed_errors = _typed_targets(grid)
        errors.update(typed_errors)
        if errors:
            raise DomainError(_("Some targets are not numbers: correct the marked cells."))
        warnings = targets.save_targets(pi, programme, values)
        for warning in warnings:
            flash(warning, "info")
        return warnings
    response = save_form(form, save, _("Targets saved."),
                         lambda _saved: url_for("indicators.framework", programme_id=programme.id))
    return response or render_form("indicators/targets_form.html", form, programme=programme, pi=pi, grid=grid, errors=errors)
