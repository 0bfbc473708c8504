"""Station indicators against hand-computed construction projects."""
from datetime import date
from decimal import Decimal

import pytest

from cpms.extensions import db as _db
from cpms.indicators.service import periods as P
from cpms.stations import service as stations
from cpms.stations.reference import CHECKLIST_ITEMS
from tests.conftest import commune_id

Q3, Q4, YEAR = (P.parse_period(k, 1) for k in ("2016-Q3", "2016-Q4", "2016"))
ALL_TICKED = {item: True for item in CHECKLIST_ITEMS}


@pytest.fixture
def portfolio(make_station, make_project, make_programme, reach_milestones):
    """Bipemba (Kasaï-Oriental), one programme:

    | station | kind | checklist | handover | spent (USD) |
    | Bipemba station | new build | complete, 1 Aug 2016 | final, 15 Sep 2016 (Q3) | 30,000 (Jul) + 10,000 (Oct) |
    | Tshiala sub-station | rehabilitation | complete, 1 Nov 2016 | final, 20 Nov 2016 (Q4) | 5,000 (Nov) |
    | Bonzola sub-station | new build | 4 items of 6 | – | – |
    | Muya post | equipment | complete | final, 1 Dec 2016 – equipment is not a building: not counted | 2,000,000 CDF |
    """
    programme = make_programme(provinces=["Kasaï-Oriental"])
    specs = [("Bipemba station", "Bipemba", "new_build", "USD"), ("Tshiala sub-station", "Bipemba", "rehabilitation", "USD"),
             ("Bonzola sub-station", "Bipemba", "new_build", "USD"), ("Muya post", "Muya", "equipment", "CDF")]
    projects = []
    for name, commune, kind, currency in specs:
        station = make_station(commune=commune, name=name)
        projects.append(make_project(station=station, programme=programme, kind=kind, currency=currency,
                                     start_date=date(2016, 3, 1)))
    bipemba, tshiala, bonzola, muya = projects
    stations.save_checklist(bipemba, checked_on=date(2016, 8, 1), notes="", **ALL_TICKED)
    stations.save_checklist(tshiala, checked_on=date(2016, 11, 1), notes="", **ALL_TICKED)
    stations.save_checklist(bonzola, checked_on=date(2016, 8, 1), notes="",
                            **{item: i < 4 for i, item in enumerate(CHECKLIST_ITEMS)})
    stations.save_checklist(muya, checked_on=date(2016, 8, 1), notes="", **ALL_TICKED)
    for project, day in ((bipemba, date(2016, 9, 15)), (tshiala, date(2016, 11, 20)), (muya, date(2016, 12, 1))):
        reach_milestones(project, date(2016, 9, 1), date.today())  # a final acceptance needs the required milestones
        stations.record_handover(None, project, handover_date=day, police_representative="CP Kalala",
                                 defects="", is_final_acceptance=True)
    for project, day, amount in ((bipemba, date(2016, 7, 10), 30000), (bipemba, date(2016, 10, 5), 10000),
                                 (tshiala, date(2016, 11, 2), 5000), (muya, date(2016, 11, 2), 2000000)):
        stations.record_expenditure(project, spent_on=day, amount=Decimal(amount), description="Travaux")
    _db.session.commit()
    return programme


def test_stations_handed_over(portfolio, computed_figures):
    cells, _f = computed_figures(portfolio, "stations_handed_over", [Q3, Q4, YEAR], dimension="project_kind")
    assert cells[0] == {None: 1.0, "new_build": 1.0}
    assert cells[1] == {None: 1.0, "rehabilitation": 1.0}
    assert cells[2] == {None: 2.0, "new_build": 1.0, "rehabilitation": 1.0}
    by_commune, _f = computed_figures(portfolio, "stations_handed_over", [YEAR], dimension="commune")
    assert by_commune[0] == {None: 2.0, str(commune_id("Bipemba")): 2.0}


def test_share_meeting_the_gender_checklist_at_the_end_of_the_period(portfolio, computed_figures):
    cells, _f = computed_figures(portfolio, "stations_gender_compliant", [Q3, Q4], dimension="commune")
    # end of Q3: Bipemba and Muya complete (Tshiala checked only in November) → 2 of 4
    assert cells[0] == {None: 50.0, str(commune_id("Bipemba")): pytest.approx(100 / 3),
                        str(commune_id("Muya")): 100.0}
    assert cells[1][None] == 75.0


def test_budget_spent_in_one_currency(portfolio, computed_figures):
    cells, _f = computed_figures(portfolio, "construction_budget_spent", [Q3, Q4, YEAR])
    assert [c[None] for c in cells] == [30000.0, 15000.0, 45000.0]
    cdf, _f = computed_figures(portfolio, "construction_budget_spent", [YEAR], param="CDF")
    assert cdf[0][None] == 2000000.0
