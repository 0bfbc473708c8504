"""/api/v1/stations and /api/v1/construction-projects (with milestones, progress, budget and delay)."""
from collections import defaultdict
from datetime import date

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select

from cpms.core.api import bp
from cpms.core.api.helpers import Filter, described, fields, nullable
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
from cpms.stations import service
from cpms.stations.models import ConstructionProject, Milestone, Station
from cpms.stations.service.metrics import is_overdue, metrics_for, milestone_delay

STATION_READERS = (ADMIN, TRAINER, PROJECT_OFFICER, ME_OFFICER)
PORTFOLIO_READERS = (ADMIN, PROJECT_OFFICER, ME_OFFICER, VIEWER)


def _iso(value):
    return value.isoformat() if value is not None else None


def _money(value):
    return None if value is None else float(value)


def station_json(station):
    return {"id": station.id, "name": station.name, "kind": station.kind, "status": station.status,
            "commune_id": station.commune_id, "commune": station.commune.name, "city": station.commune.city.name,
            "province_id": station.province_id, "province": station.commune.province.name,
            "latitude": station.latitude, "longitude": station.longitude,
            "specialised_units": list(station.specialised_units or []), "staff_count": station.staff_count}


def project_json(project, metrics, milestones, today):
    return {
        "id": project.id, "station_id": project.station_id, "station": project.station.name,
        "commune_id": project.station.commune_id, "province_id": project.station.province_id,
        "programme_id": project.programme_id, "programme": project.programme.code, "kind": project.kind,
        "contractor": project.contractor, "contract_amount": _money(project.contract_amount),
        "currency": project.currency, "start_date": _iso(project.start_date),
        "planned_completion_date": _iso(project.planned_completion_date),
        "progress_percent": round(metrics.progress, 1), "milestone_progress_percent": metrics.milestone_progress,
        "reported_progress_percent": metrics.reported_progress, "reported_on": _iso(metrics.reported_on),
        "spent": _money(metrics.spent), "variance": _money(metrics.variance),
        "budget_used_percent": _money(metrics.budget_used), "is_over_budget": metrics.is_over_budget,
        "slippage_days": metrics.slippage_days, "overdue_milestones": metrics.overdue_milestones,
        "gender_checklist_complete": metrics.checklist_complete, "handover_date": _iso(metrics.handover_date),
        "is_handed_over": metrics.is_handed_over, "status": metrics.status,
        "milestones": [{"position": m.position, "code": m.code, "name": m.name, "weight": m.weight,
                        "is_required": m.is_required,
                        "planned_date": _iso(m.planned_date), "actual_date": _iso(m.actual_date),
                        "is_overdue": is_overdue(m.planned_date, m.actual_date, today),
                        "delay_days": milestone_delay(m.planned_date, m.actual_date, today)} for m in milestones],
    }


def _projects_payload(projects):
    """JSON of many projects in a fixed number of queries: metrics (five) and milestones (one)."""
    today = date.today()
    metrics = metrics_for(projects, today)
    milestones = defaultdict(list)
    if projects:
        for milestone in db.session.scalars(select(Milestone).where(Milestone.project_id.in_([p.id for p in projects]))
                                            .order_by(Milestone.project_id, Milestone.position)):
            milestones[milestone.project_id].append(milestone)
    return [project_json(p, metrics[p.id], milestones[p.id], today) for p in projects]


STATION = fields(id="integer", name="string", kind="string", status="string", commune_id="integer", commune="string",
                 city="string", province_id="integer", province="string", latitude=nullable("number"),
                 longitude=nullable("number"), specialised_units={"type": "array", "items": {"type": "string"}},
                 staff_count=nullable("integer"))
MILESTONE = fields(position="integer", code="string", name="string", weight="number", is_required="boolean",
                   planned_date=nullable("string", "date"), actual_date=nullable("string", "date"),
                   is_overdue="boolean", delay_days=nullable("integer"))
PROJECT = fields(
    id="integer", station_id="integer", station="string", commune_id="integer", province_id="integer",
    programme_id="integer", programme="string", kind="string", contractor="string",
    contract_amount=nullable("number"), currency="string", start_date=nullable("string", "date"),
    planned_completion_date=nullable("string", "date"), progress_percent="number",
    milestone_progress_percent=nullable("number"), reported_progress_percent=nullable("number"),
    reported_on=nullable("string", "date"), spent=nullable("number"), variance=nullable("number"),
    budget_used_percent=nullable("number"), is_over_budget="boolean", slippage_days=nullable("integer"),
    overdue_milestones="integer", gender_checklist_complete="boolean", handover_date=nullable("string", "date"),
    is_handed_over="boolean", status="string", milestones={"type": "array", "items": MILESTONE})


@bp.route("/stations")
@require_role(*STATION_READERS)
@described(item=STATION, filters=(Filter("province_id", "integer", "Only this province's stations"),
                                  Filter("commune_id", "integer", "Only this commune's stations"),
                                  Filter("status", "string", "Only stations with this status")))
def station_list():
    """Police stations in the caller's area (?province_id=, ?commune_id=, ?status=)."""
    stmt = service.visible_stations(scope_of(current_user), province_id=request.args.get("province_id", type=int),
                                    commune_id=request.args.get("commune_id", type=int),
                                    status=request.args.get("status") or None)
    page = paginate(stmt)
    return jsonify({"items": [station_json(s) for s in page.items], "page": page.page, "per_page": page.per_page,
                    "total": page.total})


@bp.route("/stations/<int:station_id>")
@require_role(*STATION_READERS)
@described(item=STATION)
def station_detail(station_id):
    """One police station (404 outside the caller's area)."""
    return jsonify(station_json(get_or_404(Station, station_id, current_user, check=service.can_see_station)))


@bp.route("/construction-projects")
@require_role(*PORTFOLIO_READERS)
@described(item=PROJECT, filters=(Filter("programme_id", "integer", "Only this programme's projects"),
                                  Filter("province_id", "integer", "Only this province's projects"),
                                  Filter("station_id", "integer", "Only this station's projects")))
def construction_project_list():
    """Construction projects in the caller's area, with milestones, progress, budget and slippage
    (?programme_id=, ?province_id=, ?station_id=)."""
    stmt = service.visible_projects(scope_of(current_user), programme_id=request.args.get("programme_id", type=int),
                                    province_id=request.args.get("province_id", type=int),
                                    station_id=request.args.get("station_id", type=int))
    page = paginate(stmt)
    return jsonify({"items": _projects_payload(page.items), "page": page.page, "per_page": page.per_page,
                    "total": page.total})


@bp.route("/construction-projects/<int:project_id>")
@require_role(*PORTFOLIO_READERS)
@described(item=PROJECT)
def construction_project_detail(project_id):
    """One construction project with its milestones (404 outside the caller's area)."""
    project = get_or_404(ConstructionProject, project_id, current_user, check=service.can_see_project)
    return jsonify(_projects_payload([project])[0])
