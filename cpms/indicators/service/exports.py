"""Report exports: CSV (formula-safe), XLSX (numbers as numbers, one sheet per disaggregation), PDF (cover, SVG
charts, bilingual headings). DHIS2 JSON: dhis2.py."""
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _

from cpms.indicators.reference import DIMENSIONS
from cpms.indicators.service.reports import bar_chart, build_reports
from cpms.indicators.service.values import dimension_for


def _number(value, digits=4):
    return None if value is None else round(float(value), digits)


def header():
    return [_("Code"), _("Indicator"), _("Category"), _("Unit"), _("Baseline"), _("Target"), _("Actual"),
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
    from cpms.core.exports import csv_bytes
    return csv_bytes(header(), table_rows(report))


def report_xlsx(programme, period, *, scope, area, area_label, today=None):
    """One sheet for the totals and one per disaggregation the programme's indicators have – all computed together
    (build_reports: one query per computed indicator for every sheet)."""
    from cpms.core.exports import xlsx_bytes
    return xlsx_bytes(report_sheets(programme, period, scope=scope, area=area, area_label=area_label, today=today))


def report_sheets(programme, period, *, scope, area, area_label, today=None):
    """{sheet title: (header, rows)} of the report workbook (report_xlsx writes them)."""
    from cpms.indicators.service.framework import programme_indicators
    pis = programme_indicators(programme.id)
    used = [d for d in DIMENSIONS if any(dimension_for(pi, d) for pi in pis)]
    reports = build_reports(programme, period, scope=scope, area=area, dimensions=[None, *used],
                            area_label=area_label, today=today, with_trend=False)
    sheets = {_("Totals"): (header(), table_rows(reports[None]))}
    for dimension in used:
        sheets[_("By %(dimension)s", dimension=str(DIMENSIONS[dimension]).lower())] = (
            header(), [r for r in table_rows(reports[dimension]) if r[2] != ""])
    return sheets


def report_pdf(report):
    from cpms.core.pdf import render_pdf
    charts = {row.pi.id: bar_chart(row) for row in report.totals()}
    with force_locale("en"):
        english = {row.pi.id: row.pi.indicator.name_en for row in report.totals()}
    return render_pdf("indicators/report_pdf.html", report=report, charts=charts, english=english,
                      generated_on=date.today())
