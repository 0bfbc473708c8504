"""The donor's home page: a programme's key results against their targets, with the trend of each (target line and
baseline), a province map of the first key result broken down by province, and the links to the reports.

Key results are at most KEY_RESULTS indicators, shown in framework order, chosen first among those with targets per
period (a result against its target): the goal and outcome indicators with targets, then the outputs with targets,
then the goal and outcome indicators without, then the other outputs. The period is the report's default (the
latest quarter with data); the figures are those the user may see (the report engine applies the user's scope).
The page costs one report of the key indicators, in totals and by province, whose programme to date is computed
only for the key results with a life-of-programme target (the only ones that show it).
"""
from dataclasses import dataclass

from cpms.geo.maps import province_map
from cpms.indicators.service.framework import programme_indicators, settings_of
from cpms.indicators.service.pictures import trend_of
from cpms.indicators.service.reports import build_reports, default_period
from cpms.indicators.service.values import dimension_for

KEY_RESULTS = 6
KEY_LEVELS = ("goal", "outcome")


@dataclass
class KeyResult:
    row: object  # the report's row: actual, target, status, to date, life-of-programme progress
    chart: dict | None


@dataclass
class DonorResults:
    programme: object
    period: object
    results: list  # KeyResult, …
    map_row: object | None  # the report row of the mapped indicator
    map: dict | None


def key_indicators(programme):
    """The programme's key indicators (see the module's docstring), in framework order (three queries)."""
    from sqlalchemy import select

    from cpms.extensions import db
    from cpms.indicators.models import Target

    pis = programme_indicators(programme.id)
    if not pis:
        return []
    with_targets = set(db.session.scalars(select(Target.programme_indicator_id).distinct().where(
        Target.programme_indicator_id.in_([pi.id for pi in pis]))))
    rank = {pi.id: (pi.id not in with_targets, pi.node.level not in KEY_LEVELS, i) for i, pi in enumerate(pis)}
    chosen = {pi.id for pi in sorted(pis, key=lambda pi: rank[pi.id])[:KEY_RESULTS]}
    return [pi for pi in pis if pi.id in chosen]


def donor_results(programme, *, scope, period=None, today=None):
    """The key results of `programme` for `period` (default: the report's default period); None without indicators."""
    key = key_indicators(programme)
    if not key:
        return None
    period = period or default_period(programme, settings_of(programme.id).fiscal_year_start_month, today=today)
    mapped = next((pi for pi in key if dimension_for(pi, "province")), None)
    # the programme to date is shown only against a life-of-programme target: not computed for the others (for a
    # survey indicator, every round of the programme's life)
    reports = build_reports(programme, period, scope=scope, dimensions=[None, "province"] if mapped else [None],
                            only={pi.id for pi in key}, today=today,
                            to_date_for={pi.id for pi in key if pi.lop_target is not None})
    rows = reports[None].totals()
    results = [KeyResult(row, trend_of(row)) for row in rows]
    map_row = drawn = None
    if mapped:
        map_row = next(row for row in rows if row.pi.id == mapped.id)
        figures = {r.label: r.actual for r in reports["province"].rows if r.pi.id == mapped.id and r.category is not None}
        drawn = province_map(figures, fmt=map_row.fmt, highlighted={p.name for p in programme.provinces})
    return DonorResults(programme=programme, period=period, results=results, map_row=map_row, map=drawn)
