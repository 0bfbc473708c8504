"""/api/v1/users (admins), and whose personal API token a request carries."""
from sqlalchemy import select

from cpms.auth.models import User
from cpms.auth.service import user_for_api_token
from cpms.core.api import bp, token_user_finder
from cpms.core.api.helpers import described, fields, nullable, paginated
from cpms.core.permissions import ADMIN, require_role

token_user_finder(user_for_api_token)


def user_json(user):
    return {"id": user.id, "name": user.name, "email": user.email, "role": user.role, "locale": user.locale,
            "is_active": user.is_active, "provinces": [p.id for p in user.provinces],
            "communes": [c.id for c in user.communes],
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None}


@bp.route("/users")
@require_role(ADMIN)
@described(item=fields(id="integer", name="string", email="string", role="string", locale="string",
                       is_active="boolean", provinces={"type": "array", "items": {"type": "integer"}},
                       communes={"type": "array", "items": {"type": "integer"}},
                       last_login_at=nullable("string", "date-time")))
def users():
    """Users (admins only)."""
    return paginated(select(User).order_by(User.id), user_json)
