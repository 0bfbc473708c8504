"""/api/v1/programmes."""
from flask import jsonify
from flask_login import current_user

from cpms.core.api import bp
from cpms.core.api.helpers import described, fields, nullable, paginated
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.programmes import service as programmes
from cpms.programmes.models import Programme

PROGRAMME = fields(id="integer", code="string", name="string", donors="string", start_date=("string", "date"),
                   end_date=nullable("string", "date"), requires_vetting="boolean",
                   provinces={"type": "array", "items": {"type": "integer"}})


def programme_json(programme):
    return {"id": programme.id, "code": programme.code, "name": programme.name, "donors": programme.donors,
            "start_date": programme.start_date.isoformat(),
            "end_date": programme.end_date.isoformat() if programme.end_date else None,
            "requires_vetting": programme.requires_vetting, "provinces": sorted(programme.province_ids)}


@bp.route("/programmes")
@require_role()
@described(item=PROGRAMME)
def programme_list():
    """Programmes covering the caller's area."""
    return paginated(programmes.visible_programmes(scope_of(current_user)), programme_json)


@bp.route("/programmes/<int:programme_id>")
@require_role()
@described(item=PROGRAMME)
def programme_detail(programme_id):
    """One programme (404 outside the caller's area)."""
    return jsonify(programme_json(get_or_404(Programme, programme_id, current_user, check=programmes.can_see)))
