"""Geography pages: everybody reads the reference places; admins add more."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core.errors import DomainError
from cpms.core.permissions import ADMIN, ALL_ROLES, get_or_404, require_role
from cpms.extensions import db
from cpms.geo import service
from cpms.geo.forms import CityForm, CommuneForm, ProvinceForm, QuartierForm
from cpms.geo.models import City, Commune, Province

bp = Blueprint("geo", __name__, url_prefix="/geography")
NAVIGATION = [(80, "geo.province_list", _l("Geography"), ALL_ROLES)]


def _save(form, create, redirect_to):
    """Run one create service for a submitted form; on a refusal show the message on the field."""
    try:
        create()
    except DomainError as error:
        db.session.rollback()
        getattr(form, error.field or "name").errors.append(error.message)
        return None
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(redirect_to)


@bp.route("/")
@require_role()
def province_list():
    rows = service.province_overview()
    form = ProvinceForm() if current_user.role == ADMIN else None
    return render_template("geo/province_list.html", rows=rows, form=form)


@bp.route("/provinces", methods=["POST"])
@require_role(ADMIN)
def province_create():
    form = ProvinceForm()
    if form.validate_on_submit():
        done = _save(form, lambda: service.create_province(current_user, name=form.name.data), url_for("geo.province_list"))
        if done:
            return done
    return render_template("geo/province_list.html", rows=service.province_overview(), form=form), 422


def _province_page(province, city_form=None, commune_form=None, quartier_form=None, status=200):
    admin = current_user.role == ADMIN
    return render_template(
        "geo/province_detail.html", province=province, tree=service.province_tree(province),
        city_form=city_form or (CityForm() if admin else None),
        commune_form=commune_form or (CommuneForm() if admin else None),
        quartier_form=quartier_form or (QuartierForm() if admin else None)), status


@bp.route("/provinces/<int:province_id>")
@require_role()
def province_detail(province_id):
    return _province_page(get_or_404(Province, province_id))


@bp.route("/provinces/<int:province_id>/cities", methods=["POST"])
@require_role(ADMIN)
def city_create(province_id):
    province = get_or_404(Province, province_id)
    form = CityForm()
    if form.validate_on_submit():
        done = _save(form, lambda: service.create_city(current_user, province, name=form.name.data, kind=form.kind.data),
                     url_for("geo.province_detail", province_id=province.id))
        if done:
            return done
    return _province_page(province, city_form=form, status=422)


def _add_child(parent, form_class, prefix, create, province):
    """Add a commune to a city or a quartier to a commune from the inline form on the province page."""
    form = form_class(prefix=prefix, meta={"csrf": False})  # CSRFProtect has checked the token already
    if form.validate_on_submit():
        done = _save(form, lambda: create(current_user, parent, name=form.name.data),
                     url_for("geo.province_detail", province_id=province.id))
        if done:
            return done
    for error in form.name.errors:
        flash(f"{parent.name}: {error}", "error")
    return _province_page(province, status=422)


@bp.route("/cities/<int:city_id>/communes", methods=["POST"])
@require_role(ADMIN)
def commune_create(city_id):
    city = get_or_404(City, city_id)
    return _add_child(city, CommuneForm, f"city{city.id}", service.create_commune, city.province)


@bp.route("/communes/<int:commune_id>/quartiers", methods=["POST"])
@require_role(ADMIN)
def quartier_create(commune_id):
    commune = get_or_404(Commune, commune_id)
    return _add_child(commune, QuartierForm, f"commune{commune.id}", service.create_quartier, commune.province)
