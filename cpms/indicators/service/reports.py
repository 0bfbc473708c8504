"""The indicator report of a programme: for a chosen period, area and disaggregation, each indicator's baseline,
target, actual, % of target, status and trend, with the life of the programme to date.

Status (on track / at risk / off track) compares the actual with the target: the ratio actual ÷ target (target ÷
actual for lower-is-better indicators) is on track from INDICATOR_ON_TRACK (default 0.9), at risk from
INDICATOR_AT_RISK (0.7), off track below. Without a target or an actual there is no status.

In a locked period the actual is the figure frozen at the lock; the figure the data give today is shown beside it
with the difference. The other locked periods of the trend are read from their snapshots, not computed again; the
open periods and the programme to date follow the data. Locked figures are the programme's as a whole: a report
for one province or commune (or by a user limited to an area) shows the data as they are, with a note.

For "latest" indicators (states such as functional committees or a survey share) the programme to date is the
latest value, not a computation over the whole span.

A report runs a fixed number of queries: settings, indicators, targets, one per computed indicator (one for the
indicators of a family, e.g. the two of completion), two for entered values, locks and their figures, category
labels.
"""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _

from cpms.indicators.reference import DIMENSIONS, STATUSES
from cpms.indicators.service import periods as P
from cpms.indicators.service.framework import programme_indicators, programme_span, settings_of
from cpms.indicators.service.locking import snapshots_by_dimension
from cpms.indicators.service.targets import target_of, targets_by_period
from cpms.indicators.service.values import Area, Figures, category_labels, compute_many, dimension_for

TREND_LENGTH = 8


def status_of(actual, target, direction, on_track=None, at_risk=None):
    """on_track, at_risk, off_track, or None without a target or an actual."""
    if actual is None or target is None:
        return None
    on_track = current_app.config["INDICATOR_ON_TRACK"] if on_track is None else on_track
    at_risk = current_app.config["INDICATOR_AT_RISK"] if at_risk is None else at_risk
    if direction == "lower":
        ratio = 1.0 if actual == 0 else target / actual
    else:
        ratio = 1.0 if target == 0 else actual / target
    if ratio >= on_track:
        return "on_track"
    return "at_risk" if ratio >= at_risk else "off_track"


def percent_of(actual, target):
    if actual is None or not target:
        return None
    return 100.0 * actual / target


def format_value(value, unit):
    if value is None:
        return "–"
    if unit == "percentage":
        return format_decimal(round(value, 1)) + " %"
    if unit == "amount":
        return format_decimal(round(value, 0))
    if unit == "count" and float(value).is_integer():
        return format_decimal(int(value))
    return format_decimal(round(value, 2))


@dataclass
class Point:
    period: object
    value: float | None
    target: float | None


@dataclass
class Row:
    pi: object
    category: str | None
    label: str
    baseline: float | None
    target: float | None
    actual: float | None
    to_date: float | None
    trend: list
    live: float | None = None  # in a locked period: today's figure, when it differs from the frozen one
    is_frozen: bool = False

    @property
    def unit(self):
        return self.pi.indicator.unit

    @property
    def percent(self):
        return percent_of(self.actual, self.target)

    @property
    def status(self):
        return status_of(self.actual, self.target, self.pi.indicator.direction)

    @property
    def status_label(self):
        return STATUSES.get(self.status, "") if self.status else ""

    @property
    def lop_percent(self):
        return percent_of(self.to_date, self.pi.lop_target) if self.category is None else None

    @property
    def lop_progress(self):
        """Progress towards the life-of-programme target, 0–100 (for lower-is-better indicators: target ÷ actual)."""
        target = self.pi.lop_target
        if self.category is not None or self.to_date is None or target is None:
            return None
        if self.pi.indicator.direction == "lower":
            return 100.0 if self.to_date <= target else 100.0 * target / self.to_date
        return 100.0 if not target else min(100.0, 100.0 * self.to_date / target)

    @property
    def change(self):
        if self.actual is None or self.baseline is None:
            return None
        return self.actual - self.baseline

    @property
    def difference(self):
        """Today's figure minus the frozen one, in a locked period (None when they agree)."""
        if not self.is_frozen or (self.live is None and self.actual is None):
            return None
        if self.live is None or self.actual is None:
            return (self.live or 0.0) - (self.actual or 0.0)
        return self.live - self.actual if abs(self.live - self.actual) > 1e-9 else None

    def fmt(self, value):
        return format_value(value, self.unit)

    def fmt_change(self, value):
        """A difference with its sign; percentage points for percentages."""
        if value is None:
            return ""
        sign = "+" if value > 0 else ("−" if value < 0 else "")
        if self.unit == "percentage":
            return _("%(sign)s%(value)s pts", sign=sign, value=format_decimal(round(abs(value), 1)))
        return sign + format_value(abs(value), self.unit)

    def sparkline(self):
        return sparkline([p.value for p in self.trend], [p.target for p in self.trend])


