"""Demo accounts: one per role (DEMO_USERS, with their passwords, which `make run` prints)."""
from sqlalchemy import func, select

from cpms.core.demo import demo_loader
from cpms.extensions import db

DEMO_USERS = [
    {"email": "admin@demo.cpms.example", "password": "Cpms-demo-Kasai-01", "role": "admin",
     "name": "Odette Mwamba", "provinces": [], "locale": "fr"},
    {"email": "formateur@demo.cpms.example", "password": "Cpms-demo-Kasai-02", "role": "trainer",
     "name": "Jean-Pierre Kabongo Tshibangu", "provinces": ["Kasaï-Oriental"], "locale": "fr"},
    {"email": "projet@demo.cpms.example", "password": "Cpms-demo-Kasai-03", "role": "project_officer",
     "name": "Chantal Ngalula Mbuyi", "provinces": ["Kasaï-Oriental"], "locale": "fr"},
    {"email": "projet.lubumbashi@demo.cpms.example", "password": "Cpms-demo-Katanga-04", "role": "project_officer",
     "name": "Patrick Ilunga Kasongo", "provinces": ["Haut-Katanga"], "locale": "fr"},
    {"email": "suivi@demo.cpms.example", "password": "Cpms-demo-Kasai-05", "role": "me_officer",
     "name": "Grace Kalala Ntumba", "provinces": [], "locale": "en"},
    {"email": "bailleur@demo.cpms.example", "password": "Cpms-demo-Kasai-06", "role": "viewer",
     "name": "Sarah Lindqvist", "provinces": [], "locale": "en"},
]


def database_is_empty():
    """Whether no account exists yet (the demo data loads into such a database only, unless forced)."""
    from cpms.auth.models import User
    return not db.session.scalar(select(func.count()).select_from(User))


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
