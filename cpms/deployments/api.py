"""/api/v1/postings: postings of trained officers in the caller's area."""
from flask import request
from flask_login import current_user

from cpms.core.api import bp
from cpms.core.api.helpers import Filter, described, fields, nullable, paginated
from cpms.core.permissions import require_role, scope_of
from cpms.deployments import service


def posting_json(posting):
    trainee = posting.trainee
    return {"id": posting.id, "trainee_id": posting.trainee_id, "matricule": trainee.matricule,
            "name": trainee.full_name, "sex": trainee.sex,
            "station_id": posting.station_id, "station": posting.station.name if posting.station else None,
            "commune_id": posting.commune_id, "commune": posting.commune.name, "province_id": posting.province_id,
            "function": posting.function, "start_date": posting.start_date.isoformat(),
            "end_date": posting.end_date.isoformat() if posting.end_date else None,
            "end_reason": posting.end_reason, "end_note": posting.end_note}


@bp.route("/postings")
@require_role(*service.READERS)
@described(item=fields(id="integer", trainee_id="integer", matricule="string", name="string", sex="string",
                       station_id=nullable("integer"), station=nullable("string"), commune_id="integer",
                       commune="string", province_id="integer", function="string", start_date=("string", "date"),
                       end_date=nullable("string", "date"), end_reason=nullable("string"), end_note=nullable("string")),
           filters=(Filter("trainee_id", "integer", "Only this officer's postings"),
                    Filter("commune_id", "integer", "Only postings in this commune"),
                    Filter("station_id", "integer", "Only postings to this station"),
                    Filter("status", "string", "Current or ended postings", ("current", "ended")),
                    Filter("q", "string", "Name or matricule (part of)")))
def postings():
    """Postings of officers to stations or communes in the caller's area, newest first (trainers: the trainees of
    their cohorts). Filters: ?trainee_id=, ?commune_id=, ?station_id=, ?status=current|ended, ?q= (name or
    matricule)."""
    args = request.args
    stmt = service.visible_postings(current_user, scope_of(current_user), trainee_id=args.get("trainee_id", type=int),
                                    commune_id=args.get("commune_id", type=int),
                                    station_id=args.get("station_id", type=int), status=args.get("status", ""),
                                    term=args.get("q", ""))
    return paginated(stmt, posting_json)
