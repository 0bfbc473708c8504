"""Drill-down: the records behind one figure of a report – officers and cohorts, meetings, committees, plans,
projects, survey rounds, or the entered values with their evidence. Lists are paginated (one COUNT and one page
query) and link to the records' own pages, where each domain's access rules apply again."""
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from cpms.indicators.models import IndicatorValue, ValueBreakdown
from cpms.indicators.registry import DrillDown, computation
from cpms.indicators.service.periods import quarter_pieces
from cpms.indicators.service.values import Area, make_context


def entered_records(pi, period, scope, area, dimension, category):
    from cpms.indicators.registry import Context
    ctx = Context(programme_id=pi.programme_id, scope=scope, province_id=area.province_id, commune_id=area.commune_id)
    stmt = select(IndicatorValue).where(
        IndicatorValue.programme_indicator_id == pi.id, IndicatorValue.status == "approved",
        IndicatorValue.period_start >= period.start, IndicatorValue.period_end <= period.end,
        ctx.in_area(IndicatorValue.province_id, IndicatorValue.commune_id))
    if dimension and category is not None:
        if dimension == "province":
            stmt = stmt.where(IndicatorValue.province_id == int(category))
        elif dimension == "commune":
            stmt = stmt.where(IndicatorValue.commune_id == int(category))
        else:
            stmt = stmt.where(IndicatorValue.id.in_(select(ValueBreakdown.value_id).where(
                ValueBreakdown.dimension == dimension, ValueBreakdown.category == str(category))))

    def row(value):
        evidence = (value.evidence_name, url_for("indicators.value_evidence", value_id=value.id)) \
            if value.evidence_stored else ((value.evidence_url, value.evidence_url) if value.evidence_url else "")
        return [(_quarter_label(value), url_for("indicators.value_detail", value_id=value.id)), value.area_label or _("Whole programme"),
                value.value, evidence, value.comment]

    return DrillDown(stmt.order_by(IndicatorValue.period_start, IndicatorValue.id),
                     [_("Quarter"), _("Area"), _("Value"), _("Evidence"), _("Comment")], row)


def _quarter_label(value):
    return f"{value.period_start.isoformat()} – {value.period_end.isoformat()}"


def records_behind(pi, period, *, scope, area=None, dimension=None, category=None, today=None):
    """The DrillDown of one figure, or None when the computation has none."""
    area = area or Area()
    if not pi.indicator.is_computed:
        return entered_records(pi, period, scope, area, dimension, category)
    comp = computation(pi.indicator.computation)
    if comp is None or comp.drilldown is None:
        return None
    ctx = make_context(pi, pi.programme_id, scope, area, dimension if category is not None else None, today)
    if comp.aggregation == "latest" and comp.per_period:
        # a state: the figure of a longer period is its last quarter's (of those begun)
        pieces = quarter_pieces(period)
        period = ([p for p in pieces if p.start <= (today or date.today())] or pieces)[-1]
    return comp.drilldown(ctx, period.start, period.end, category)
