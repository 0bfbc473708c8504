"""Report exports: CSV (formula-safe), XLSX (numbers as numbers, one sheet per disaggregation), PDF (cover, SVG
charts, bilingual headings). DHIS2 JSON: dhis2.py."""
from datetime import date, datetime, timezone

from flask_babel import force_locale
from flask_babel import gettext as _

from cpms.indicators.reference import DIMENSIONS
from cpms.indicators.service.pictures import trend_of
from cpms.indicators.service.reports import build_reports
from cpms.indicators.service.values import dimension_for


def _number(value, digits=4):
    return None if value is None else round(float(value), digits)


def header():
    return [_("Code"), _("Indicator"), _("Category"), _("Unit"), _("Baseline value"), _("Target"), _("Actual"),
            _("Percent of target"), _("Status"), _("Change from baseline"), _("Life of programme: actual to date"),
            _("Life of programme: target"), _("Locked: today's figure"), _("Locked: difference")]


def table_rows(report):
    rows = []
    for row in report.rows:
        rows.append([row.pi.code, row.pi.indicator.name, "" if row.category is None else row.label,
                     str(row.pi.indicator.unit_label), _number(row.baseline), _number(row.target), _number(row.actual),
                     _number(row.percent, 1), str(row.status_label), _number(row.change),
                     _number(row.to_date), _number(row.pi.lop_target) if row.category is None else None,
                     _number(row.live) if row.is_frozen else None, _number(row.difference)])
    return rows


def report_csv(report):
    """The report's table, each row also naming its programme, period (key and dates) and area, so that files of
    several programmes or periods can be stacked."""
    from cpms.core.exports import csv_bytes
    period = report.period
    context = [report.programme.code, period.key, period.start.isoformat(), period.end.isoformat(),
               report.area_label or _("Whole country")]
    return csv_bytes(header() + [_("Programme"), _("Period"), _("Period start"), _("Period end"), _("Area")],
                     [row + context for row in table_rows(report)])


def report_xlsx(programme, period, *, scope, area, area_label, today=None):
    """The donor's workbook: a "Read me" sheet (each indicator's definition, how it is computed, its source), one
    sheet for the totals and one per disaggregation the programme's indicators have – all computed together
    (build_reports: one query per computed indicator for every sheet). Each sheet opens with the title block
    (programme, period, area, lock, when generated), keeps its header frozen, and shows figures with thousands
    separators and one decimal for percentages and shares."""
    from cpms.core.exports import xlsx_bytes
    sheets, reports = report_sheets(programme, period, scope=scope, area=area, area_label=area_label, today=today,
                                    with_reports=True)
    return xlsx_bytes(sheets, title=_("Indicator report – %(programme)s – %(period)s", programme=programme.code,
                                      period=period.label),
                      subject=programme.name, title_block=title_block(reports[None], area_label),
                      widths=COLUMN_WIDTHS, formats=number_formats(), readme=readme(reports[None]))


COLUMN_WIDTHS = {0: 10, 1: 44, 2: 20, 3: 12, 4: 12, 5: 12, 6: 12, 7: 12, 8: 14, 9: 14, 10: 14, 11: 14, 12: 14, 13: 14}
NUMBER_COLUMNS = (4, 5, 6, 9, 10, 11, 12, 13)  # baseline … locked difference (header())
PERCENT_OF_TARGET = 7


def number_formats():
    """{column: format}: thousands separators; one decimal for a share (a percentage unit) and for whole numbers
    that are not (an average); the percent of target with one decimal."""
    def value_format(row):
        return "#,##0.0" if row[3] == str(_unit_label("percentage")) or _fractional(row) else "#,##0"
    formats = {index: value_format for index in NUMBER_COLUMNS}
    formats[PERCENT_OF_TARGET] = '0.0" %"'
    return formats


def _unit_label(unit):
    from cpms.indicators.reference import UNITS
    return UNITS.get(unit, unit)


def _fractional(row):
    return any(isinstance(row[i], float) and not float(row[i]).is_integer() for i in NUMBER_COLUMNS)


def title_block(report, area_label):
    """[(label, value)] above each sheet: what the figures are, where, and whether they may still change."""
    from flask_babel import format_datetime
    lock = report.lock
    status = (_("Locked on %(date)s: the figures of this period no longer change.",
                date=format_datetime(lock.locked_at, "short")) if lock is not None
              else _("Open: the figures may still change."))
    return [(_("Programme"), f"{report.programme.code} – {report.programme.name}"),
            (_("Period"), f"{report.period.label} ({report.period.range_label})"),
            (_("Area"), area_label or _("Whole country")),
            (_("Status"), status),
            (_("Generated"), format_datetime(datetime.now(timezone.utc), "short"))]


def readme(report):
    """(header, rows): each indicator's definition, computation and source, for the "Read me" sheet; then the
    narrative of each outcome for the period (its text in the definition column)."""
    from cpms.indicators.service.narratives import narratives_for
    rows = []
    for row in report.totals():
        indicator = row.pi.indicator
        rows.append([row.pi.code, indicator.name, indicator.definition or "", _source(indicator)])
    for node, text in narratives_for(report.programme.id, report.period):
        rows.append([node.code, node.title, text,
                     _("Narrative of the outcome for %(period)s, by the M&E officer", period=report.period.label)])
    return [_("Code"), _("Indicator"), _("Definition"), _("Source")], rows


def _source(indicator):
    if indicator.source == "computed":
        from cpms.indicators.registry import computation
        comp = computation(indicator.computation)
        return _("Computed by CPMS: %(description)s", description=str(comp.description)) if comp else ""
    return _("Entered by the M&E officer for each period.")


def report_sheets(programme, period, *, scope, area, area_label, today=None, with_reports=False):
    """{sheet title: (header, rows)} of the report workbook (report_xlsx writes them); with the reports by
    disaggregation too if `with_reports`."""
    from cpms.indicators.service.framework import programme_indicators
    pis = programme_indicators(programme.id)
    used = [d for d in DIMENSIONS if any(dimension_for(pi, d) for pi in pis)]
    reports = build_reports(programme, period, scope=scope, area=area, dimensions=[None, *used],
                            area_label=area_label, today=today, with_trend=False)
    sheets = {_("Totals"): (header(), table_rows(reports[None]))}
    for dimension in used:
        sheets[_("By %(dimension)s", dimension=str(DIMENSIONS[dimension]).lower())] = (
            header(), [r for r in table_rows(reports[dimension]) if r[2] != ""])
    return (sheets, reports) if with_reports else sheets


def report_pdf(report, maps=None, places=None):
    """The PDF report: its table, the map of the area's places (`places`, from pictures.report_places), and per
    indicator the trend chart and (`maps`: {programme indicator id: map}) the map by province."""
    from cpms.core.pdf import programme_logos, render_pdf
    charts = {row.pi.id: trend_of(row) for row in report.totals()}
    with force_locale("en"):
        english = {row.pi.id: row.pi.indicator.name_en for row in report.totals()}
    from cpms.indicators.service.narratives import narratives_for
    return render_pdf("indicators/report_pdf.html", report=report, charts=charts, maps=maps or {}, english=english,
                      places=places, narratives=narratives_for(report.programme.id, report.period),
                      generated_on=date.today(), **programme_logos(report.programme.id))
