"""/api/v1/committees, /api/v1/meetings, /api/v1/action-items – scoped to the caller's area."""
from datetime import date

from flask import request
from flask_login import current_user

from cpms.committees import service
from cpms.committees.models import ACTION_STATUSES, COMMITTEE_KINDS
from cpms.core.api import bp
from cpms.core.api.helpers import Filter, described, fields, nullable, paginated
from cpms.core.permissions import STAFF_ROLES, require_role, scope_of
from cpms.geo.time import local_zone, to_local


def committee_json(committee):
    return {"id": committee.id, "kind": committee.kind, "name": committee.name, "status": committee.status,
            "commune_id": committee.commune_id, "province_id": committee.province_id,
            "quartier_id": committee.quartier_id, "parent_id": committee.parent_id,
            "programme_id": committee.programme_id, "established_on": committee.established_on.isoformat()}


def meeting_json(meeting):
    """`starts_at`: ISO 8601 in the committee's local time, with its offset (e.g. 2026-12-10T09:00:00+02:00)."""
    return {"id": meeting.id, "committee_id": meeting.committee_id,
            "starts_at": to_local(meeting.starts_at, meeting.committee).isoformat(),
            "time_zone": local_zone(meeting.committee).key,
            "place": meeting.place, "kind": meeting.kind, "status": meeting.status,
            "guests_women": meeting.guests_women, "guests_men": meeting.guests_men}


def action_item_json(item, today=None):
    today = today or date.today()
    return {"id": item.id, "committee_id": item.committee_id, "meeting_id": item.meeting_id,
            "description": item.description, "responsible_member_id": item.responsible_member_id,
            "responsible_organisation": item.responsible_organisation, "due_date": item.due_date.isoformat(),
            "status": item.status, "is_overdue": item.is_overdue(today),
            "closed_on": item.closed_on.isoformat() if item.closed_on else None, "closing_note": item.closing_note}


COMMITTEE = fields(id="integer", kind={"type": "string", "enum": list(COMMITTEE_KINDS)}, name="string",
                   status="string", commune_id="integer", province_id="integer", quartier_id=nullable("integer"),
                   parent_id=nullable("integer"), programme_id="integer", established_on=("string", "date"))
MEETING = fields(id="integer", committee_id="integer", starts_at=("string", "date-time"), time_zone="string",
                 place="string", kind="string", status="string", guests_women="integer", guests_men="integer")
ACTION_ITEM = fields(id="integer", committee_id="integer", meeting_id=nullable("integer"), description="string",
                     responsible_member_id=nullable("integer"), responsible_organisation="string",
                     due_date=("string", "date"), status={"type": "string", "enum": list(ACTION_STATUSES)},
                     is_overdue="boolean", closed_on=nullable("string", "date"), closing_note="string")
COMMITTEE_ID = Filter("committee_id", "integer", "Only this committee's")


@bp.route("/committees")
@require_role()
@described(item=COMMITTEE, filters=(Filter("kind", "string", "Only this kind of committee", tuple(COMMITTEE_KINDS)),))
def committee_list():
    """Committees and forums in the caller's area (?kind=clsp|forum|cldp)."""
    return paginated(service.visible_committees(scope_of(current_user), kind=request.args.get("kind")),
                     committee_json)


@bp.route("/meetings")
@require_role()
@described(item=MEETING, filters=(COMMITTEE_ID,))
def meeting_list():
    """Committee meetings in the caller's area, newest first (?committee_id=)."""
    return paginated(service.visible_meetings(scope_of(current_user), request.args.get("committee_id", type=int)),
                     meeting_json)


@bp.route("/action-items")
@require_role(*STAFF_ROLES)
@described(item=ACTION_ITEM, filters=(Filter("status", "string", "Only items with this status", tuple(ACTION_STATUSES)),
                                      Filter("overdue", "boolean", "1: only overdue items"), COMMITTEE_ID))
def action_item_list():
    """Action items in the caller's area (?status=open|in_progress|done|dropped, ?overdue=1, ?committee_id=)."""
    return paginated(service.visible_action_items(scope_of(current_user), status=request.args.get("status"),
                                                  overdue=request.args.get("overdue") == "1",
                                                  committee_id=request.args.get("committee_id", type=int)),
                     action_item_json)
