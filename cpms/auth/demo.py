"""Demo accounts: one per role (the list, with passwords, is DEMO_USERS in cpms/core/demo.py)."""
from sqlalchemy import select

from cpms.core.demo import DEMO_USERS, demo_loader
from cpms.extensions import db


@demo_loader
def load_users(context):
    from cpms.auth.service import create_user
    from cpms.geo.models import Province

    provinces = {p.name: p.id for p in db.session.scalars(select(Province))}
    users = {}
    for spec in DEMO_USERS:
        users[spec["email"]] = create_user(
            name=spec["name"], email=spec["email"], role=spec["role"], password=spec["password"],
            locale=spec["locale"], province_ids=[provinces[name] for name in spec["provinces"]])
    context["users"] = users
    return {"users": len(users)}
