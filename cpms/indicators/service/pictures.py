"""The pictures of an indicator: its trend per period against its targets and baseline, and the map of its figures
per province – the same geometry in the indicator's page and in the PDF report (cpms/core/charts.py,
cpms/geo/maps.py).

A map needs figures per province: it is drawn for indicators disaggregated by province; for the others the
page says so. Figures are those the user may see (the report engine applies the user's area).
"""
from dataclasses import dataclass

from cpms.core.charts import trend_chart
from cpms.geo.maps import area_map, province_map
from cpms.indicators.service.reports import build_reports
from cpms.indicators.service.values import dimension_for


def trend_of(row):
    """The trend chart of a report row: its figures per period, the targets and the baseline."""
    return trend_chart([p.period.label for p in row.trend], [p.value for p in row.trend],
                       [p.target for p in row.trend], baseline=row.baseline, fmt=row.fmt)


@dataclass
class Pictures:
    report: object
    row: object
    chart: dict | None
    provinces: list  # report rows, one per province with figures
    map: dict | None


def indicator_pictures(programme, pi, period, *, scope, today=None):
    """The indicator's row of the report for `period`, its trend chart, and its map by province (None when the
    indicator is not disaggregated by province). Costs one report of a single indicator."""
    by_province = dimension_for(pi, "province")
    reports = build_reports(programme, period, scope=scope, dimensions=[None, by_province], only={pi.id},
                            today=today)
    report = reports[None]
    row = report.totals()[0]
    provinces, drawn = [], None
    if by_province:
        provinces = [r for r in reports["province"].rows if r.category is not None]
        drawn = province_map({r.label: r.actual for r in provinces}, fmt=row.fmt,
                             highlighted={p.name for p in programme.provinces})
    return Pictures(report=report, row=row, chart=trend_of(row), provinces=provinces, map=drawn)


def report_places(report, scope):
    """The map of the places of the report's area (stations by status, committees, survey communes: the layers
    domains offer to cpms.geo.maps.area_map) in the user's scope, the programme's provinces outlined."""
    return area_map(scope, province_id=report.area.province_id,
                    highlighted={p.name for p in report.programme.provinces})


def province_maps(report, scope):
    """{programme indicator id: map} of the report's indicators disaggregated by province, for the PDF report: one
    more report of those indicators by province (without trend), in the report's area and the user's scope."""
    pis = {row.pi.id: row for row in report.totals() if dimension_for(row.pi, "province")}
    if not pis:
        return {}
    by_province = build_reports(report.programme, report.period, scope=scope, area=report.area,
                                dimensions=["province"], only=set(pis), with_trend=False)["province"]
    figures = {pi_id: {} for pi_id in pis}
    for row in by_province.rows:
        if row.category is not None:
            figures[row.pi.id][row.label] = row.actual
    highlighted = {p.name for p in report.programme.provinces}
    return {pi_id: province_map(figures[pi_id], fmt=pis[pi_id].fmt, highlighted=highlighted) for pi_id in pis}
