"""The engine's shortcuts give the same figures as the plain computations (issue 22), on the demo data: the grouped
forms (completion decided once per enrolment, retention once per certified officer, then counted in every period)
against the per-period statements, and a state's programme to date from its last quarters against all of them."""
from datetime import date

import pytest
from sqlalchemy import select

from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.indicators.registry import computations
from cpms.indicators.service import periods as P
from cpms.indicators.service.framework import programme_indicators
from cpms.indicators.service.values import compute_many
from cpms.programmes.models import Programme


@pytest.fixture
def programmes(app, demo):
    return _db.session.scalars(select(Programme).order_by(Programme.id)).all()


def _periods(programme):
    """Every quarter of the programme up to today, its years and the programme to date."""
    end = min(programme.end_date or date.today(), date.today())
    quarters = P.periods_between(programme.start_date, end, "quarter", 1)
    years = P.periods_between(programme.start_date, end, "year", 1)
    return quarters + years + [P.span(programme.start_date, end)]


def _figures(programme, pis, periods, dimensions):
    return {d: f.values for d, f in compute_many(programme.id, pis, periods, scope=Scope.national(),
                                                 dimensions=dimensions).items()}


def _assert_same(found, expected):
    assert set(found) == set(expected)
    for key, value in expected.items():
        assert found[key] == (None if value is None else pytest.approx(value)), key


def test_grouped_forms_agree_with_the_per_period_statements(app, programmes, monkeypatch):
    grouped = {code: comp for code, comp in computations().items() if comp.grouped is not None}
    assert {"officers_completed", "completion_rate", "retention_12_months", "retention_36_months"} <= set(grouped)
    checked = 0
    with app.test_request_context():
        for programme in programmes:
            pis = [pi for pi in programme_indicators(programme.id) if pi.indicator.computation in grouped]
            if not pis:
                continue
            periods = _periods(programme)
            dimensions = [None, "sex", "province", "rank"]
            fast = _figures(programme, pis, periods, dimensions)
            for comp in grouped.values():
                monkeypatch.setattr(comp, "grouped", None)
            plain = _figures(programme, pis, periods, dimensions)
            monkeypatch.undo()
            assert set(fast) == set(plain)
            for dimension in plain:
                _assert_same(fast[dimension], plain[dimension])
            checked += sum(1 for value in fast[None].values() if value)
    assert checked > 10  # figures that are not all empty were compared


def test_a_states_programme_to_date_from_its_last_quarters(app, programmes):
    """Totals alone take a state's longer periods from their last quarters first; with a disaggregation every
    quarter is computed: the totals agree."""
    to_date = 0
    with app.test_request_context():
        for programme in programmes:
            pis = [pi for pi in programme_indicators(programme.id)
                   if pi.indicator.is_computed and computations()[pi.indicator.computation].aggregation == "latest"]
            if not pis:
                continue
            periods = _periods(programme)
            totals = _figures(programme, pis, periods, [None])[None]
            both = _figures(programme, pis, periods, [None, "province"])
            _assert_same(totals, {k: v for k, v in both[None].items() if k[2] is None})
            to_date += sum(1 for (pid, index, c), v in totals.items() if index == len(periods) - 1 and v)
    assert to_date  # some programme to date of a state was compared
