"""Foundation collections: users (admins), provinces and communes, programmes; the OpenAPI document."""
from flask import current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from cpms.api import bp
from cpms.api.helpers import paginated
from cpms.api.openapi import build_openapi
from cpms.auth.models import User
from cpms.core.permissions import ADMIN, get_or_404, public, require_role, scope_of
from cpms.geo.models import Commune, Province
from cpms.programmes import service as programmes
from cpms.programmes.models import Programme


def user_json(user):
    return {"id": user.id, "name": user.name, "email": user.email, "role": user.role, "locale": user.locale,
            "is_active": user.is_active, "provinces": [p.id for p in user.provinces],
            "communes": [c.id for c in user.communes],
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None}


def province_json(province):
    return {"id": province.id, "name": province.name}


def commune_json(commune):
    return {"id": commune.id, "name": commune.name, "city": commune.city.name, "city_id": commune.city_id,
            "province_id": commune.province_id}


def programme_json(programme):
    return {"id": programme.id, "code": programme.code, "name": programme.name, "donors": programme.donors,
            "start_date": programme.start_date.isoformat(),
            "end_date": programme.end_date.isoformat() if programme.end_date else None,
            "requires_vetting": programme.requires_vetting, "provinces": sorted(programme.province_ids)}


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(build_openapi(current_app))


@bp.route("/users")
@require_role(ADMIN)
def users():
    """Users (admins only)."""
    return paginated(select(User).order_by(User.id), user_json)


@bp.route("/provinces")
@require_role()
def provinces():
    """Provinces."""
    return paginated(select(Province).order_by(Province.name), province_json)


@bp.route("/communes")
@require_role()
def communes():
    """Communes, optionally of one province (?province_id=)."""
    stmt = select(Commune).order_by(Commune.name)
    province_id = request.args.get("province_id", type=int)
    if province_id:
        stmt = stmt.where(Commune.province_id == province_id)
    return paginated(stmt, commune_json)


@bp.route("/programmes")
@require_role()
def programme_list():
    """Programmes covering the caller's area."""
    return paginated(programmes.visible_programmes(scope_of(current_user)), programme_json)


@bp.route("/programmes/<int:programme_id>")
@require_role()
def programme_detail(programme_id):
    """One programme (404 outside the caller's area)."""
    return jsonify(programme_json(get_or_404(Programme, programme_id, current_user, check=programmes.can_see)))
