"""The demo's reporting period about to close: whatever the day the demo is loaded, the current quarter of the
programme running today ends at the end of this month (the full demo is checked in test_aggregation_rules.py)."""
from datetime import date

import pytest

from cpms.indicators.demo import closing_fiscal_month
from cpms.indicators.service import periods as P


@pytest.mark.parametrize("month", range(1, 13))
def test_the_current_quarter_closes_this_month(month):
    for day in (date(2026, month, 1), date(2027, month, 28)):
        start_month = closing_fiscal_month(day)
        quarter = P.containing(day, "quarter", start_month)
        assert (quarter.end.year, quarter.end.month) == (day.year, day.month)
        assert start_month in range(1, 13)
    assert closing_fiscal_month(date(2026, 12, 6)) == 1  # calendar quarters when they close this month
