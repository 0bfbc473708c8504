"""The invented demonstration dataset. Each domain adds a loader with @demo_loader; they run in order.

Names, e-mail addresses and figures are invented, in the spirit of the programme documents.
"""
from sqlalchemy import func, select

from cpms.extensions import db

_loaders = []

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


def demo_loader(func):
    _loaders.append(func)
    return func


def database_is_empty():
    from cpms.auth.models import User
    return not db.session.scalar(select(func.count()).select_from(User))


def load_demo():
    """Run every domain's loader; returns {what: count}. The caller commits."""
    summary = {}
    context = {}
    for loader in _loaders:
        summary.update(loader(context) or {})
        db.session.flush()
    return summary


@demo_loader
def load_users(context):
    from cpms.auth.service import create_user
    from cpms.geo.models import Province

    provinces = {p.name: p.id for p in db.session.scalars(select(Province))}
    users = {}
    for spec in DEMO_USERS:
        users[spec["email"]] = create_user(
            None, name=spec["name"], email=spec["email"], role=spec["role"], password=spec["password"],
            locale=spec["locale"], province_ids=[provinces[name] for name in spec["provinces"]])
    context["users"] = users
    return {"users": len(users)}


@demo_loader
def load_programmes(context):
    from datetime import date

    from cpms.geo.models import Province
    from cpms.programmes.service import create_programme

    provinces = {p.name: p.id for p in db.session.scalars(select(Province))}
    specs = [
        dict(code="PDP-KOR-2015", name="Police de proximité – Mbuji-Mayi 2015–2020",
             donors="INL (United States), Canada", start_date=date(2015, 4, 1), end_date=date(2020, 12, 31),
             requires_vetting=True, province_ids=[provinces["Kasaï-Oriental"]],
             description="Basic community-policing training for PNC officers of Bipemba, Muya and Dibindi, "
                         "construction of a station and four sub-stations in Bipemba, and local security "
                         "committees (CLSP) with the population."),
        dict(code="PDP-HKT-2016", name="Police de proximité – Lubumbashi 2016–2019",
             donors="INL (United States)", start_date=date(2016, 1, 1), end_date=date(2019, 12, 31),
             requires_vetting=True, province_ids=[provinces["Haut-Katanga"]],
             description="Community, border and mining policing courses in Lubumbashi, a station and four "
                         "sub-stations in Kampemba, training of trainers at the police academy."),
        dict(code="STAB-KAS-2021", name="Stabilisation communautaire – Kasaï 2021–2024",
             donors="United Kingdom", start_date=date(2021, 1, 1), end_date=date(2024, 12, 31),
             requires_vetting=False, province_ids=[provinces["Kasaï"], provinces["Kasaï-Central"],
                                                   provinces["Kasaï-Oriental"]],
             description="Transition and recovery in the Kasai region: community policing, border "
                         "management at Kamako, local security plans."),
    ]
    context["programmes"] = {spec["code"]: create_programme(None, **spec) for spec in specs}
    return {"programmes": len(specs)}
