"""Station registry (/stations/) and construction projects (/construction/).

Who does what (tests/stations/access.py holds the same matrix):
- admins and project officers register stations and manage construction projects in their area;
- M&E officers read stations, projects, reports and photos;
- trainers read the station registry (with each station's construction history, without the project pages);
- viewers (donors, management) see the construction portfolio: progress, budget use, slippage and status per
  project, and its XLSX export – no project pages, hence no photos, narratives or handover names;
- only admins edit the milestone template that new projects start from.
"""
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core.audit import record_event
from cpms.core.charts import percent
from cpms.core.drafts import answer_draft
from cpms.core.exports import aggregate_export, download, xlsx_bytes
from cpms.core.forms import render_form, save_form
from cpms.core.images import limit_bytes
from cpms.core.pagination import paginate
from cpms.core.permissions import (
    ADMIN,
    ME_OFFICER,
    PROJECT_OFFICER,
    TRAINER,
    VIEWER,
    get_or_404,
    require_role,
    scope_of,
)
from cpms.extensions import db
from cpms.stations import forms, service
from cpms.stations.labels import CHECKLIST_LABELS, STATION_KIND_LABELS, STATION_STATUS_LABELS
from cpms.stations.models import ConstructionProject, Photo, Station
from cpms.stations.reference import CHECKLIST_ITEMS
from cpms.stations.service import photos, places, portfolio
from cpms.stations.service.metrics import metrics_for, progress_chart

STATION_READERS = (ADMIN, TRAINER, PROJECT_OFFICER, ME_OFFICER)
PROJECT_READERS = (ADMIN, PROJECT_OFFICER, ME_OFFICER)
MANAGERS = (ADMIN, PROJECT_OFFICER)
PORTFOLIO_READERS = (ADMIN, PROJECT_OFFICER, ME_OFFICER, VIEWER)
DEVICE_PHOTO_MB = 20  # photos of a report kept on a phone for sending later: at most this much together

bp = Blueprint("stations", __name__)
NAVIGATION = [(30, "stations.station_list", _l("Stations"), frozenset(STATION_READERS)),
              (31, "stations.portfolio", _l("Construction"), frozenset(PORTFOLIO_READERS))]


@bp.url_value_preprocessor
def allow_several_photos(endpoint, values):
    """A report may carry several photos, each up to MAX_UPLOAD_MB: raise this request's body limit so that
    each file is checked on its own, with a message naming it. (URL preprocessors run before the CSRF check,
    which is the first to read the body.)"""
    if endpoint == "stations.report_create":
        request.max_content_length = (service.MAX_PHOTOS_PER_REPORT * limit_bytes()) + 1024 * 1024


def get_station_or_404(station_id, user):
    return get_or_404(Station, station_id, user, check=service.can_see_station)


def get_project_or_404(project_id, user):
    return get_or_404(ConstructionProject, project_id, user, check=service.can_see_project)


def can_manage():
    return current_user.role in MANAGERS


# --- Stations -----------------------------------------------------------------------------------

@bp.route("/stations/")
@require_role(*STATION_READERS)
def station_list():
    filters = {"commune_id": request.args.get("commune_id", type=int),
               "kind": request.args.get("kind", ""), "status": request.args.get("status", "")}
    page = paginate(service.visible_stations(scope_of(current_user), **filters))
    return render_template("stations/station_list.html", page=page, filters=filters,
                           communes=service.commune_choices_for(current_user),
                           kinds=STATION_KIND_LABELS, statuses=STATION_STATUS_LABELS)


@bp.route("/stations/<int:station_id>")
@require_role(*STATION_READERS)
def station_detail(station_id):
    station = get_station_or_404(station_id, current_user)
    projects = db.session.scalars(service.visible_projects(scope_of(current_user), station_id=station.id)).all()
    station_map = None
    if station.latitude is not None:
        station_map = places.station_map(scope_of(current_user), highlight=station.id,
                                         highlighted_provinces={station.commune.province.name})
    return render_template("stations/station_detail.html", station=station, projects=projects, station_map=station_map,
                           metrics=metrics_for(projects), can_open_projects=current_user.role in PROJECT_READERS)


def _station_form_page(form, station, save):
    form.commune_id.choices = service.commune_choices_for(current_user)
    done = save_form(form, save, _("Station saved."),
                     lambda saved: url_for("stations.station_detail", station_id=saved.id))
    return done or render_form("stations/station_form.html", form, station=station)


