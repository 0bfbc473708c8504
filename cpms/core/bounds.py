"""Plausible values: the bounds every date, count and amount of money must respect, in forms, imports and the API.

One place says what "plausible" means, so that a form, a file import and the API refuse the same values with the
same message (in the user's language, saying what to fix):

- dates lie between CPMS_EARLIEST_DATE (default 2000-01-01) and CPMS_LATEST_YEARS_AHEAD years after today
  (default 10); a record that belongs to a programme checks its dates against the programme's own period with
  `check_within(...)`;
- counts of people lie between 0 and a limit that fits what is counted (`PEOPLE_AT_EVENT`, `PEOPLE_IN_COHORT`…);
- amounts of money lie between 0 and CPMS_MONEY_CEILING (default 100,000,000) in dollars, euros and other strong
  currencies, and CPMS_MONEY_CEILING_CDF (default 300,000,000,000) in Congolese francs;
- percentages lie between 0 and 100.

Services call the `check_*` functions (they raise DomainError); forms use the validators at the end, which call the
same functions. Nothing here touches the database.
"""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from wtforms.validators import ValidationError

from cpms.core.errors import DomainError

# sensible ceilings for counts of people (a crowd at a public event is the largest)
PEOPLE_AT_EVENT = 100_000
PEOPLE_AT_MEETING = 1_000
PEOPLE_IN_COHORT = 2_000
ITEMS = 100_000

DEFAULT_EARLIEST = date(2000, 1, 1)


def earliest_date():
    value = current_app.config.get("EARLIEST_DATE") or DEFAULT_EARLIEST
    return date.fromisoformat(value) if isinstance(value, str) else value


def latest_date(today=None):
    today = today or date.today()
    years = int(current_app.config.get("LATEST_YEARS_AHEAD", 10))
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def money_ceiling(currency=None):
    if (currency or "").upper() == "CDF":
        return Decimal(str(current_app.config.get("MONEY_CEILING_CDF", 300_000_000_000)))
    return Decimal(str(current_app.config.get("MONEY_CEILING", 100_000_000)))


def _label(label):
    return str(label) if label else _("This date")


def check_date(value, label=None):
    """`value` (a date or datetime) lies in the plausible range; returns it. None passes (optional fields)."""
    if value is None:
        return value
    day = value.date() if isinstance(value, datetime) else value
    low, high = earliest_date(), latest_date()
    if not low <= day <= high:
        raise DomainError(_("%(label)s must be between %(low)s and %(high)s.", label=_label(label),
                            low=format_date(low), high=format_date(high)))
    return value


def check_period(start, end, start_label=None, end_label=None):
    """Both dates plausible and `end` not before `start`."""
    check_date(start, start_label)
    check_date(end, end_label)
    if start is not None and end is not None and end < start:
        raise DomainError(_("%(end)s cannot be before %(start)s.", end=_label(end_label), start=_label(start_label)))


def check_within(value, start, end, label=None, period=None):
    """`value` lies within [start, end] (either bound may be None), e.g. a meeting within its programme."""
    if value is None:
        return value
    day = value.date() if isinstance(value, datetime) else value
    if (start is not None and day < start) or (end is not None and day > end):
        raise DomainError(_("%(label)s must be within %(period)s (%(start)s – %(end)s).", label=_label(label),
                            period=period or _("the programme"), start=format_date(start) if start else "…",
                            end=format_date(end) if end else "…"))
    return value


def check_count(value, label, maximum):
    """A whole number of people or things between 0 and `maximum`; None passes."""
    if value is None:
        return value
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= maximum:
        raise DomainError(_("%(label)s must be a whole number between 0 and %(maximum)s.", label=label,
                            maximum=format_decimal(maximum)))
    return value


def check_money(value, label, currency=None):
    """An amount between 0 and the configured ceiling of its currency; returns it as a Decimal. None passes."""
    if value is None:
        return value
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        amount = None
    ceiling = money_ceiling(currency)
    if amount is None or not amount.is_finite() or not 0 <= amount <= ceiling:
        raise DomainError(_("%(label)s must be an amount between 0 and %(ceiling)s.", label=label,
                            ceiling=format_decimal(ceiling)))
    return amount


def check_percent(value, label):
    if value is None:
        return value
    if not 0 <= value <= 100:
        raise DomainError(_("%(label)s must be between 0 and 100.", label=label))
    return value


# --- form validators (WTForms), calling the same checks -------------------------------------------------------

class _Check:
    def __init__(self, label=None):
        self.label = label

    def __call__(self, form, field):
        if field.data is None:
            return
        try:
            self.check(field.data, self.label or field.label.text)
        except DomainError as error:
            raise ValidationError(error.message) from None


class PlausibleDate(_Check):
    """A date (or date and time) within the configured plausible range."""

    def check(self, value, label):
        check_date(value, label)


class PlausibleMoney(_Check):
    """An amount of money between 0 and the ceiling of its currency (`currency_field`: the form's currency field,
    if it has one)."""

    def __init__(self, label=None, currency_field=None):
        super().__init__(label)
        self.currency_field = currency_field

    def __call__(self, form, field):
        self.currency = form[self.currency_field].data if self.currency_field and self.currency_field in form else None
        super().__call__(form, field)

    def check(self, value, label):
        check_money(value, label, self.currency)


class PlausibleCount(_Check):
    """A count of people or things between 0 and `maximum`."""

    def __init__(self, maximum, label=None):
        super().__init__(label)
        self.maximum = maximum

    def check(self, value, label):
        check_count(value, label, self.maximum)
