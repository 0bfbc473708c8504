"""/api/v1: personal API tokens, the UI's roles and area scopes, JSON errors, pagination.

Each domain adds its collections in `cpms/<domain>/api.py` on this blueprint; the domain that owns the accounts
(auth) tells it, with @token_user_finder, whose token a request carries.
"""
from flask import Blueprint, g, request

from cpms.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies are accepted here, only bearer tokens

_token_user_finders = []


def token_user_finder(func):
    """Register func(raw_token) -> the active user whose personal API token it is, or None."""
    _token_user_finders.append(func)
    return func


def _token_user(raw):
    for find in _token_user_finders:
        user = find(raw)
        if user is not None:
            return user
    return None


@bp.before_request
def check_paging():
    """`page` ≥ 1 and 1 ≤ `per_page` ≤ 100 on every API request, else 400 saying so (not silently clamped)."""
    from cpms.core.api.helpers import api_error, paging_problem
    problem = paging_problem()
    return api_error(400, problem) if problem else None


@bp.before_request
def authenticate_token():
    """Only `Authorization: Bearer <token>` authenticates on the API; the session cookie is ignored."""
    from cpms.extensions import db

    header = request.headers.get("Authorization", "")
    user = None
    if header.startswith("Bearer "):
        user = _token_user(header[len("Bearer "):].strip())
        if user is not None:
            db.session.commit()  # last_used_at
    # Flask-Login reads the request's user from g._login_user: set it so no session user leaks in.
    if user is None:
        from flask_login import AnonymousUserMixin
        user = AnonymousUserMixin()
    g._login_user = user


from cpms.core.api import views  # noqa: E402,F401  (the OpenAPI document)
