"""Plausible values (cpms/core/bounds.py): the same refusals for forms, imports and the API."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale

from cpms.core import bounds
from cpms.core.errors import DomainError


def test_dates_outside_the_configured_range_are_refused_with_the_range(app):
    with app.test_request_context(), force_locale("en"):
        assert bounds.check_date(date(2016, 3, 29), "Start") == date(2016, 3, 29)
        with pytest.raises(DomainError) as early:
            bounds.check_date(date(1850, 1, 1), "Start")
        assert "Start must be between" in early.value.message and "2000" in early.value.message
        with pytest.raises(DomainError):
            bounds.check_date(datetime(9999, 12, 31, 10, 0), "End")
        with pytest.raises(DomainError) as backwards:
            bounds.check_period(date(2016, 8, 28), date(2016, 3, 29), "Start", "End")
        assert "End cannot be before Start" in backwards.value.message


def test_the_range_follows_the_configuration(app):
    app.config["EARLIEST_DATE"] = "1990-01-01"
    try:
        with app.test_request_context():
            assert bounds.check_date(date(1995, 6, 1), "Birth") == date(1995, 6, 1)
    finally:
        app.config["EARLIEST_DATE"] = "2000-01-01"


def test_counts_and_money_have_ceilings_and_french_messages(app):
    with app.test_request_context():
        assert bounds.check_count(25, "Women", bounds.PEOPLE_AT_MEETING) == 25
        with pytest.raises(DomainError):
            bounds.check_count(99_999_999_999, "Women", bounds.PEOPLE_AT_MEETING)
        with pytest.raises(DomainError):
            bounds.check_count(-1, "Women", bounds.PEOPLE_AT_MEETING)
        assert bounds.check_money("125000.50", "Contract") == Decimal("125000.50")
        with force_locale("fr"), pytest.raises(DomainError) as huge:
            bounds.check_money(10**18, "Montant du contrat")
        assert "Montant du contrat doit être un montant entre 0 et" in huge.value.message
        with pytest.raises(DomainError):
            bounds.check_money("NaN", "Contract")
        # 137,200,000 Congolese francs is about 50,000 dollars: plausible in CDF, not in USD
        assert bounds.check_money(137_200_000, "Contract", "CDF") == Decimal(137_200_000)
        with pytest.raises(DomainError):
            bounds.check_money(137_200_000, "Contract", "USD")
