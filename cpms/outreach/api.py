"""/api/v1/outreach-activities: the outreach activities of the caller's area with their reach by sex (and, for one
activity, by category). Read-only, and without personal data: no participants' or facilitators' names.

/api/v1/outreach-programme-actions: the actions agreed in workshops that their programme follows up, for admins,
project and M&E officers (who is responsible is named: not for viewers)."""
from flask import jsonify, request
from flask_login import current_user

from cpms.core.api import bp
from cpms.core.api.helpers import Filter, described, fields, nullable
from cpms.core.models import utcnow
from cpms.core.pagination import paginate
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.outreach import service
from cpms.outreach.models import CATEGORIES, KINDS, PROGRAMME_ACTION_STATUSES, OutreachActivity

READERS = tuple(sorted(service.READERS))
FOLLOWERS = tuple(sorted(service.FOLLOWERS))
REACH = fields(category={"type": "string", "enum": list(CATEGORIES)}, women="integer", men="integer")
ACTIVITY = fields(
    id="integer", programme_id="integer", programme="string", kind="string", title="string", topic="string",
    province_id="integer", commune_id="integer", commune="string", quartier="string",
    start_date=("string", "date"), end_date=("string", "date"), language="string", partners="string",
    cost=nullable("number"), currency="string", women_reached="integer", men_reached="integer",
    reach_by_category={"type": ["array", "null"], "items": REACH})


def activity_json(activity, reach, by_category=None):
    return {"id": activity.id, "programme_id": activity.programme_id, "programme": activity.programme.code,
            "kind": activity.kind, "title": activity.title, "topic": activity.topic,
            "province_id": activity.province_id, "commune_id": activity.commune_id, "commune": activity.commune.name,
            "quartier": activity.quartier, "start_date": activity.start_date.isoformat(),
            "end_date": activity.end_date.isoformat(), "language": activity.language, "partners": activity.partners,
            "cost": None if activity.cost is None else float(activity.cost), "currency": activity.currency,
            "women_reached": reach["F"], "men_reached": reach["M"],
            "reach_by_category": None if by_category is None else [
                {"category": category, "women": women, "men": men} for category, women, men in by_category]}


@bp.route("/outreach-activities")
@require_role(*READERS)
@described(item=ACTIVITY, filters=(Filter("kind", "string", "Only activities of this kind", enum=KINDS),
                                   Filter("commune_id", "integer", "Only this commune's activities"),
                                   Filter("programme_id", "integer", "Only this programme's activities")))
def outreach_activity_list():
    """Outreach activities in the caller's area, latest first, with the people reached by sex (?kind=, ?commune_id=,
    ?programme_id=); `reach_by_category` is given by the detail route only."""
    stmt = service.visible_activities(scope_of(current_user), kind=request.args.get("kind", ""),
                                      commune_id=request.args.get("commune_id", type=int))
    programme_id = request.args.get("programme_id", type=int)
    if programme_id:
        stmt = stmt.where(OutreachActivity.programme_id == programme_id)
    page = paginate(stmt)
    reach = service.reach_by_sex([a.id for a in page.items])
    return jsonify({"items": [activity_json(a, reach[a.id]) for a in page.items], "page": page.page,
                    "per_page": page.per_page, "total": page.total})


@bp.route("/outreach-activities/<int:activity_id>")
@require_role(*READERS)
@described(item=ACTIVITY)
def outreach_activity_detail(activity_id):
    """One outreach activity with the people reached by participant category and sex (404 outside the caller's
    area)."""
    activity = get_or_404(OutreachActivity, activity_id, current_user, check=service.can_see_activity)
    return jsonify(activity_json(activity, service.reach_by_sex([activity.id])[activity.id],
                                 service.reach_by_category(activity)))


PROGRAMME_ACTION = fields(
    id="integer", programme_id="integer", programme="string", activity_id="integer", activity="string",
    commune="string", description="string", responsible="string", due_date=("string", "date"),
    status={"type": "string", "enum": list(PROGRAMME_ACTION_STATUSES)}, note="string",
    closed_on=nullable("string", "date"), overdue="boolean")


@bp.route("/outreach-programme-actions")
@require_role(*FOLLOWERS)
@described(item=PROGRAMME_ACTION, filters=(
    Filter("programme_id", "integer", "Only this programme's actions"),
    Filter("status", "string", "Only actions in this status", enum=PROGRAMME_ACTION_STATUSES),
    Filter("overdue", "boolean", "1: only open actions past their due date")))
def outreach_programme_action_list():
    """Actions agreed in joint workshops of the caller's area and followed up by the workshop's programme, soonest
    due first (?programme_id=, ?status=, ?overdue=1)."""
    now = utcnow()
    page = paginate(service.visible_programme_actions(
        scope_of(current_user), programme_id=request.args.get("programme_id", type=int),
        status=request.args.get("status", ""), overdue=request.args.get("overdue") == "1", now=now))
    return jsonify({"items": [{
        "id": item.id, "programme_id": item.activity.programme_id, "programme": item.activity.programme.code,
        "activity_id": item.activity_id, "activity": item.activity.title, "commune": item.activity.commune.name,
        "description": item.description, "responsible": item.responsible, "due_date": item.due_date.isoformat(),
        "status": item.status, "note": item.note,
        "closed_on": item.closed_on.isoformat() if item.closed_on else None, "overdue": item.is_overdue(now)}
        for item in page.items], "page": page.page, "per_page": page.per_page, "total": page.total})
