"""Coaching visits: list, detail, create and edit."""
from datetime import date

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cpms.core.forms import render_form, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.deployments.forms import VisitForm
from cpms.deployments.labels import COACH_TYPE_LABELS
from cpms.deployments.models import CoachingVisit
from cpms.deployments.service import coaching
from cpms.deployments.views.blueprint import COACHING_READERS, MANAGERS, bp, place_choices
from cpms.geo.service import commune_choices


def get_visit_or_404(visit_id):
    return get_or_404(CoachingVisit, visit_id, current_user, check=coaching.can_see_visit)


@bp.route("/coaching/")
@require_role(*COACHING_READERS)
def visit_list():
    scope = scope_of(current_user)
    filters = {"commune_id": request.args.get("commune_id", type=int), "coach_type": request.args.get("coach_type", "")}
    page = paginate(coaching.visible_visits(scope, **filters))
    return render_template("deployments/visit_list.html", page=page, filters=filters,
                           counts=coaching.visit_counts([v.id for v in page.items]), communes=commune_choices(scope),
                           coach_types=COACH_TYPE_LABELS, can_manage=current_user.role in MANAGERS)


@bp.route("/coaching/<int:visit_id>")
@require_role(*COACHING_READERS)
def visit_detail(visit_id):
    visit = get_visit_or_404(visit_id)
    return render_template("deployments/visit_detail.html", visit=visit, officers=coaching.visit_officers(visit),
                           actions=coaching.visit_actions(visit), today=date.today(),
                           can_manage=current_user.role in MANAGERS)


def _visit_page(form, visit, save):
    form.set_place_choices(*place_choices())
    done = save_form(form, lambda _form: save(), _("Coaching visit saved."),
                     lambda saved: url_for("deployments.visit_detail", visit_id=saved.id))
    return done or render_form("deployments/visit_form.html", form, visit=visit)


@bp.route("/coaching/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def visit_create():
    form = VisitForm(data={"actions": [{}, {}, {}]}) if request.method == "GET" else VisitForm()
    return _visit_page(form, None, lambda: coaching.create_visit(current_user, **form.service_fields()))


@bp.route("/coaching/<int:visit_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def visit_edit(visit_id):
    visit = get_visit_or_404(visit_id)
    if request.method == "GET":
        actions = [{"id": a.id, "description": a.description, "responsible": a.responsible, "due_date": a.due_date,
                    "is_done": a.is_done} for a in coaching.visit_actions(visit)]
        form = VisitForm(data={
            "visit_date": visit.visit_date, "coach_name": visit.coach_name, "coach_type": visit.coach_type,
            "coach_organisation": visit.coach_organisation, "observations": visit.observations,
            "station_id": visit.station_id or 0, "commune_id": 0 if visit.station_id else visit.commune_id,
            "matricules": "\n".join(t.matricule for t in coaching.visit_officers(visit)),
            "actions": actions + [{}]})
    else:
        form = VisitForm()
    return _visit_page(form, visit, lambda: coaching.update_visit(current_user, visit, **form.service_fields()))
