"""Every computed indicator's longer periods agree with its quarters under the aggregation it declares
(cpms/indicators/registry.py AGGREGATIONS), on the demo data – every registered computation, taken from the
registry: those missing from a demo framework are added to it.

- sum: a half-year or year is the sum of its quarters, and the programme to date the sum of all its quarters;
- distinct: at least the largest quarter, at most the sum of the quarters;
- latest: the value of the last quarter begun that has one (so the programme to date is the last period's);
- ratio: between the lowest and the highest quarter.

Checked for the totals and the first disaggregation of each computation, in each fiscal year of each demo
programme that has begun. Observation 5 of issue 17: "Functional committees" was 3 in every quarter of FY2016 and
0 "off track" for the year.
"""
from datetime import date

import pytest
from sqlalchemy import func, select

from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.indicators.models import Indicator, ProgrammeIndicator, ResultNode, ResultsFramework
from cpms.indicators.registry import computations
from cpms.indicators.service import periods as P
from cpms.indicators.service.framework import programme_indicators, programme_span, programme_years, settings_of
from cpms.indicators.service.values import compute_many
from cpms.programmes.models import Programme
from tests.indicators.fixtures import new_indicator

EPS = 1e-6


def agrees(rule, whole, parts):
    """Whether a longer period's value agrees with its parts' (in time order) under the rule."""
    values = [v for v in parts if v is not None]
    if rule == "sum":
        return whole == pytest.approx(sum(values)) if whole is not None else not any(values)
    if rule == "latest":
        return whole == (values[-1] if values else None)
    if not values:
        return whole in (None, 0.0)
    if rule == "distinct":
        return whole is not None and max(values) - EPS <= whole <= sum(values) + EPS
    return whole is not None and min(values) - EPS <= whole <= max(values) + EPS  # ratio


def _ensure_every_computation(programme, pis):
    """The programme's computed indicators, one per registered computation (added to its framework if missing)."""
    from cpms.indicators.service import add_programme_indicator
    by_code = {pi.indicator.computation: pi for pi in pis if pi.indicator.is_computed}
    node = _db.session.scalar(select(ResultNode).where(ResultNode.programme_id == programme.id,
                                                       ResultNode.level == "output").order_by(ResultNode.id))
    for code, comp in computations().items():
        if code not in by_code:
            key = "T-" + code[:24].upper().replace("_", "-")
            indicator = _db.session.scalar(select(Indicator).where(Indicator.code == key)) or new_indicator(
                code=key, source="computed", computation=code, unit=comp.unit, disaggregations=comp.dimensions)
            by_code[code] = add_programme_indicator(programme, node_id=node.id, indicator_id=indicator.id,
                                                    code=key, baseline_value=None,
                                                    baseline_date=None, lop_target=None)
    _db.session.commit()
    return by_code


def _periods(programme, start_month, today):
    """{fiscal year: (year, [halves], [quarters], to-date span, [its pieces])} for the years that have begun."""
    plan = {}
    for year in programme_years(programme, start_month):
        if year.start > today:
            break
        to_date = programme_span(programme, start_month, until=min(year.end, today))
        quarters = [q for q in P.periods_between(year.start, year.end, "quarter", start_month)]
        halves = [P.make_period("half", year.fiscal_year, n, start_month) for n in (1, 2)]
        plan[year.fiscal_year] = (year, halves, quarters, to_date, P.quarter_pieces(to_date))
    return plan


def _check_year(rule, value, fy, plan_year, today, where, problems):
    year, halves, quarters, to_date, pieces = plan_year
    checks = [("year", year, quarters)] + [(h.key, h, [q for q in quarters if h.contains(q)]) for h in halves]
    checks.append(("to date", to_date, pieces))
    for name, whole, parts in checks:
        if rule == "latest":
            parts = [p for p in parts if p.start <= today]  # a state is not known before its quarter has begun
        if whole.start <= today and not agrees(rule, value(whole), [value(p) for p in parts]):
            problems.append(f"{where} FY{fy} {name}: {value(whole)} vs {[value(p) for p in parts]}")
    last = [value(p) for p in pieces if year.contains(p) and value(p) is not None]
    if rule == "latest" and last and value(to_date) != last[-1]:
        problems.append(f"{where} FY{fy}: to date {value(to_date)} is not the last period's {last[-1]}")