@bp.route("/stations/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def station_create():
    form = forms.StationForm()
    return _station_form_page(form, None, lambda f: service.create_station(current_user, **f.service_fields()))


@bp.route("/stations/<int:station_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def station_edit(station_id):
    station = get_station_or_404(station_id, current_user)
    form = forms.StationForm(obj=station)
    return _station_form_page(form, station,
                              lambda f: service.update_station(current_user, station, **f.service_fields()))


# --- Portfolio ---------------------------------------------------------------------------------------

@bp.route("/construction/", endpoint="portfolio")
@require_role(*PORTFOLIO_READERS)
def portfolio_page():
    filters = portfolio.filters_from(request.args)
    stmt = service.visible_projects(scope_of(current_user), **filters)
    page = paginate(stmt)
    provinces = portfolio.province_choices_for(current_user)
    station_map = places.station_map(scope_of(current_user), **filters,
                                     highlighted_provinces={name for pid, name in provinces
                                                            if pid == filters["province_id"]})
    return render_template("stations/portfolio.html", page=page, metrics=metrics_for(page.items), filters=filters,
                           totals=portfolio.totals(stmt), programmes=service.programme_choices_for(current_user),
                           provinces=provinces, station_map=station_map,
                           can_open_projects=current_user.role in PROJECT_READERS)


@bp.route("/construction/export.xlsx")
@require_role(*PORTFOLIO_READERS)
@aggregate_export
def portfolio_export():
    filters = portfolio.filters_from(request.args)
    projects = db.session.scalars(service.visible_projects(scope_of(current_user), **filters)).all()
    data = xlsx_bytes({_("Construction"): portfolio.export_rows(projects, metrics_for(projects))})
    record_event("export", entity="construction_projects", detail=f"portfolio XLSX, {len(projects)} projects")
    return download(data, "construction-portfolio.xlsx", "xlsx")


# --- Projects ----------------------------------------------------------------------------------------

@bp.route("/construction/<int:project_id>")
@require_role(*PROJECT_READERS)
def project_detail(project_id):
    project = get_project_or_404(project_id, current_user)
    milestones, reports = service.project_milestones(project), service.project_reports(project)
    return render_template(
        "stations/project_detail.html", project=project, metrics=metrics_for([project])[project.id],
        milestones=milestones, reports=reports, chart=progress_chart(project, milestones, reports, fmt=percent),
        expenditures=service.project_expenditures(project), checklist=service.project_checklist(project),
        handover=service.project_handover(project), can_manage=can_manage(), checklist_labels=CHECKLIST_LABELS,
        today=portfolio.today(), is_closed=service.accepted_handover(project) is not None)


def _project_form_page(form, project, save):
    form.station_id.choices = service.station_choices_for(current_user)
    form.programme_id.choices = service.programme_choices_for(current_user)
    done = save_form(form, save, _("Construction project saved."),
                     lambda saved: url_for("stations.project_detail", project_id=saved.id))
    return done or render_form("stations/project_form.html", form, project=project,
                               template_items=service.template_items() if project is None else None)


@bp.route("/construction/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def project_create():
    form = forms.ProjectForm()
    if request.method == "GET" and request.args.get("station_id", type=int):
        form.station_id.data = request.args.get("station_id", type=int)
    return _project_form_page(form, None, lambda f: service.create_project(current_user, **f.service_fields()))


@bp.route("/construction/<int:project_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def project_edit(project_id):
    project = get_project_or_404(project_id, current_user)
    form = forms.ProjectForm(obj=project)
    return _project_form_page(form, project,
                              lambda f: service.update_project(current_user, project, **f.service_fields()))


def _back_to(project):
    return lambda _saved: url_for("stations.project_detail", project_id=project.id)


@bp.route("/construction/<int:project_id>/milestones", methods=["GET", "POST"])
@require_role(*MANAGERS)
def milestones_edit(project_id):
    project = get_project_or_404(project_id, current_user)
    if request.method == "GET":
        rows = [{"id": m.id, "name": str(m.label), "weight": m.weight, "is_required": m.is_required,
                 "planned_date": m.planned_date,
                 "actual_date": m.actual_date} for m in service.project_milestones(project)]
        form = forms.MilestonesForm(data={"rows": rows + [{}]})
    else:
        form = forms.MilestonesForm()
    done = save_form(form, lambda f: service.update_milestones(project, f.service_rows(), actor=current_user),
                     _("Milestones saved."), _back_to(project))
    return done or render_form("stations/milestones_form.html", form, project=project,
                               may_require=current_user.role == ADMIN)


@bp.route("/construction/<int:project_id>/reports/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def report_create(project_id):
    """Also filled offline on a phone (static/js/offline-form.js): a draft sent twice makes one report."""
    project = get_project_or_404(project_id, current_user)
    form = forms.ReportForm()
    if request.method == "GET":
        form.start_draft()
    elif service.report_sent_with(project, form.draft_key) is not None:  # the same draft sent again
        flash(_("This progress report was already saved from this device."), "info")
        return answer_draft(redirect(url_for("stations.project_detail", project_id=project.id)))

    def save(f):
        report = service.record_progress_report(current_user, project, **f.service_fields())
        g.stations_unsaved_photos = service.report_files(report.id)  # see remove_unsaved_photos
        return report

    done = save_form(form, save, _("Progress report saved."), _back_to(project))
    max_mb = current_app.config["MAX_UPLOAD_MB"]
    return answer_draft(done) or render_form(
        "stations/report_form.html", form, project=project, max_photos=service.MAX_PHOTOS_PER_REPORT, max_mb=max_mb,
        device_photo_bytes=min(service.MAX_PHOTOS_PER_REPORT * max_mb, DEVICE_PHOTO_MB) * 1024 * 1024,
        keep=[url_for("stations.report_create", project_id=i) for i in service.projects_to_keep(scope_of(current_user))])


@bp.teardown_request
def remove_unsaved_photos(error):
    """A report's photos are written to disk before the request commits: when the request fails after that (its
    commit included), remove them, so that no file is left behind without its row."""
    written = g.pop("stations_unsaved_photos", [])
    if error is not None:
        photos.remove_files(written)


@bp.route("/construction/<int:project_id>/expenditures/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def expenditure_create(project_id):
    project = get_project_or_404(project_id, current_user)
    form = forms.ExpenditureForm()
    done = save_form(form, lambda f: service.record_expenditure(project, **f.service_fields()),
                     _("Expenditure recorded."), _back_to(project))
    return done or render_form("stations/expenditure_form.html", form, project=project)


@bp.route("/construction/<int:project_id>/checklist", methods=["GET", "POST"])
@require_role(*MANAGERS)
def checklist_edit(project_id):
    project = get_project_or_404(project_id, current_user)
    checklist = service.project_checklist(project)
    form = forms.ChecklistForm(obj=checklist)
    done = save_form(form, lambda f: service.save_checklist(project, **f.service_fields()),
                     _("Gender-sensitivity checklist saved."), _back_to(project))
    return done or render_form("stations/checklist_form.html", form, project=project, items=CHECKLIST_ITEMS)


@bp.route("/construction/<int:project_id>/handover", methods=["GET", "POST"])
@require_role(*MANAGERS)
def handover_edit(project_id):
    project = get_project_or_404(project_id, current_user)
    form = forms.HandoverForm(obj=service.project_handover(project))
    done = save_form(form, lambda f: service.record_handover(current_user, project, **f.service_fields()),
                     _("Handover recorded."), _back_to(project))
    if done:
        return done
    checklist = service.project_checklist(project)
    return render_form("stations/handover_form.html", form, project=project,
                       missing=checklist.missing if checklist else list(CHECKLIST_ITEMS),
                       checklist_labels=CHECKLIST_LABELS, is_admin=current_user.role == ADMIN,
                       missing_milestones=service.missing_required_milestones(project))


# --- Photos ---------------------------------------------------------------------------------------------

def _send_photo(photo_id, thumbnail):
    photo = get_or_404(Photo, photo_id)
    get_project_or_404(photo.project_id, current_user)  # 404 outside the user's area
    name = photo.thumbnail_name if thumbnail else photo.stored_name
    try:
        with open(photos.file_path(name), "rb") as handle:  # at most a few MB: stored copies are scaled down
            data = handle.read()
    except FileNotFoundError:
        abort(404)
    response = Response(data, mimetype="image/jpeg" if thumbnail else photo.content_type)
    extension = ".jpg" if thumbnail or photo.content_type == "image/jpeg" else ".png"
    response.headers["Content-Disposition"] = f'inline; filename="photo-{photo.id}{extension}"'
    return response  # with Cache-Control: no-store, as every page of a logged-in user


@bp.route("/construction/photos/<int:photo_id>")
@require_role(*PROJECT_READERS)
def photo_file(photo_id):
    return _send_photo(photo_id, thumbnail=False)


@bp.route("/construction/photos/<int:photo_id>/thumbnail")
@require_role(*PROJECT_READERS)
def photo_thumbnail(photo_id):
    return _send_photo(photo_id, thumbnail=True)


# --- Milestone template ---------------------------------------------------------------------------------

@bp.route("/construction/milestone-template", methods=["GET", "POST"])
@require_role(ADMIN)
def template_edit():
    if request.method == "GET":
        rows = [{"id": item.id, "name": str(item.label), "weight": item.weight, "is_required": item.is_required}
                for item in service.template_items()]
        form = forms.TemplateForm(data={"rows": rows + [{}]})
    else:
        form = forms.TemplateForm()
    done = save_form(form, lambda f: service.update_template(f.service_rows()),
                     _("Milestone template saved. New projects start from it."),
                     lambda _saved: url_for("stations.template_edit"))
    return done or render_form("stations/template_form.html", form)
