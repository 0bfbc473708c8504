"""Factories for results frameworks and indicators (a pytest plugin: every test sees them)."""
from datetime import date
from types import SimpleNamespace

import pytest

from cpms.extensions import db as _db


def new_framework(programme, fy_month=1, check="refuse"):
    from cpms.indicators.service import save_node, save_settings

    save_settings(None, programme, fiscal_year_start_month=fy_month, target_check=check)
    goal = save_node(None, programme, level="goal", code="G", title_en="Communities trust their police",
                     title_fr="Les communautés font confiance à leur police")
    outcome = save_node(None, programme, level="outcome", code="OC1", parent_id=goal.id,
                        title_en="Police serve the population", title_fr="La police sert la population")
    output = save_node(None, programme, level="output", code="OP1.1", parent_id=outcome.id,
                       title_en="Officers trained in community policing",
                       title_fr="Des policiers formés à la police de proximité")
    _db.session.commit()
    return SimpleNamespace(programme=programme, goal=goal, outcome=outcome, output=output)


_counter = {"n": 0}


def new_indicator(code=None, source="entered", computation=None, unit="count", aggregation="sum", direction="higher",
                  disaggregations=(), param="", name_en=None):
    from cpms.indicators.service import create_indicator

    _counter["n"] += 1
    indicator = create_indicator(None, code=code or f"IND-{_counter['n']}", name_en=name_en or f"Indicator {_counter['n']}",
                                 name_fr=f"Indicateur {_counter['n']}", definition="", unit=unit, direction=direction,
                                 aggregation=aggregation, source=source, computation=computation,
                                 computation_param=param, disaggregations=list(disaggregations), is_active=True)
    _db.session.commit()
    return indicator


def add_indicator(framework, indicator, node=None, baseline=None, lop=None, code=None):
    from cpms.indicators.service import add_programme_indicator

    pi = add_programme_indicator(None, framework.programme, node_id=(node or framework.output).id,
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
    from cpms.indicators.values import Area, compute

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
