"""Indicators API: the indicators of the results frameworks, and their values per period and disaggregation."""
from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cpms.core.api import bp
from cpms.core.api.helpers import Filter, described, fields, nullable, paginated
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.indicators import service
from cpms.indicators.models import ProgrammeIndicator, ResultNode
from cpms.indicators.reference import DIMENSIONS
from cpms.indicators.service import periods as P
from cpms.indicators.service.reports import build_report, default_period
from cpms.indicators.service.values import Area, dimension_for
from cpms.programmes.models import Programme
from cpms.programmes.service import can_see as can_see_programme
from cpms.programmes.service import visible_programmes


def indicator_json(pi):
    indicator = pi.indicator
    return {"id": pi.id, "code": pi.code, "programme_id": pi.programme_id, "programme": pi.programme.code,
            "indicator_id": indicator.id, "library_code": indicator.code, "name_en": indicator.name_en,
            "name_fr": indicator.name_fr, "unit": indicator.unit, "direction": indicator.direction,
            "aggregation": indicator.aggregation, "source": indicator.source, "computation": indicator.computation,
            "disaggregations": indicator.disaggregations,
            "result": {"level": pi.node.level, "code": pi.node.code, "title_en": pi.node.title_en,
                       "title_fr": pi.node.title_fr},
            "baseline": {"value": pi.baseline_value,
                         "date": pi.baseline_date.isoformat() if pi.baseline_date else None},
            "life_of_programme_target": pi.lop_target}


@bp.route("/indicators")
@require_role()
@described(item=fields(id="integer", code="string", programme_id="integer", programme="string",
                       indicator_id="integer", library_code="string", name_en="string", name_fr="string",
                       unit="string", direction="string", aggregation="string", source="string",
                       computation=nullable("string"), disaggregations={"type": ["array", "null"],
                                                                        "items": {"type": "string"}},
                       result=fields(level="string", code="string", title_en="string", title_fr="string"),
                       baseline=fields(value=nullable("number"), date=nullable("string", "date")),
                       life_of_programme_target=nullable("number")),
           filters=(Filter("programme_id", "integer", "Only this programme's indicators"),))
def indicator_list():
    """Indicators of the results frameworks of the programmes in the caller's area (?programme_id=)."""
    visible = visible_programmes(scope_of(current_user)).with_only_columns(Programme.id).order_by(None)
    stmt = (select(ProgrammeIndicator).join(ResultNode, ResultNode.id == ProgrammeIndicator.node_id)
            .where(ProgrammeIndicator.programme_id.in_(visible))
            .order_by(ProgrammeIndicator.programme_id, ResultNode.position, ResultNode.code, ProgrammeIndicator.position,
                      ProgrammeIndicator.code))
    programme_id = request.args.get("programme_id", type=int)
    if programme_id:
        stmt = stmt.where(ProgrammeIndicator.programme_id == programme_id)
    return paginated(stmt, indicator_json)


def _error(message, status=400):
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


@bp.route("/indicators/<int:indicator_id>/values")
@require_role()
@described(filters=(Filter("period", "string", "The period, e.g. FY2017-Q1, FY2017-H1 or FY2017 (default: the last "
                                               "quarter ended)"),
                    Filter("disaggregation", "string", "A breakdown, e.g. sex")))
def indicator_values(indicator_id):
    """Baseline, target, actual and status of one indicator for a period (?period=FY2017-Q1, default the last
    quarter ended), with its breakdown (?disaggregation=sex) and trend; within the caller's area."""
    pi = get_or_404(ProgrammeIndicator, indicator_id)
    programme = get_or_404(Programme, pi.programme_id, current_user, check=can_see_programme)
    month = service.settings_of(programme.id).fiscal_year_start_month
    key = request.args.get("period")
    if key:
        try:
            period = P.parse_period(key, month)
        except ValueError:
            return _error(_("Unknown period %(key)s: write it like FY2017-Q1, FY2017-H1 or FY2017.", key=key))
    else:
        period = default_period(programme, month)
    dimension = request.args.get("disaggregation") or None
    if dimension is not None and dimension not in DIMENSIONS:
        return _error(_("Unknown disaggregation %(name)s; use one of: %(names)s.", name=dimension,
                        names=", ".join(DIMENSIONS)))
    if dimension is not None and not dimension_for(pi, dimension):
        return _error(_("This indicator is not broken down by %(name)s.", name=dimension))
    report = build_report(programme, period, scope=scope_of(current_user), area=Area(), dimension=dimension,
                          only={pi.id})
    rows = [row for row in report.rows if row.pi.id == pi.id]

    def row_json(row):
        return {"category": row.category, "label": row.label, "baseline": row.baseline, "target": row.target,
                "actual": row.actual, "percent_of_target": row.percent, "status": row.status,
                "change_from_baseline": row.change, "to_date": row.to_date, "locked": row.is_frozen,
                "today": row.live if row.is_frozen else None, "difference": row.difference,
                "trend": [{"period": p.period.key, "value": p.value, "target": p.target} for p in row.trend]}

    total = rows[0]
    return jsonify({"indicator": indicator_json(pi), "period": {"key": period.key, "start": period.start.isoformat(),
                                                                "end": period.end.isoformat()},
                    "disaggregation": dimension, "locked": report.lock is not None, "total": row_json(total),
                    "breakdown": [row_json(row) for row in rows[1:]],
                    "life_of_programme": {"target": pi.lop_target, "to_date": total.to_date}})