@dataclass
class Report:
    programme: object
    period: object
    trend_periods: list
    to_date: object
    area: Area
    area_label: str
    dimension: str | None
    rows: list = field(default_factory=list)
    lock: object = None
    frozen_note: str | None = None
    start_month: int = 1

    @property
    def dimension_label(self):
        return DIMENSIONS.get(self.dimension, "") if self.dimension else ""

    def by_node(self):
        """[(node, [rows])] in framework order."""
        groups = []
        for row in self.rows:
            if not groups or groups[-1][0].id != row.pi.node_id:
                groups.append((row.pi.node, []))
            groups[-1][1].append(row)
        return groups

    def totals(self):
        return [row for row in self.rows if row.category is None]


def default_period(programme, start_month, today=None):
    """The period a report opens on: the last quarter that has ended (within the programme's dates), unless the
    programme's recorded data stop earlier – then the last quarter with data (values entered or a period locked), so
    that a past programme does not open on an empty quarter. Never before the programme's first quarter."""
    today = today or date.today()
    quarter = P.containing(today, "quarter", start_month)
    last = P.containing(P.add_months(quarter.start, -1), "quarter", start_month)
    first = P.containing(programme.start_date, "quarter", start_month)
    if programme.end_date is not None and last.start > programme.end_date:
        last = P.containing(programme.end_date, "quarter", start_month)
    latest = latest_data_day(programme.id)
    if latest is not None and latest < last.start:
        last = P.containing(latest, "quarter", start_month)
    return last if last.start >= first.start else first


def latest_data_day(programme_id):
    """The end of the latest period with values entered or locked for the programme (one query), or None."""
    from sqlalchemy import func, select, union_all

    from cpms.extensions import db
    from cpms.indicators.models import IndicatorValue, PeriodLock, ProgrammeIndicator
    ends = union_all(
        select(func.max(IndicatorValue.period_end).label("day"))
        .join(ProgrammeIndicator, ProgrammeIndicator.id == IndicatorValue.programme_indicator_id)
        .where(ProgrammeIndicator.programme_id == programme_id),
        select(func.max(PeriodLock.period_end).label("day")).where(PeriodLock.programme_id == programme_id)).subquery()
    return db.session.scalar(select(func.max(ends.c.day)))


def trend_periods(programme, period, start_month):
    periods = P.periods_between(programme.start_date, period.end, period.kind, start_month)
    return periods[-TREND_LENGTH:] or [period]


def build_report(programme, period, *, scope, area=None, dimension=None, area_label="", today=None, only=None,
                 with_trend=True):
    """The report for `period` (a Period of the programme's fiscal year); `only`: ids of the programme indicators
    to include (default: all); without the trend, only the period and the programme to date are computed."""
    return build_reports(programme, period, scope=scope, area=area, dimensions=[dimension], area_label=area_label,
                         today=today, only=only, with_trend=with_trend)[dimension]


def build_reports(programme, period, *, scope, area=None, dimensions=(None,), area_label="", today=None, only=None,
                  with_trend=True, to_date_for=None):
    """{dimension: Report} – the report in several disaggregations (None: totals only) for the price of about one:
    each computed indicator is one query for all of them (values.compute_many), the settings, indicators, targets
    and locks are read once, and the category labels once per disaggregation. `to_date_for`: ids of the programme
    indicators whose programme to date is computed (default: all); the others' rows have no figure to date of their
    own (a "latest" indicator's is still its latest value in the trend)."""
    area = area or Area()
    dimensions = list(dict.fromkeys(dimensions))
    start_month = settings_of(programme.id).fiscal_year_start_month
    trend = trend_periods(programme, period, start_month) if with_trend else [period]
    to_date = programme_span(programme, start_month, until=period.end)
    pis = [pi for pi in programme_indicators(programme.id) if only is None or pi.id in only]
    targets = targets_by_period([pi.id for pi in pis])
    can_freeze = area.is_national and scope.is_national
    locks, frozen = snapshots_by_dimension(programme.id, trend, dimensions) if can_freeze else (
        {}, {dimension: {} for dimension in dimensions})
    figures = _live_figures(programme.id, pis, trend, to_date, locks, frozen, scope=scope, area=area,
                            dimensions=dimensions, today=today, to_date_for=to_date_for)
    return {dimension: _assemble(programme, period, trend, to_date, area, area_label, dimension, start_month, pis,
                                 targets, figures[dimension], locks, frozen[dimension], can_freeze)
            for dimension in dimensions}


