"""Factories for results frameworks and indicators (a pytest plugin: every test sees them)."""
from datetime import date
from types import SimpleNamespace

import pytest

from cpms.extensions import db as _db


def new_framework(programme, fy_month=1, check="refuse"):
    from cpms.indicators.service import save_node, save_settings

    save_settings(programme, fiscal_year_start_month=fy_month, target_check=check)
    goal = save_node(programme, level="goal", code="G", title_en="Communities trust their police",
                     title_fr="Les communautés font confiance à leur police")
    outcome = save_node(programme, level="outcome", code="OC1", parent_id=goal.id,
                        title_en="Police serve the population", title_fr="La police sert la population")
    output = save_node(programme, level="output", code="OP1.1", parent_id=outcome.id,
                       title_en="Officers trained in community policing",
                       title_fr="Des policiers formés à la police de proximité")
    _db.session.commit()
    return SimpleNamespace(programme=programme, goal=goal, outcome=outcome, output=output)


_counter = {"n": 0}


def new_indicator(code=None, source="entered", computation=None, unit="count", aggregation="sum", direction="higher",
                  disaggregations=(), param="", name_en=None, name_fr=None):
    from cpms.indicators.service import create_indicator

    _counter["n"] += 1
    indicator = create_indicator(code=code or f"IND-{_counter['n']}", name_en=name_en or f"Indicator {_counter['n']}",
                                 name_fr=name_fr or f"Indicateur {_counter['n']}", definition="", unit=unit, direction=direction,
                                 aggregation=aggregation, source=source, computation=computation,
                                 computation_param=param, disaggregations=list(disaggregations), is_active=True)
    _db.session.commit()
    return indicator


def add_indicator(framework, indicator, node=None, baseline=None, lop=None, code=None):
    from cpms.indicators.service import add_programme_indicator

    pi = add_programme_indicator(framework.programme, node_id=(node or framework.output).id,
                                 indicator_id=indicator.id, code=code or indicator.code, baseline_value=baseline,
                                 baseline_date=date(2015, 6, 30) if baseline is not None else None, lop_target=lop)
    _db.session.commit()
    return pi


@pytest.fixture
def make_framework(db, make_programme):
    def factory(programme=None, fy_month=1, check="refuse", **programme_fields):
        return new_framework(programme or make_programme(**programme_fields), fy_month, check)
    return factory


@pytest.fixture
def make_indicator(db):
    return new_indicator


@pytest.fixture
def add_to_framework(db):
    return add_indicator


@pytest.fixture
def computed_figures(app, db):
    """computed_figures(programme, computation, periods, dimension=None, scope=None, area=None, param="")
    → [{category or None: value} per period], through the report engine."""
    from cpms.core.permissions import Scope
    from cpms.indicators.registry import computation as find
    from cpms.indicators.service.values import Area, compute

    frameworks, indicators = {}, {}

    def run(programme, code, periods, dimension=None, scope=None, area=None, param="", today=None):
        comp = find(code)
        if programme.id not in frameworks:
            frameworks[programme.id] = new_framework(programme)
        if (programme.id, code, param) not in indicators:
            indicator = new_indicator(source="computed", computation=code, unit=comp.unit,
                                      aggregation=comp.aggregation, disaggregations=comp.dimensions, param=param)
            indicators[(programme.id, code, param)] = add_indicator(frameworks[programme.id], indicator)
        pi = indicators[(programme.id, code, param)]
        figures = compute(programme.id, [pi], periods, scope=scope or Scope.national(), area=area or Area(),
                          dimension=dimension, today=today)
        result = []
        for index in range(len(periods)):
            cells = {category: value for (pid, i, category), value in figures.values.items() if i == index}
            result.append(cells)
        return result, figures

    return run


