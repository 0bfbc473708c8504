"""The construction portfolio: filters, totals per currency and the XLSX export."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.core.permissions import scope_of
from cpms.extensions import db
from cpms.geo.models import Province
from cpms.stations.models import ConstructionProject, Expenditure


def today():
    return date.today()


def filters_from(args):
    return {"programme_id": args.get("programme_id", type=int), "province_id": args.get("province_id", type=int)}


def province_choices_for(user):
    scope = scope_of(user)
    stmt = select(Province.id, Province.name).order_by(Province.name)
    if not scope.is_national:
        stmt = stmt.where(Province.id.in_(sorted(scope.province_ids)))
    return db.session.execute(stmt).all()


def totals(stmt):
    """Per currency: (currency, number of projects, contract amounts, spent) of the filtered projects."""
    ids = select(stmt.with_only_columns(ConstructionProject.id).order_by(None).subquery().c.id)
    budgets = db.session.execute(
        select(ConstructionProject.currency, func.count(ConstructionProject.id),
               func.coalesce(func.sum(ConstructionProject.contract_amount), 0))
        .where(ConstructionProject.id.in_(ids)).group_by(ConstructionProject.currency)
        .order_by(ConstructionProject.currency)).all()
    spent = dict(db.session.execute(
        select(ConstructionProject.currency, func.sum(Expenditure.amount))
        .join(Expenditure, Expenditure.project_id == ConstructionProject.id)
        .where(ConstructionProject.id.in_(ids)).group_by(ConstructionProject.currency)).all())
    return [(currency, count, budget, spent.get(currency) or 0) for currency, count, budget in budgets]


def export_rows(projects, metrics):
    """(header, rows) of the portfolio sheet: numbers stay numbers, dates stay dates."""
    header = [_("Station"), _("Type"), _("Commune"), _("Province"), _("Programme"), _("Kind of work"),
              _("Contractor"), _("Currency"), _("Contract amount"), _("Spent"), _("Variance"), _("Budget used (%)"),
              _("Progress (%)"), _("Milestone progress (%)"), _("Latest report"), _("Start date"),
              _("Planned completion"), _("Slippage (days)"), _("Overdue milestones"), _("Gender checklist complete"),
              _("Handover date"), _("Status")]
    rows = []
    for project in projects:
        m = metrics[project.id]
        station = project.station
        rows.append([
            station.name, str(station.kind_label), station.commune.name, station.commune.province.name,
            project.programme.code, str(project.kind_label), project.contractor, project.currency,
            _number(project.contract_amount), _number(m.spent), _number(m.variance), _number(m.budget_used),
            round(m.progress, 1), m.milestone_progress, m.reported_on, project.start_date,
            project.planned_completion_date, m.slippage_days, m.overdue_milestones,
            _("Yes") if m.checklist_complete else _("No"), m.handover_date, str(m.status_label)])
    return header, rows


def _number(value):
    return None if value is None else float(value)
