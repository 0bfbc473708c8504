"""Reporting periods in a programme's fiscal year: quarters, half-years, years.

A fiscal year is named after the calendar year in which it ends, as donors do: with a fiscal year starting in
October, FY2017 runs from 1 October 2016 to 30 September 2017 and its first quarter is October–December 2016.
With a January start the fiscal year is the calendar year. Keys: `FY2017-Q1`, `FY2017-H2`, `FY2017` (the `FY`
prefix is optional when parsing, and left out for calendar years: `2017-Q1`).
"""
import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date

MONTHS_IN = {"quarter": 3, "half": 6, "year": 12}
PER_YEAR = {"quarter": 4, "half": 2, "year": 1}
_KEY = re.compile(r"^(?:FY)?(\d{4})(?:-?([QH])([1-4]))?$", re.IGNORECASE)


def add_months(day, months):
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def fiscal_year_of(day, start_month):
    if start_month == 1:
        return day.year
    return day.year + 1 if day.month >= start_month else day.year


def fiscal_year_start(fiscal_year, start_month):
    return date(fiscal_year if start_month == 1 else fiscal_year - 1, start_month, 1)


@dataclass(frozen=True)
class Period:
    kind: str  # quarter, half, year, or span (any range, e.g. the programme to date)
    start: date
    end: date
    fiscal_year: int | None = None
    number: int | None = None
    start_month: int = 1

    @property
    def key(self):
        if self.kind == "span":
            return f"{self.start.isoformat()}..{self.end.isoformat()}"
        prefix = "" if self.start_month == 1 else "FY"
        suffix = {"quarter": f"-Q{self.number}", "half": f"-H{self.number}", "year": ""}[self.kind]
        return f"{prefix}{self.fiscal_year}{suffix}"

    @property
    def label(self):
        return self.key.replace("-", " ") if self.kind != "span" else self.range_label

    @property
    def range_label(self):
        return f"{format_date(self.start, 'MMM yyyy')} – {format_date(self.end, 'MMM yyyy')}"

    def contains(self, other):
        return self.start <= other.start and other.end <= self.end

    def quarters(self):
        """The fiscal quarters inside this period (for a span: those that lie wholly inside it)."""
        if self.kind == "quarter":
            return [self]
        found, day = [], self.start
        first = containing(day, "quarter", self.start_month)
        while first.start <= self.end:
            if self.contains(first):
                found.append(first)
            first = following(first)
        return found


def make_period(kind, fiscal_year, number, start_month):
    if kind not in MONTHS_IN:
        raise ValueError(f"unknown period kind {kind!r}")
    if not 1 <= number <= PER_YEAR[kind]:
        raise ValueError(f"{kind} number must be between 1 and {PER_YEAR[kind]}")
    start = add_months(fiscal_year_start(fiscal_year, start_month), (number - 1) * MONTHS_IN[kind])
    end = add_months(start, MONTHS_IN[kind]) - timedelta(days=1)
    return Period(kind, start, end, fiscal_year, number, start_month)


def containing(day, kind, start_month):
    """The period of this kind that contains the day."""
    fiscal_year = fiscal_year_of(day, start_month)
    begin = fiscal_year_start(fiscal_year, start_month)
    months = (day.year - begin.year) * 12 + day.month - begin.month
    return make_period(kind, fiscal_year, months // MONTHS_IN[kind] + 1, start_month)


def following(period):
    if period.number < PER_YEAR[period.kind]:
        return make_period(period.kind, period.fiscal_year, period.number + 1, period.start_month)
    return make_period(period.kind, period.fiscal_year + 1, 1, period.start_month)


def periods_between(start, end, kind, start_month):
    """Every period of a kind from the one containing `start` to the one containing `end`."""
    if end < start:
        return []
    found = [containing(start, kind, start_month)]
    while found[-1].end < end:
        found.append(following(found[-1]))
    return found


def parse_period(key, start_month):
    """A Period from its key (FY2017-Q1, 2017-H2, FY2017…); ValueError when the key is not one."""
    match = _KEY.match((key or "").strip())
    if not match:
        raise ValueError(f"not a period: {key!r}")
    year, letter, number = match.groups()
    kind = {"Q": "quarter", "H": "half", None: "year"}[letter.upper() if letter else None]
    return make_period(kind, int(year), int(number or 1), start_month)


def span(start, end, start_month=1):
    return Period("span", start, end, None, None, start_month)


def period_from_dates(kind, start, start_month):
    """The period of a kind that starts on `start` (None when no period of that kind starts that day)."""
    period = containing(start, kind, start_month)
    return period if period.start == start else None


def quarter_pieces(period):
    """The quarters a period is made of, the first and last cut to the period (a span may start or end inside a
    quarter): the pieces a "latest" indicator's figure is read from, and that the aggregation rules are checked on."""
    if period.kind == "quarter":
        return [period]
    pieces = []
    for quarter in periods_between(period.start, period.end, "quarter", period.start_month):
        if quarter.start >= period.start and quarter.end <= period.end:
            pieces.append(quarter)
        else:
            pieces.append(span(max(quarter.start, period.start), min(quarter.end, period.end), period.start_month))
    return pieces
