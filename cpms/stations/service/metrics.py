"""Progress, budget and delay of construction projects.

The rules, as shown to users:
- milestone progress: the weights of the completed milestones (those with an actual date) over all weights;
- progress: the physical progress of the latest progress report (for an accepted project, the latest one up to the
  final acceptance: no report is accepted after it, older data may have some), or the milestone progress without a
  report;
- budget: spent is the sum of the expenditure; variance = contract amount − spent (negative: over budget);
- an open milestone whose planned date has passed is overdue;
- slippage: the longest delay among overdue milestones (today − planned date) or, when none is overdue,
  the delay of the last completed milestone (actual − planned date); never below zero;
- status: handed over (final acceptance signed), off track (over budget, or slipping more than
  SEVERE_SLIPPAGE_DAYS), at risk (any slippage, or spending more than SPENDING_AHEAD_POINTS
  percentage points ahead of progress), on track otherwise.

`metrics_for(projects)` answers for many projects in a fixed number of queries (five), whatever their number.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from cpms.extensions import db
from cpms.stations.reference import CHECKLIST_ITEMS

SEVERE_SLIPPAGE_DAYS = 30
SPENDING_AHEAD_POINTS = 10

STATUS_LABELS = {
    "done": _l("Handed over"),
    "red": _l("Off track"),
    "amber": _l("At risk"),
    "green": _l("On track"),
}


def weighted_progress(milestones):
    """Percentage (0–100, one decimal) of the total weight whose milestones are done; None without weights.

    `milestones`: (weight, is_done) pairs.
    """
    total = sum(weight for weight, _done in milestones)
    if total <= 0:
        return None
    done = sum(weight for weight, is_done in milestones if is_done)
    return round(100 * done / total, 1)


def milestone_delay(planned, actual, today):
    """Days late of one milestone (negative when early); None when it has no plan or is open and not yet due."""
    if planned is None:
        return None
    if actual is not None:
        return (actual - planned).days
    if planned < today:
        return (today - planned).days
    return None


def is_overdue(planned, actual, today):
    return actual is None and planned is not None and planned < today


def slippage_days(milestones, today):
    """Slippage of a project from its milestones: (position, planned, actual) tuples."""
    overdue = [(today - planned).days for _pos, planned, actual in milestones if is_overdue(planned, actual, today)]
    if overdue:
        return max(overdue)
    completed = [(pos, planned, actual) for pos, planned, actual in milestones if actual is not None and planned]
    if not completed:
        return 0
    _pos, planned, actual = max(completed, key=lambda row: row[0])
    return max(0, (actual - planned).days)


def budget_figures(contract_amount, spent):
    """(variance, percent used) of a budget; (None, None) without a contract amount."""
    if contract_amount is None or contract_amount <= 0:
        return None, None
    variance = contract_amount - spent
    used = (100 * spent / contract_amount).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return variance, used


def status_colour(*, is_handed_over, is_over_budget, slippage, progress, budget_used):
    if is_handed_over:
        return "done"
    if is_over_budget or slippage > SEVERE_SLIPPAGE_DAYS:
        return "red"
    if slippage > 0 or (budget_used is not None and float(budget_used) > (progress or 0) + SPENDING_AHEAD_POINTS):
        return "amber"
    return "green"


@dataclass
class ProjectMetrics:
    milestone_progress: float | None = None
    reported_progress: int | None = None
    reported_on: date | None = None
    spent: Decimal = Decimal("0")
    variance: Decimal | None = None
    budget_used: Decimal | None = None
    overdue_milestones: int = 0
    slippage_days: int = 0
    checklist_missing: list = field(default_factory=lambda: list(CHECKLIST_ITEMS))
    handover_date: date | None = None
    is_handed_over: bool = False
    status: str = "green"

    @property
    def progress(self):
        if self.reported_progress is not None:
            return float(self.reported_progress)
        return self.milestone_progress or 0.0

    @property
    def is_over_budget(self):
        return self.variance is not None and self.variance < 0

    @property
    def checklist_complete(self):
        return not self.checklist_missing

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def metrics_for(projects, today=None):
    """{project id: ProjectMetrics} for the given projects, in five queries."""
    from cpms.stations.models import Expenditure, GenderChecklist, Handover, Milestone, ProgressReport

    today = today or date.today()
    ids = [p.id for p in projects]
    result = {pid: ProjectMetrics() for pid in ids}
    if not ids:
        return result

    spent = dict(db.session.execute(select(Expenditure.project_id, func.sum(Expenditure.amount))
                                    .where(Expenditure.project_id.in_(ids)).group_by(Expenditure.project_id)).all())
    milestones = defaultdict(list)
    for pid, pos, weight, planned, actual in db.session.execute(
            select(Milestone.project_id, Milestone.position, Milestone.weight, Milestone.planned_date,
                   Milestone.actual_date).where(Milestone.project_id.in_(ids))):
        milestones[pid].append((pos, weight, planned, actual))
    handovers = {pid: (when, final) for pid, when, final in db.session.execute(
        select(Handover.project_id, Handover.handover_date, Handover.is_final_acceptance)
        .where(Handover.project_id.in_(ids)))}
    latest = {}
    for pid, report_date, progress in db.session.execute(
            select(ProgressReport.project_id, ProgressReport.report_date, ProgressReport.physical_progress)
            .where(ProgressReport.project_id.in_(ids))
            .order_by(ProgressReport.project_id, ProgressReport.report_date, ProgressReport.id)):
        accepted_on, is_final = handovers.get(pid, (None, False))
        if is_final and report_date > accepted_on:
            continue  # recorded before the rule refused reports after the final acceptance: not the progress
        latest[pid] = (report_date, progress)  # ordered by date: the last one wins
    checklists = {row.project_id: [item for item in CHECKLIST_ITEMS if not getattr(row, item)]
                  for row in db.session.execute(select(GenderChecklist.project_id,
                                                       *[getattr(GenderChecklist, i) for i in CHECKLIST_ITEMS])
                                                .where(GenderChecklist.project_id.in_(ids)))}

    for project in projects:
        m = result[project.id]
        rows = milestones.get(project.id, [])
        m.milestone_progress = weighted_progress([(weight, actual is not None) for _p, weight, _pl, actual in rows])
        if project.id in latest:
            m.reported_on, m.reported_progress = latest[project.id]
        m.spent = Decimal(spent.get(project.id) or 0).quantize(Decimal("0.01"))
        m.variance, m.budget_used = budget_figures(project.contract_amount, m.spent)
        m.overdue_milestones = sum(1 for _p, _w, planned, actual in rows if is_overdue(planned, actual, today))
        m.slippage_days = slippage_days([(pos, planned, actual) for pos, _w, planned, actual in rows], today)
        m.checklist_missing = checklists.get(project.id, list(CHECKLIST_ITEMS))
        if project.id in handovers:
            m.handover_date, m.is_handed_over = handovers[project.id]
        m.status = status_colour(is_handed_over=m.is_handed_over, is_over_budget=m.is_over_budget,
                                 slippage=m.slippage_days, progress=m.progress, budget_used=m.budget_used)
    return result


def _month_ends(first, last):
    """The last day of each month from `first`'s month to `last`'s month."""
    from calendar import monthrange

    ends, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        ends.append(date(year, month, monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ends


def progress_series(project, milestones, reports):
    """(month ends, planned %, actual %) of a project, month by month from its start to its planned completion (or
    its latest report, when later). Planned: the weights of the milestones planned by the end of the month (the
    share of the contract time elapsed when no milestone has a planned date); actual: the latest report's physical
    progress up to the end of the month, none after the month of the latest report."""
    last_report = max((r.report_date for r in reports), default=None)
    last = max(d for d in (project.planned_completion_date, last_report) if d is not None)
    ends = _month_ends(project.start_date, last)
    dated = [(m.weight, m.planned_date) for m in milestones if m.planned_date is not None]
    span = max(1, (project.planned_completion_date - project.start_date).days)
    ordered = sorted(reports, key=lambda r: (r.report_date, r.id))
    planned, actual = [], []
    for end in ends:
        if dated:
            planned.append(weighted_progress([(w, when <= end) for w, when in dated]))
        else:
            planned.append(round(min(100.0, max(0.0, 100.0 * (end - project.start_date).days / span)), 1))
        known = [r.physical_progress for r in ordered if r.report_date <= end]
        actual.append(known[-1] if known and end.replace(day=1) <= last_report else None)
    return ends, planned, actual


def progress_chart(project, milestones, reports, fmt):
    """The chart of a project's planned against actual physical progress per month (cpms/core/charts.py); long
    projects are drawn every second (third…) month so that the chart keeps at most MAX_PERIODS points."""
    from flask_babel import format_date

    from cpms.core.charts import MAX_PERIODS, trend_chart

    ends, planned, actual = progress_series(project, milestones, reports)
    stride = -(-len(ends) // MAX_PERIODS)
    keep = list(range(len(ends) - 1, -1, -stride))[::-1]
    return trend_chart([format_date(ends[i], "MMM yy") for i in keep], [actual[i] for i in keep],
                       [planned[i] for i in keep], fmt=fmt)
