"""Progress, budget variance, slippage and status colour: the rules, without the database."""
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cpms.stations.service import planned_dates
from cpms.stations.service.metrics import (
    budget_figures,
    is_overdue,
    milestone_delay,
    slippage_days,
    status_colour,
    weighted_progress,
)

TODAY = date(2016, 9, 1)


def test_progress_is_the_weight_of_reached_milestones_over_the_total():
    assert weighted_progress([(2, True), (3, True), (5, False), (10, False)]) == 25.0
    assert weighted_progress([(1, True), (2, False)]) == 33.3
    assert weighted_progress([(5, True), (0, False)]) == 100.0
    assert weighted_progress([]) is None
    assert weighted_progress([(0, True), (0, False)]) is None


@given(st.lists(st.tuples(st.integers(0, 100), st.booleans()), min_size=1, max_size=20))
def test_progress_stays_between_0_and_100(milestones):
    progress = weighted_progress(milestones)
    assert progress is None or 0 <= progress <= 100


def test_variance_and_share_used_of_a_budget():
    assert budget_figures(Decimal("100000"), Decimal("25000")) == (Decimal("75000"), Decimal("25.0"))
    variance, used = budget_figures(Decimal("46000"), Decimal("53240"))
    assert variance == Decimal("-7240") and used == Decimal("115.7")
    assert budget_figures(None, Decimal("10")) == (None, None)


def test_delay_of_one_milestone():
    assert milestone_delay(date(2016, 8, 1), date(2016, 8, 11), TODAY) == 10  # reached late
    assert milestone_delay(date(2016, 8, 1), date(2016, 7, 30), TODAY) == -2  # reached early
    assert milestone_delay(date(2016, 8, 1), None, TODAY) == 31  # open and overdue
    assert milestone_delay(date(2016, 10, 1), None, TODAY) is None  # not due yet
    assert milestone_delay(None, None, TODAY) is None
    assert is_overdue(date(2016, 8, 31), None, TODAY) and not is_overdue(TODAY, None, TODAY)
    assert not is_overdue(date(2016, 8, 1), date(2016, 8, 2), TODAY)


def test_slippage_is_the_longest_open_delay_or_else_the_last_reached_milestones_delay():
    plan = [(1, date(2016, 3, 1), date(2016, 3, 20)),   # 19 days late, but caught up since
            (2, date(2016, 5, 1), date(2016, 5, 3)),    # 2 days late: the latest reached milestone
            (3, date(2016, 10, 1), None)]                # not due yet
    assert slippage_days(plan, TODAY) == 2
    plan.append((4, date(2016, 7, 18), None))            # open since 18 July: 45 days overdue
    plan.append((5, date(2016, 8, 20), None))            # 12 days overdue
    assert slippage_days(plan, TODAY) == 45
    assert slippage_days([(1, date(2016, 5, 1), date(2016, 4, 20))], TODAY) == 0  # early is not negative
    assert slippage_days([], TODAY) == 0


def test_status_colour():
    base = dict(is_handed_over=False, is_over_budget=False, slippage=0, progress=50.0, budget_used=Decimal("50"))
    assert status_colour(**base) == "green"
    assert status_colour(**{**base, "slippage": 5}) == "amber"
    assert status_colour(**{**base, "budget_used": Decimal("61")}) == "amber"  # spending ahead of progress
    assert status_colour(**{**base, "slippage": 31}) == "red"
    assert status_colour(**{**base, "is_over_budget": True}) == "red"
    assert status_colour(**{**base, "is_over_budget": True, "is_handed_over": True}) == "done"


def test_planned_dates_are_spread_by_cumulative_weight():
    dates = planned_dates(date(2016, 1, 1), date(2016, 4, 10), [25, 25, 50])  # 100 days
    assert dates == [date(2016, 1, 26), date(2016, 2, 20), date(2016, 4, 10)]
    assert planned_dates(date(2016, 1, 1), date(2016, 1, 1), [1, 1]) == [date(2016, 1, 1)] * 2


def test_progress_series_plans_by_milestone_weight_and_carries_the_latest_report_to_its_month():
    from types import SimpleNamespace as NS

    from cpms.stations.service.metrics import progress_series
    project = NS(start_date=date(2016, 3, 10), planned_completion_date=date(2016, 6, 30))
    milestones = [NS(weight=30, planned_date=date(2016, 4, 15)), NS(weight=70, planned_date=date(2016, 6, 1)),
                  NS(weight=0, planned_date=None)]
    reports = [NS(id=2, report_date=date(2016, 4, 20), physical_progress=25),
               NS(id=1, report_date=date(2016, 3, 20), physical_progress=10)]
    ends, planned, actual = progress_series(project, milestones, reports)
    assert ends == [date(2016, 3, 31), date(2016, 4, 30), date(2016, 5, 31), date(2016, 6, 30)]
    assert planned == [0.0, 30.0, 30.0, 100.0]
    assert actual == [10, 25, None, None]  # nothing reported after April


def test_progress_series_without_planned_dates_follows_the_contract_time():
    from types import SimpleNamespace as NS

    from cpms.stations.service.metrics import progress_series
    project = NS(start_date=date(2016, 1, 1), planned_completion_date=date(2016, 2, 29))
    _ends, planned, actual = progress_series(project, [NS(weight=10, planned_date=None)], [])
    assert planned == [50.8, 100.0] and actual == [None, None]

