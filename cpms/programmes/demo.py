"""Demo programmes in Mbuji-Mayi, Lubumbashi and the Kasai region."""
from sqlalchemy import select

from cpms.core.demo import demo_loader
from cpms.extensions import db


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
    context["programmes"] = {spec["code"]: create_programme(**spec) for spec in specs}
    return {"programmes": len(specs)}
