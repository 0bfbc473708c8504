"""Local security plan indicators (over the committees that adopt the plans, cpms/committees/indicators.py):

- local security plans adopted: plans whose start date (the day they take effect) is in the period;
- quick impact projects completed: completed in the period.
"""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from cpms.committees.indicators import AREA, COMMITTEE_PLACE, committee_cell, committee_columns, of_programme
from cpms.committees.models import Committee
from cpms.indicators.registry import DrillDown, computed_indicator, drilldown_for
from cpms.plans.models import PlanAction, QuickImpactProject, SecurityPlan


@computed_indicator("security_plans_adopted", label=_l("Local security plans adopted"), unit="count", dimensions=AREA,
                    aggregation="sum", dated_by=_l("The plan's start date (the day it takes effect)."),
                    place=COMMITTEE_PLACE,
                    description=_l("Local security plans of the programme's committees taking effect in the period."))
def plans_adopted(ctx, start, end):
    def build():
        key = ctx.category(committee_columns())
        return ctx.grouped(select(key, func.count(SecurityPlan.id)).select_from(SecurityPlan)
                           .join(Committee, Committee.id == SecurityPlan.committee_id).where(of_programme(ctx)), key)
    return ctx.statement("plans_adopted", build).where(SecurityPlan.start_date >= start,
                                                       SecurityPlan.start_date <= end)


def _qips():
    return (select().select_from(QuickImpactProject).join(PlanAction, PlanAction.id == QuickImpactProject.plan_action_id)
            .join(SecurityPlan, SecurityPlan.id == PlanAction.plan_id)
            .join(Committee, Committee.id == SecurityPlan.committee_id))


def _qips_completed(ctx, start, end):
    return and_(of_programme(ctx), QuickImpactProject.status == "completed", QuickImpactProject.completed_on >= start,
                QuickImpactProject.completed_on <= end)


@computed_indicator("quick_impact_projects_completed", label=_l("Quick impact projects completed"), unit="count",
                    dimensions=AREA, aggregation="sum", dated_by=_l("The project's completion date."),
                    place=_l("The commune of the committee whose plan the project belongs to."),
                    description=_l("Quick impact projects of the committees' plans completed in the period."))
def qips_completed(ctx, start, end):
    def build():
        key = ctx.category(committee_columns())
        return ctx.grouped(_qips().add_columns(key, func.count(QuickImpactProject.id))
                           .where(of_programme(ctx), QuickImpactProject.status == "completed"), key)
    return ctx.statement("qips_completed", build).where(QuickImpactProject.completed_on >= start,
                                                        QuickImpactProject.completed_on <= end)


# --- drill-downs ---------------------------------------------------------------------------------------------

@drilldown_for("security_plans_adopted")
def plan_records(ctx, start, end, category):
    stmt = (select(SecurityPlan).join(Committee, Committee.id == SecurityPlan.committee_id)
            .where(of_programme(ctx), SecurityPlan.start_date >= start, SecurityPlan.start_date <= end,
                   ctx.matches(committee_columns(), category)).order_by(SecurityPlan.start_date, SecurityPlan.id))
    return DrillDown(stmt, [_("Plan"), _("Committee"), _("Start"), _("End")],
                     lambda p: [(p.title, url_for("plans.plan_detail", plan_id=p.id)), committee_cell(p.committee),
                                p.start_date.isoformat(), p.end_date.isoformat()])


@drilldown_for("quick_impact_projects_completed")
def qip_records(ctx, start, end, category):
    stmt = _qips().add_columns(QuickImpactProject, SecurityPlan.id).where(
        _qips_completed(ctx, start, end), ctx.matches(committee_columns(), category)).order_by(
        QuickImpactProject.completed_on, QuickImpactProject.id)
    return DrillDown(stmt, [_("Project"), _("Implementer"), _("Completed on"), _("Beneficiaries")],
                     lambda r: [(r[0].name, url_for("plans.plan_detail", plan_id=r[1])), r[0].implementer,
                                r[0].completed_on.isoformat(), r[0].beneficiaries], scalars=False)
