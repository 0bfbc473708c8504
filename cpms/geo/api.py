"""/api/v1/provinces and /api/v1/communes."""
from flask import request
from sqlalchemy import select

from cpms.core.api import bp
from cpms.core.api.helpers import Filter, described, fields, paginated
from cpms.core.permissions import require_role
from cpms.geo.models import Commune, Province


def province_json(province):
    return {"id": province.id, "name": province.name, "time_zone": province.time_zone}


def commune_json(commune):
    return {"id": commune.id, "name": commune.name, "city": commune.city.name, "city_id": commune.city_id,
            "province_id": commune.province_id}


@bp.route("/provinces")
@require_role()
@described(item=fields(id="integer", name="string", time_zone="string"))
def provinces():
    """Provinces."""
    return paginated(select(Province).order_by(Province.name), province_json)


@bp.route("/communes")
@require_role()
@described(item=fields(id="integer", name="string", city="string", city_id="integer", province_id="integer"),
           filters=(Filter("province_id", "integer", "Only this province's communes"),))
def communes():
    """Communes, optionally of one province (?province_id=)."""
    stmt = select(Commune).order_by(Commune.name)
    province_id = request.args.get("province_id", type=int)
    if province_id:
        stmt = stmt.where(Commune.province_id == province_id)
    return paginated(stmt, commune_json)
