"""/api/v1: personal API tokens, the UI's roles and area scopes, JSON errors, pagination.

Each domain adds its collections in `cpms/<domain>/api.py` on this blueprint.
"""
from flask import Blueprint, g, request

from cpms.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies are accepted here, only bearer tokens


@bp.before_request
def authenticate_token():
    """Only `Authorization: Bearer <token>` authenticates on the API; the session cookie is ignored."""
    from cpms.auth.service import user_for_api_token
    from cpms.extensions import db

    header = request.headers.get("Authorization", "")
    user = None
    if header.startswith("Bearer "):
        user = user_for_api_token(header[len("Bearer "):].strip())
        if user is not None:
            db.session.commit()  # last_used_at
    # Flask-Login reads the request's user from g._login_user: set it so no session user leaks in.
    if user is None:
        from flask_login import AnonymousUserMixin
        user = AnonymousUserMixin()
    g._login_user = user


from cpms.api import views  # noqa: E402,F401  (routes of the foundation collections)