def _check_programme(programme, today, problems):
    start_month = settings_of(programme.id).fiscal_year_start_month
    pis = _ensure_every_computation(programme, programme_indicators(programme.id))
    plan = _periods(programme, start_month, today)
    periods = list(dict.fromkeys(p for year, halves, quarters, to_date, pieces in plan.values()
                                 for p in [year, *halves, *quarters, to_date, *pieces]))
    index = {p: i for i, p in enumerate(periods)}
    for code, pi in sorted(pis.items()):
        rule = computations()[code].aggregation
        dimension = (pi.indicator.disaggregations or [None])[0]
        figures = compute_many(programme.id, [pi], periods, scope=Scope.national(), dimensions=[None, dimension],
                               today=today)
        for dim, figs in figures.items():
            for category in [None] + (figs.categories.get(pi.id, []) if dim else []):
                def value(period, figs=figs, category=category):
                    return figs.get(pi.id, index[period], category)
                for fy, plan_year in plan.items():
                    _check_year(rule, value, fy, plan_year, today,
                                f"{programme.code} {code} ({rule}) {dim or ''} {category or ''}", problems)
    return pis


def _check_demo_today(today, web, client):
    """The programme running today has a framework with targets, a reporting period about to close (the current
    quarter ends this month) with one value entered and one missing, and a survey round being collected."""
    from cpms.indicators.demo import closing_fiscal_month
    from cpms.indicators.models import IndicatorValue, Target
    from cpms.programmes.demo import CURRENT_CODE
    from cpms.surveys.models import SurveyResponse, SurveyRound

    programme = _db.session.scalar(select(Programme).where(Programme.code == CURRENT_CODE))
    month = settings_of(programme.id).fiscal_year_start_month
    assert month == closing_fiscal_month(today)
    current = P.containing(today, "quarter", month)
    assert current.end.month == today.month and current.end.year == today.year  # closes at the end of this month
    pis = {pi.code: pi for pi in programme_indicators(programme.id)}
    assert {"ENT-DLG", "TRN-ENR", "CLSP-FUN", "SVY-TRU"} <= set(pis)
    assert _db.session.scalar(select(Target.value).where(Target.programme_indicator_id == pis["ENT-DLG"].id,
                                                         Target.period_kind == "quarter",
                                                         Target.period_start == current.start)) == 200
    values = _db.session.execute(select(IndicatorValue.status, IndicatorValue.commune_id).where(
        IndicatorValue.programme_indicator_id == pis["ENT-DLG"].id,
        IndicatorValue.period_start == current.start)).all()
    assert [status for status, _commune in values] == ["submitted"]  # Diulu entered, Kanshi missing
    assert _db.session.scalar(select(IndicatorValue.id).where(
        IndicatorValue.programme_indicator_id == pis["ENT-DLG"].id, IndicatorValue.status == "approved"))
    survey_round = _db.session.scalar(select(SurveyRound).where(SurveyRound.programme_id == programme.id))
    assert survey_round.start_date <= today <= survey_round.end_date
    responses = _db.session.scalar(select(func.count()).select_from(SurveyResponse)
                                   .where(SurveyResponse.round_id == survey_round.id))
    assert 0 < responses < 100
    web.post("/login", {"email": "suivi@demo.cpms.example", "password": "Cpms-demo-Kasai-05"})
    html = client.get(f"/indicators/programmes/{programme.id}/report?period={current.key}").get_data(as_text=True)
    assert "ENT-DLG" in html and current.label in html
    html = client.get(f"/surveys/rounds/{survey_round.id}").get_data(as_text=True)
    assert "Diulu" in html and "Kanshi" in html


def test_every_computed_indicator_agrees_with_its_quarters_on_the_demo_data(app, demo, web, client):
    """Also the demo's programme running today (its framework and survey round), on the same demo data."""
    with app.test_request_context():
        today = date.today()
        problems = []
        programmes = _db.session.scalars(select(Programme).join(ResultsFramework, ResultsFramework.programme_id ==
                                                                Programme.id).order_by(Programme.code)).all()
        assert len(programmes) >= 3
        checked = {}
        for programme in programmes:
            checked[programme.code] = _check_programme(programme, today, problems)
        assert not problems, "\n".join(problems[:40])

        # observation 5: the CLSPs functional in each quarter of FY2016 are functional in the year
        kor = next(p for p in programmes if p.code == "PDP-KOR-2015")
        pi = checked[kor.code]["functional_clsps"]
        fy2016 = P.parse_period("FY2016", 10)
        quarters = P.periods_between(fy2016.start, fy2016.end, "quarter", 10)
        figures = compute_many(kor.id, [pi], [*quarters, fy2016], scope=Scope.national(), today=today)[None]
        values = [figures.get(pi.id, i) for i in range(5)]
        assert values[3] and values[4] == values[3], values
        assert _db.session.scalar(select(ProgrammeIndicator.id).where(ProgrammeIndicator.id == pi.id))
        # … and the donor's yearly report says so: on track against the year's target of 3, not 0 "off track"
        from cpms.indicators.service.reports import build_report
        report = build_report(kor, fy2016, scope=Scope.national(), today=today)
        row = next(r for r in report.rows if r.pi.code == "CLSP-FUN" and r.category is None)
        assert row.actual == values[3] and row.target == 3 and row.status == "on_track", (row.actual, row.target)
    _check_demo_today(today, web, client)
