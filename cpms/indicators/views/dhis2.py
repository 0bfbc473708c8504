"""The DHIS2 mapping tables: indicator → data element, category → category option combo, area → organisation unit."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from cpms.core.forms import run_action
from cpms.core.permissions import get_or_404, require_role
from cpms.extensions import db
from cpms.geo.models import Commune, Province
from cpms.indicators import forms, service
from cpms.indicators.models import Dhis2OrgUnit, Indicator
from cpms.indicators.reference import DIMENSIONS, ENTERED_DIMENSIONS
from cpms.indicators.service import dhis2
from cpms.indicators.service.entries import categories_of
from cpms.indicators.views.common import MANAGERS, bp


def _forms():
    indicators = db.session.scalars(service.library()).all()
    element_form, combo_form, unit_form = forms.DataElementForm(), forms.ComboForm(), forms.OrgUnitForm()
    element_form.indicator_id.choices = [(i.id, f"{i.code} – {i.name}") for i in indicators]
    element_form.disaggregation.choices = [("", _("None (totals)"))] + [(d, str(label)) for d, label in DIMENSIONS.items()
                                                                        if d in ENTERED_DIMENSIONS]
    combo_form.category.choices = [(f"{d}:{key}", f"{DIMENSIONS[d]}: {label}") for d in ENTERED_DIMENSIONS
                                   for key, label in categories_of(d)]
    provinces = db.session.scalars(select(Province).order_by(Province.name)).all()
    communes = db.session.scalars(select(Commune).order_by(Commune.name)).all()
    unit_form.area.choices = ([("country", _("Whole country"))] + [(f"p{p.id}", p.name) for p in provinces]
                              + [(f"c{c.id}", f"{c.name} ({c.province.name})") for c in communes])
    return indicators, element_form, combo_form, unit_form


@bp.route("/dhis2")
@require_role(*MANAGERS)
def dhis2_mapping():
    indicators, element_form, combo_form, unit_form = _forms()
    elements, combos, units = dhis2.mappings()
    unit_rows = db.session.scalars(select(Dhis2OrgUnit)).all()
    labels = {choice: label for choice, label in combo_form.category.choices}
    return render_template("indicators/dhis2.html", indicators=indicators, elements=elements,
                           combos=sorted(((labels.get(f"{d}:{c}", f"{d}:{c}"), uid) for (d, c), uid in combos.items())),
                           units=sorted(unit_rows, key=lambda u: (u.province_id is not None, u.commune_id is not None,
                                                                  u.area_label)),
                           element_form=element_form, combo_form=combo_form, unit_form=unit_form,
                           dimensions=DIMENSIONS)


def _post_mapping(form, save, message):
    """Validate a mapping form, then save it through run_action; the mapping page shows the outcome either way."""
    back = url_for("indicators.dhis2_mapping")
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(back)
    return run_action(save, message, back)


@bp.route("/dhis2/data-elements", methods=["POST"])
@require_role(*MANAGERS)
def dhis2_data_element():
    _i, form, _c, _u = _forms()

    def save():
        indicator = get_or_404(Indicator, form.indicator_id.data)
        dhis2.save_data_element(indicator, data_element=form.data_element.data,
                                disaggregation=form.disaggregation.data,
                                category_option_combo=form.category_option_combo.data)
    return _post_mapping(form, save, _("DHIS2 data element saved."))


@bp.route("/dhis2/category-option-combos", methods=["POST"])
@require_role(*MANAGERS)
def dhis2_combo():
    _i, _e, form, _u = _forms()

    def save():
        dimension, category = form.category.data.split(":", 1)
        dhis2.save_combo(dimension, category, form.category_option_combo.data)
    return _post_mapping(form, save, _("DHIS2 category option combo saved."))


@bp.route("/dhis2/org-units", methods=["POST"])
@require_role(*MANAGERS)
def dhis2_org_unit():
    _i, _e, _c, form = _forms()

    def save():
        area = form.area.data
        dhis2.save_org_unit(province_id=int(area[1:]) if area.startswith("p") else None,
                            commune_id=int(area[1:]) if area.startswith("c") else None, org_unit=form.org_unit.data)
    return _post_mapping(form, save, _("DHIS2 organisation unit saved."))
