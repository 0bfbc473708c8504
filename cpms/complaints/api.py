"""/api/v1/complaints: the non-sensitive complaints and feedback of the caller's area (read-only, staff who may
read them). Sensitive cases are never listed here, not even to focal points, and no contact detail is given."""
from flask import request
from flask_login import current_user

from cpms.complaints import service
from cpms.complaints.models import CATEGORIES, CHANNELS, STATUSES
from cpms.core.api import bp
from cpms.core.api.helpers import Filter, described, fields, nullable, paginated
from cpms.core.permissions import require_role


def _iso(value):
    return value.isoformat() if value is not None else None


def complaint_json(complaint):
    return {"id": complaint.id, "receipt_code": complaint.receipt_code, "category": complaint.category,
            "channel": complaint.channel, "status": complaint.status, "commune_id": complaint.commune_id,
            "commune": complaint.commune.name if complaint.commune else None, "quartier": complaint.quartier,
            "event_date": _iso(complaint.event_date), "concerns": complaint.concerns,
            "concerns_detail": complaint.concerns_detail, "concerns_station_id": complaint.concerns_station_id,
            "concerns_committee_id": complaint.concerns_committee_id, "account": complaint.account, "sex": complaint.sex,
            "age_group": complaint.age_group, "meeting_id": complaint.meeting_id,
            "received_at": _iso(complaint.received_at), "acknowledge_by": _iso(complaint.acknowledge_by),
            "answer_by": _iso(complaint.answer_by), "acknowledged_at": _iso(complaint.acknowledged_at),
            "answered_at": _iso(complaint.answered_at), "closed_at": _iso(complaint.closed_at),
            "answer": complaint.answer, "satisfaction": complaint.satisfaction}


@bp.route("/complaints")
@require_role(*service.STAFF)
@described(item=fields(id="integer", receipt_code="string", category="string", channel="string", status="string",
                       commune_id=nullable("integer"), commune=nullable("string"), quartier="string",
                       event_date=nullable("string", "date"), concerns="string", concerns_detail="string",
                       concerns_station_id=nullable("integer"), concerns_committee_id=nullable("integer"),
                       account="string", sex="string", age_group="string", meeting_id=nullable("integer"),
                       received_at=("string", "date-time"), acknowledge_by=("string", "date"),
                       answer_by=("string", "date"), acknowledged_at=nullable("string", "date-time"),
                       answered_at=nullable("string", "date-time"), closed_at=nullable("string", "date-time"),
                       answer="string", satisfaction="string"),
           filters=(Filter("status", "string", "Only cases at this stage (open: not yet answered or closed)",
                           ("open", *STATUSES)),
                    Filter("category", "string", "Only this category (sensitive ones are never listed)",
                           tuple(key for key in CATEGORIES if key not in service.SENSITIVE_CATEGORIES)),
                    Filter("channel", "string", "Only cases received through this channel", tuple(CHANNELS)),
                    Filter("commune_id", "integer", "Only cases of this commune")))
def complaints():
    """Non-sensitive complaints and feedback of the caller's area, newest first, without the person's contact.
    Filters: ?status=open|received|…, ?category=, ?channel=, ?commune_id=."""
    args = request.args
    stmt = service.list_complaints(current_user, status=args.get("status") or None,
                                   category=args.get("category") or None, channel=args.get("channel") or None,
                                   commune_id=args.get("commune_id", type=int))
    return paginated(stmt, complaint_json)
