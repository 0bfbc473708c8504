"""Demo programmes in Mbuji-Mayi, Lubumbashi and the Kasai region: three historical ones (2015–2024, with their
historical dates) and one running today, whose dates are computed from the day the demo is loaded, so that the
demo always has a cohort in progress, meetings this week, actions due and a reporting period about to close.

The running programme is `context["current_programme"]`; its code is CURRENT_CODE. Each domain's demo builds its
part of today's work on it (see docs/domains.md, "The demo").
"""
from datetime import date

from sqlalchemy import select

from cpms.core.demo import demo_loader
from cpms.extensions import db


@demo_loader
def load_programmes(context):
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
    # the historical programmes; the one running today is apart, each domain adds today's work to it
    context["programmes"] = {spec["code"]: create_programme(**spec) for spec in specs}
    context["current_programme"] = create_programme(**current_programme_spec(provinces))
    return {"programmes": len(specs) + 1}


CURRENT_CODE = "PDP-MBM-ACTUEL"


def current_period(today=None):
    """(start, end) of the programme running today: it began on 1 January of last year and ends on 31 December
    of next year, whatever the day the demo is loaded."""
    today = today or date.today()
    return date(today.year - 1, 1, 1), date(today.year + 1, 12, 31)


def current_programme_spec(provinces):
    start, end = current_period()
    return dict(code=CURRENT_CODE, name=f"Police de proximité – Mbuji-Mayi {start.year}–{end.year}",
                donors="Union européenne", start_date=start, end_date=end, requires_vetting=True,
                province_ids=[provinces["Kasaï-Oriental"]],
                description="Second phase in Mbuji-Mayi: community-policing courses for the officers of Diulu and "
                            "Kanshi, local security committees, and the rehabilitation of the Diulu station.")
