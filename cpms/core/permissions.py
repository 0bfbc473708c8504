"""Access declarations for views and area-scope helpers for queries and objects.

Every view function carries `_cpms_access`: either ("public",) or ("roles", frozenset_of_roles).
tests/core/test_access_matrix.py walks app.url_map and fails for any view without it.
"""
from functools import wraps

from flask import abort, request
from flask_login import current_user
from sqlalchemy import false, or_, true

ADMIN = "admin"
TRAINER = "trainer"
PROJECT_OFFICER = "project_officer"
ME_OFFICER = "me_officer"
VIEWER = "viewer"
ROLES = (ADMIN, TRAINER, PROJECT_OFFICER, ME_OFFICER, VIEWER)
ALL_ROLES = frozenset(ROLES)
# Roles that may see personal data of officers (names, matricules…); viewers see aggregates only.
STAFF_ROLES = frozenset({ADMIN, TRAINER, PROJECT_OFFICER, ME_OFFICER})


def public(view):
    """Declare a view open to everybody, logged in or not."""
    view._cpms_access = ("public", None)
    return view


def require_role(*roles):
    """Declare which roles may use a view; anonymous users are sent to the login page (401 on the API).

    `require_role()` with no role means any logged-in user.
    """
    allowed = frozenset(roles) if roles else ALL_ROLES
    unknown = allowed - ALL_ROLES
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.blueprint == "api":
                    abort(401)
                from cpms.extensions import login_manager
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                deny_access("role")
            return view(*args, **kwargs)

        wrapped._cpms_access = ("roles", allowed)
        return wrapped

    return decorator


def deny_access(reason):
    """Record a refused access in the audit log, then answer 403."""
    from cpms.core.audit import record_event_now

    record_event_now("access_denied", detail=f"{request.method} {request.path} ({reason})"[:500])
    abort(403)


# --- Area scopes -----------------------------------------------------------------------------

class Scope:
    """What part of the country a user may see.

    `full_province_ids`: provinces granted whole; `commune_ids`: communes granted one by one;
    `province_ids`: every province the user touches (for rows known only by province).
    A national scope (admins, users with no limit) has all three set to None.
    """

    def __init__(self, full_province_ids=None, commune_ids=None, province_ids=None):
        self.full_province_ids = full_province_ids
        self.commune_ids = commune_ids
        self.province_ids = province_ids

    @classmethod
    def national(cls):
        return cls()

    @classmethod
    def nothing(cls):
        return cls(set(), set(), set())

    @property
    def is_national(self):
        return self.province_ids is None

    def allows(self, province_id, commune_id=None):
        if self.is_national:
            return True
        if commune_id is not None:
            return province_id in self.full_province_ids or commune_id in self.commune_ids
        return province_id in self.province_ids

    def allows_any(self, province_ids):
        return self.is_national or bool(set(province_ids) & self.province_ids)

    def filter(self, province_column, commune_column=None):
        """A WHERE clause restricting rows to this scope (by commune where the row has one)."""
        if self.is_national:
            return true()
        if commune_column is None:
            return one_of(province_column, self.province_ids) if self.province_ids else false()
        clauses = []
        if self.full_province_ids:
            clauses.append(one_of(province_column, self.full_province_ids))
        if self.commune_ids:
            clauses.append(one_of(commune_column, self.commune_ids))
        return or_(*clauses) if clauses else false()


def one_of(column, ids):
    """`column IN ids`, or `column = id` for a single id (most areas are one province): the same rows, but an IN list
    is rewritten into the statement's SQL on every execution (SQLAlchemy's expanding parameter), even when the
    statement is cached or kept built."""
    ids = sorted(ids)
    return column == ids[0] if len(ids) == 1 else column.in_(ids)


def scope_of(user):
    """The Scope of a user; admins and users with no area limit see everything."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope.nothing()
    if user.role == ADMIN:
        return Scope.national()
    provinces, communes = user.area
    if not provinces and not communes:
        return Scope.national()
    commune_ids = {commune[0] for commune in communes}
    commune_provinces = {commune[2] for commune in communes}
    granted = {province[0] for province in provinces}
    # a province listed together with some of its communes is limited to those communes
    return Scope(full_province_ids=granted - commune_provinces, commune_ids=commune_ids,
                 province_ids=granted | commune_provinces)


def get_or_404(model, object_id, user=None, check=None):
    """Load an object by id or answer 404; `check(obj, scope)` decides whether the user may see it.

    Outside the user's area the answer is 404, not 403: the user must not learn that it exists.
    """
    from cpms.extensions import db

    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    if check is not None:
        scope = scope_of(user if user is not None else current_user)
        if not check(obj, scope):
            abort(404)
    return obj
