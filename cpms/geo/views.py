"""Geography pages: everybody reads the reference places; admins add more."""
from flask import Blueprint, flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core.forms import render_form, save_form
from cpms.core.permissions import ADMIN, ME_OFFICER, get_or_404, require_role, scope_of
from cpms.geo import service
from cpms.geo.forms import CityForm, CommuneForm, CommunePositionForm, ProvinceForm, QuartierForm
from cpms.geo.maps import area_map
from cpms.geo.models import City, Commune, Province
from cpms.geo.time import register_template_helpers

bp = Blueprint("geo", __name__, url_prefix="/geography")
bp.record_once(register_template_helpers)  # local_time, local_date, local_clock, zone_label: for every template
# reference data: in the menu of those who keep it or report by place; everybody may still read it
NAVIGATION = [(80, "geo.province_list", _l("Geography"), {ADMIN, ME_OFFICER})]


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
    done = save_form(form, lambda f: service.create_province(name=f.name.data, time_zone=f.time_zone.data), _("Saved."),
                     lambda _province: url_for("geo.province_list"))
    return done or render_form("geo/province_list.html", form, rows=service.province_overview())


def _province_context(province, **forms):
    """The province page's context: its tree and, for admins, the forms that add places (blank unless given)."""
    admin = current_user.role == ADMIN
    blank = {"city_form": CityForm() if admin else None, "commune_form": CommuneForm() if admin else None,
             "quartier_form": QuartierForm() if admin else None}
    return {"province": province, "tree": service.province_tree(province), **blank, **forms,
            "area_map": area_map(scope_of(current_user), province_id=province.id, highlighted={province.name})}


@bp.route("/provinces/<int:province_id>")
@require_role()
def province_detail(province_id):
    return render_template("geo/province_detail.html", **_province_context(get_or_404(Province, province_id)))


@bp.route("/provinces/<int:province_id>/cities", methods=["POST"])
@require_role(ADMIN)
def city_create(province_id):
    province = get_or_404(Province, province_id)
    form = CityForm()
    done = save_form(form, lambda f: service.create_city(province, name=f.name.data, kind=f.kind.data), _("Saved."),
                     lambda _city: url_for("geo.province_detail", province_id=province.id))
    return done or render_form("geo/province_detail.html", form, **_province_context(province, city_form=form))


def _add_child(parent, form_class, prefix, create, province):
    """Add a commune to a city or a quartier to a commune from the inline form on the province page."""
    form = form_class(prefix=prefix, meta={"csrf": False})  # CSRFProtect has checked the token already
    done = save_form(form, lambda f: create(parent, name=f.name.data), _("Saved."),
                     lambda _place: url_for("geo.province_detail", province_id=province.id))
    if done:
        return done
    for error in form.name.errors:  # the page has one such form per city or commune: name the place
        flash(f"{parent.name}: {error}", "error")
    return render_form("geo/province_detail.html", form, **_province_context(province))


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


@bp.route("/communes/<int:commune_id>/position", methods=["POST"])
@require_role(ADMIN)
def commune_position(commune_id):
    """Record a commune's position (where its committees and surveys are drawn on the maps)."""
    commune = get_or_404(Commune, commune_id)
    form = CommunePositionForm(prefix=f"position{commune.id}", meta={"csrf": False})  # CSRFProtect checked it
    done = save_form(form, lambda f: service.set_commune_position(commune, latitude=f.latitude.data,
                                                                  longitude=f.longitude.data),
                     _("Saved."), lambda _commune: url_for("geo.province_detail", province_id=commune.province_id))
    if done:
        return done
    for error in form.latitude.errors + form.longitude.errors:  # one such form per commune: name it
        flash(f"{commune.name}: {error}", "error")
    return render_form("geo/province_detail.html", form, **_province_context(commune.province))
