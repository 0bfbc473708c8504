"""The donor's home page: a programme's key results against their targets, with the trend of each (target line and
baseline), a province map of the first key result broken down by province, and the links to the reports.

Key results are the indicators of the programme's goal and outcomes, in framework order (the outputs when the
framework has no goal or outcome indicator), at most KEY_RESULTS of them. The period is the report's default (the
latest quarter with data); the figures are those the user may see (the report engine applies the user's scope).
The page costs one report of the key indicators, in totals and by province.
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
    """The programme's key indicators: goal and outcome indicators in framework order (outputs without any)."""
    pis = programme_indicators(programme.id)
    key = [pi for pi in pis if pi.node.level in KEY_LEVELS] or pis
    return key[:KEY_RESULTS]


def donor_results(programme, *, scope, period=None, today=None):
    """The key results of `programme` for `period` (default: the report's default period); None without indicators."""
    key = key_indicators(programme)
    if not key:
        return None
    period = period or default_period(programme, settings_of(programme.id).fiscal_year_start_month, today=today)
    mapped = next((pi for pi in key if dimension_for(pi, "province")), None)
    reports = build_reports(programme, period, scope=scope, dimensions=[None, "province"] if mapped else [None],
                            only={pi.id for pi in key}, today=today)
    rows = reports[None].totals()
    results = [KeyResult(row, trend_of(row)) for row in rows]
    map_row = drawn = None
    if mapped:
        map_row = next(row for row in rows if row.pi.id == mapped.id)
        figures = {r.label: r.actual for r in reports["province"].rows if r.pi.id == mapped.id and r.category is not None}
        drawn = province_map(figures, fmt=map_row.fmt, highlighted={p.name for p in programme.provinces})
    return DonorResults(programme=programme, period=period, results=results, map_row=map_row, map=drawn)