def _live_figures(programme_id, pis, trend, to_date, locks, frozen, *, scope, area, dimensions, today,
                  to_date_for=None):
    """{dimension: Figures} of today's data for the trend and the programme to date. A locked period of the trend
    keeps the figures frozen at its lock: it is not computed again for the indicators frozen in it – except the
    reported period itself, whose figure of today is shown beside the frozen one. Indicators are grouped by the
    periods they need (usually one group: all of them were frozen together)."""
    main = len(trend) - 1
    totals = frozen[dimensions[0]] if dimensions else {}
    groups = {}
    for pi in pis:
        skipped = frozenset(i for i in locks if i != main and (i, pi.id, None) in totals)
        if to_date_for is not None and pi.id not in to_date_for:
            skipped |= {len(trend)}
        groups.setdefault(skipped, []).append(pi)
    periods = trend + [to_date]
    merged = {dimension: Figures() for dimension in dimensions}
    for skipped, members in groups.items():
        wanted = [i for i in range(len(periods)) if i not in skipped]
        found = compute_many(programme_id, members, [periods[i] for i in wanted], scope=scope, area=area,
                             dimensions=dimensions, today=today)
        for dimension, figures in found.items():
            target = merged[dimension]
            target.baselines.update(figures.baselines)
            for (pi_id, position, category), value in figures.values.items():
                target._add(pi_id, wanted[position], category, value)
    return merged


def _assemble(programme, period, trend, to_date, area, area_label, dimension, start_month, pis, targets, figures,
              locks, frozen, can_freeze):
    report = Report(programme, period, trend, to_date, area, area_label, dimension, start_month=start_month)
    main = len(trend) - 1
    report.lock = locks.get(main)
    if not can_freeze:
        report.frozen_note = _("Locked figures are those of the whole programme; this report shows today's data for "
                               "the area.")
    keys = set()
    for pi in pis:
        if dimension_for(pi, dimension):
            keys.update(figures.categories.get(pi.id, []))
            keys.update(c for (i, pid, c) in frozen if pid == pi.id and c is not None)
    labels = category_labels(dimension, sorted(keys)) if dimension and keys else {}
    for pi in pis:
        categories = [None]
        if dimension_for(pi, dimension):
            seen = list(figures.categories.get(pi.id, []))
            seen += [c for (i, pid, c) in frozen if pid == pi.id and c is not None and c not in seen]
            categories += sorted(seen, key=lambda c: labels.get(c, c))
        for category in categories:
            report.rows.append(_row(pi, category, labels, figures, frozen, targets[pi.id], trend, main, start_month))
    return report


def _row(pi, category, labels, figures, frozen, targets, trend, main, start_month):
    aggregation = pi.indicator.aggregation
    points = []
    for index, period in enumerate(trend):
        value = figures.get(pi.id, index, category)
        target = target_of(aggregation, targets, period, start_month) if category is None else None
        if (index, pi.id, category) in frozen:
            value, frozen_target = frozen[(index, pi.id, category)]
            target = frozen_target if category is None else None
        points.append(Point(period, value, target))
    baseline = pi.baseline_value if category is None else None
    if baseline is None:
        baseline = figures.baselines.get((pi.id, category))
    to_date = figures.get(pi.id, len(trend), category)
    if aggregation == "latest":
        # a state, not a flow: the programme to date is its latest value (over the whole span only when the trend
        # has none, e.g. a survey round older than the trend)
        to_date = next((p.value for p in reversed(points) if p.value is not None), to_date)
    row = Row(pi=pi, category=category, label=pi.indicator.name if category is None else labels.get(category, category),
              baseline=baseline, target=points[main].target, actual=points[main].value, to_date=to_date, trend=points)
    if (main, pi.id, category) in frozen:
        row.is_frozen = True
        row.live = figures.get(pi.id, main, category)
    return row


# --- SVG geometry (rendered by templates/indicators/_charts.html, in pages and PDFs alike) ---------------------

def sparkline(values, targets=(), width=120, height=28, pad=3):
    """Points of a small line chart of the values (None leaves a gap), with the targets as a dashed line."""
    known = [v for v in list(values) + list(targets) if v is not None]
    if len([v for v in values if v is not None]) < 1:
        return None
    low, high = min(0.0, min(known)), max(known)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(1, len(values) - 1)

    def xy(i, v):
        return round(pad + i * step, 1), round(height - pad - (v - low) / span * (height - 2 * pad), 1)

    def line(series):
        return " ".join(f"{x},{y}" for x, y in (xy(i, v) for i, v in enumerate(series) if v is not None))

    dots = [xy(i, v) for i, v in enumerate(values) if v is not None]
    return {"width": width, "height": height, "points": line(values), "targets": line(targets) if any(
        t is not None for t in targets) else "", "last": dots[-1] if dots else None}
