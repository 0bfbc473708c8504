"""The OpenAPI document of the API (the collections are in each domain's api.py)."""
from flask import current_app, jsonify

from cpms.core.api import bp
from cpms.core.api.openapi import build_openapi
from cpms.core.permissions import public


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(build_openapi(current_app))