def reporting_setup(make_programme, make_committee, make_meeting, approver):
    """A Kasaï-Oriental programme (fiscal year from October) with two indicators and data in FY2017-Q1
    (October–December 2016):

    - MTG (computed, meetings held; target FY2017-Q1: 3): CLSP Bipemba met on 10 October and 10 November 2016
      (and 10 January 2017, in Q2) → 2 of 3: 67 %, off track;
    - DLG (entered, dialogue participants; target FY2017-Q1: 100): 90 in Bipemba (40 women, 50 men), approved
      → 90 %, on track.
    """
    from datetime import datetime, timezone

    from cpms.core.permissions import Scope
    from cpms.indicators.service import entries, targets
    from tests.conftest import commune_id

    programme = make_programme(provinces=["Kasaï-Oriental"], code="PDP-TEST", start_date=date(2015, 10, 1),
                               end_date=date(2018, 9, 30))
    framework = new_framework(programme, fy_month=10)
    meetings = new_indicator(code="MTG", source="computed", computation="committee_meetings_held",
                             disaggregations=["commune", "committee_kind"], name_en="Meetings held")
    dialogues = new_indicator(code="DLG", disaggregations=["sex", "commune"], name_en="Dialogue participants")
    mtg = add_indicator(framework, meetings, lop=30)
    dlg = add_indicator(framework, dialogues, node=framework.outcome, lop=1000, baseline=0)
    targets.save_targets(mtg, programme, {"FY2017-Q1": 3})
    targets.save_targets(dlg, programme, {"FY2017-Q1": 100})
    committee = make_committee(programme=programme, commune="Bipemba", name="CLSP Bipemba")
    for month, year in ((10, 2016), (11, 2016), (1, 2017)):
        make_meeting(committee, when=datetime(year, month, 10, 9, tzinfo=timezone.utc))
    value = entries.save_value(None, Scope.national(), programme, dlg, period="FY2017-Q1", value=90,
                               commune_id=commune_id("Bipemba"), breakdowns={"sex": {"F": 40, "M": 50}},
                               evidence_url="https://drive.example.org/dlg.pdf", today=date(2017, 1, 15))
    entries.review_value(approver, value, approve=True)
    _db.session.commit()
    return SimpleNamespace(programme=programme, framework=framework, mtg=mtg, dlg=dlg, committee=committee,
                           value=value)


@pytest.fixture
def make_reporting(db, make_programme, make_committee, make_meeting):
    """make_reporting(approver): the quarter of `reporting_setup`, its value approved by `approver`."""
    def factory(approver):
        return reporting_setup(make_programme, make_committee, make_meeting, approver)
    return factory


@pytest.fixture
def reporting(make_reporting, make_user):
    return make_reporting(make_user("me_officer"))


@pytest.fixture
def make_pictures(db, make_programme):
    """make_pictures(approver): the programme of `pictures_setup` (for other domains' tests, e.g. the journeys)."""
    return lambda approver: pictures_setup(make_programme, approver)


def pictures_setup(make_programme, approver):
    """A programme of Kasaï-Oriental and Haut-Katanga (fiscal year = calendar year) with PAT, joint patrols
    (entered, by province; baseline 10), approved values in Bipemba and Kampemba:

    2016-Q1: 12 + 6 = 18 (target 20); 2016-Q2: 25 + 10 = 35 (target 30); 2016-Q3: 1 200 + 300 = 1 500 (target 1 000).
    """
    from cpms.core.permissions import Scope
    from cpms.indicators.service import entries, targets
    from tests.conftest import commune_id

    programme = make_programme(provinces=["Kasaï-Oriental", "Haut-Katanga"], code="PDP-MAP",
                               start_date=date(2016, 1, 1), end_date=date(2018, 12, 31))
    framework = new_framework(programme)
    patrols = new_indicator(code="PAT", disaggregations=["province"], name_en="Joint patrols",
                            name_fr="Patrouilles conjointes")
    pi = add_indicator(framework, patrols, baseline=10, lop=400)
    targets.save_targets(pi, programme, {"2016-Q1": 20, "2016-Q2": 30, "2016-Q3": 1000})
    for period, bipemba, kampemba in (("2016-Q1", 12, 6), ("2016-Q2", 25, 10), ("2016-Q3", 1200, 300)):
        for commune, figure in (("Bipemba", bipemba), ("Kampemba", kampemba)):
            value = entries.save_value(None, Scope.national(), programme, pi, period=period, value=figure,
                                       commune_id=commune_id(commune), today=date(2016, 12, 1),
                                       evidence_url="https://drive.example.org/patrols.pdf")
            entries.review_value(approver, value, approve=True)
    _db.session.commit()
    return SimpleNamespace(programme=programme, pi=pi)
