from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core.forms import render_form, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, ALL_ROLES, get_or_404, require_role, scope_of
from cpms.geo.service import province_choices
from cpms.programmes import service
from cpms.programmes.forms import ProgrammeForm
from cpms.programmes.models import Programme

bp = Blueprint("programmes", __name__, url_prefix="/programmes")
NAVIGATION = [(10, "programmes.programme_list", _l("Programmes"), ALL_ROLES)]


def get_programme_or_404(programme_id, user):
    return get_or_404(Programme, programme_id, user, check=service.can_see)


@bp.route("/")
@require_role()
def programme_list():
    page = paginate(service.visible_programmes(scope_of(current_user)))
    return render_template("programmes/programme_list.html", page=page)


@bp.route("/<int:programme_id>")
@require_role()
def programme_detail(programme_id):
    programme = get_programme_or_404(programme_id, current_user)
    return render_template("programmes/programme_detail.html", programme=programme)


def _form_page(form, programme, save):
    form.provinces.choices = province_choices()
    if request.method == "GET" and programme is not None:
        form.provinces.data = sorted(programme.province_ids)
    done = save_form(form, lambda f: save(f.service_fields()), _("Programme saved."),
                     lambda saved: url_for("programmes.programme_detail", programme_id=saved.id))
    return done or render_form("programmes/programme_form.html", form, programme=programme)


@bp.route("/new", methods=["GET", "POST"])
@require_role(ADMIN)
def programme_create():
    return _form_page(ProgrammeForm(), None, lambda fields: service.create_programme(**fields))


@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
@require_role(ADMIN)
def programme_edit(programme_id):
    programme = get_programme_or_404(programme_id, current_user)
    form = ProgrammeForm(obj=programme) if request.method == "GET" else ProgrammeForm()
    return _form_page(form, programme, lambda fields: service.update_programme(programme, **fields))
