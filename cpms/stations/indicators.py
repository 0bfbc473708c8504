"""Station indicators: stations built or rehabilitated and handed over, the share of construction projects meeting
the gender-sensitivity checklist, and the construction budget spent.

- handed over: distinct stations whose new-build or rehabilitation project was finally accepted in the period;
- gender checklist: among the projects started by the end of the period, the share whose checklist was complete
  (every item ticked) and checked by then – a state at the end of the period ("latest");
- budget spent: expenditure dated in the period, in the indicator's parameter currency (USD by default; the
  amounts of projects in other currencies are not added in).
"""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, func, or_, select

from cpms.indicators.registry import DrillDown, computed_indicator, drilldown_for
from cpms.stations.labels import PROJECT_KIND_LABELS
from cpms.stations.models import ConstructionProject, Expenditure, GenderChecklist, Handover, Station
from cpms.stations.reference import CHECKLIST_ITEMS

STATION_DIMENSIONS = ("province", "commune", "project_kind")
BUILDING_KINDS = ("new_build", "rehabilitation")
STATION_PLACE = _l("The station's commune.")


def station_columns():
    return {"province": Station.province_id, "commune": Station.commune_id, "project_kind": ConstructionProject.kind}


def _projects(ctx, *columns):
    return (select(*columns).select_from(ConstructionProject).join(Station, Station.id == ConstructionProject.station_id)
            .where(ConstructionProject.programme_id == ctx.programme_id,
                   ctx.in_area(Station.province_id, Station.commune_id)))


def _handed_over(start, end):
    return and_(ConstructionProject.kind.in_(BUILDING_KINDS), Handover.is_final_acceptance.is_(True),
                Handover.handover_date >= start, Handover.handover_date <= end)


def _checklist_complete(end):
    return and_(*[getattr(GenderChecklist, item).is_(True) for item in CHECKLIST_ITEMS],
                or_(GenderChecklist.checked_on.is_(None), GenderChecklist.checked_on <= end))


@computed_indicator("stations_handed_over", label=_l("Stations built or rehabilitated and handed over"), unit="count",
                    dimensions=STATION_DIMENSIONS, aggregation="distinct", place=STATION_PLACE,
                    dated_by=_l("The date of the final acceptance (handover)."),
                    description=_l("Distinct stations whose new building or rehabilitation was finally accepted by "
                                   "the police in the period."))
def stations_handed_over(ctx, start, end):
    def build():
        key = ctx.category(station_columns())
        return ctx.grouped(_projects(ctx, key, func.count(distinct(Station.id))).join(
            Handover, Handover.project_id == ConstructionProject.id), key)
    return ctx.statement("stations_handed_over", build).where(_handed_over(start, end))


@computed_indicator("stations_gender_compliant", label=_l("Construction projects meeting the gender-sensitivity checklist"),
                    unit="percentage", aggregation="latest", dimensions=STATION_DIMENSIONS, place=STATION_PLACE,
                    dated_by=_l("The project's start date and the checklist's check date, seen at the end of the "
                                "period."),
                    description=_l("Among the construction projects started by the end of the period, the share whose "
                                   "gender-sensitivity checklist was complete by then."))
def stations_gender_compliant(ctx, start, end):
    # the share's numerator depends on the period: only the FROM and the programme's conditions are shared
    def build():
        key = ctx.category(station_columns())
        return key, _projects(ctx, key).outerjoin(GenderChecklist, GenderChecklist.project_id == ConstructionProject.id)
    key, base = ctx.statement("stations_gender_compliant", build)
    complete = func.sum(case((and_(GenderChecklist.id.is_not(None), _checklist_complete(end)), 1), else_=0))
    return ctx.grouped(base.add_columns(100.0 * complete / func.nullif(func.count(ConstructionProject.id), 0))
                       .where(ConstructionProject.start_date <= end), key)


@computed_indicator("construction_budget_spent", label=_l("Construction budget spent"), unit="amount",
                    dimensions=STATION_DIMENSIONS, param_label=_l("Currency (USD or CDF)"), default_param="USD",
                    aggregation="sum", dated_by=_l("The expenditure's date."), place=STATION_PLACE,
                    description=_l("Expenditure on construction projects dated in the period, in one currency."))
def construction_budget_spent(ctx, start, end):
    def build():
        key = ctx.category(station_columns())
        return ctx.grouped(_projects(ctx, key, func.sum(Expenditure.amount)).join(
            Expenditure, Expenditure.project_id == ConstructionProject.id).where(
            ConstructionProject.currency == (ctx.param or "USD")), key)
    return ctx.statement("construction_budget_spent", build).where(Expenditure.spent_on >= start,
                                                                   Expenditure.spent_on <= end)


# --- drill-downs: the construction projects behind a figure -----------------------------------------------------

def _project_rows(stmt, headings, extra):
    def row(record):
        project = record[0]
        return [(project.station.name, url_for("stations.project_detail", project_id=project.id)),
                # bandit B610 (Django's QuerySet.extra) mistakes our local function `extra` for it
                project.station.commune.name, str(project.kind_label)] + extra(record)  # nosec B610
    return DrillDown(stmt.order_by(Station.name, ConstructionProject.id), [_("Station"), _("Commune"), _("Work")] + headings,
                     row, scalars=False)


@drilldown_for("stations_handed_over")
def handed_over_records(ctx, start, end, category):
    stmt = _projects(ctx, ConstructionProject, Handover.handover_date).join(
        Handover, Handover.project_id == ConstructionProject.id).where(
        _handed_over(start, end), ctx.matches(station_columns(), category))
    return _project_rows(stmt, [_("Handed over on")], lambda record: [record[1].isoformat()])


@drilldown_for("stations_gender_compliant")
def checklist_records(ctx, start, end, category):
    complete = case((and_(GenderChecklist.id.is_not(None), _checklist_complete(end)), True), else_=False)
    stmt = _projects(ctx, ConstructionProject, complete).outerjoin(
        GenderChecklist, GenderChecklist.project_id == ConstructionProject.id).where(
        ConstructionProject.start_date <= end, ctx.matches(station_columns(), category))
    return _project_rows(stmt, [_("Checklist complete")], lambda record: [_("yes") if record[1] else _("no")])


@drilldown_for("construction_budget_spent")
def spending_records(ctx, start, end, category):
    spent = (select(Expenditure.project_id, func.sum(Expenditure.amount).label("total"))
             .where(Expenditure.spent_on >= start, Expenditure.spent_on <= end).group_by(Expenditure.project_id)
             .subquery())
    stmt = _projects(ctx, ConstructionProject, spent.c.total).join(spent, spent.c.project_id == ConstructionProject.id) \
        .where(ConstructionProject.currency == (ctx.param or "USD"), ctx.matches(station_columns(), category))
    return _project_rows(stmt, [_("Spent in the period")], lambda record: [float(record[1] or 0)])


# --- the disaggregation stations own (declared in cpms/stations/__init__.py) ---------------------------------------

def project_kind_labels(keys):
    return {key: str(PROJECT_KIND_LABELS[key]) for key in keys if key in PROJECT_KIND_LABELS}
