"""Fiscal periods: a fiscal year named after the year it ends, quarters and half-years inside it."""
from datetime import date

import pytest

from cpms.indicators.service import periods as P


def test_october_fiscal_year_is_named_after_the_year_it_ends():
    fy = P.parse_period("FY2017", 10)
    assert (fy.start, fy.end) == (date(2016, 10, 1), date(2017, 9, 30))
    q1 = P.parse_period("FY2017-Q1", 10)
    assert (q1.start, q1.end, q1.key) == (date(2016, 10, 1), date(2016, 12, 31), "FY2017-Q1")
    h2 = P.parse_period("2017H2", 10)
    assert (h2.start, h2.end) == (date(2017, 4, 1), date(2017, 9, 30))
    assert P.containing(date(2016, 11, 15), "quarter", 10).key == "FY2017-Q1"
    assert P.containing(date(2016, 9, 30), "year", 10).key == "FY2016"


def test_calendar_years_have_no_prefix_and_quarters_cover_the_year():
    q = P.parse_period("2016-Q3", 1)
    assert (q.start, q.end, q.key) == (date(2016, 7, 1), date(2016, 9, 30), "2016-Q3")
    year = P.parse_period("2016", 1)
    assert [p.key for p in year.quarters()] == ["2016-Q1", "2016-Q2", "2016-Q3", "2016-Q4"]
    assert [p.key for p in P.periods_between(date(2015, 11, 1), date(2016, 2, 1), "quarter", 1)] == ["2015-Q4", "2016-Q1"]


@pytest.mark.parametrize("key", ["", "2017-Q5", "2017-H3", "FY17", "2017-X1"])
def test_bad_keys_are_refused(key):
    with pytest.raises(ValueError):
        P.parse_period(key, 1)
