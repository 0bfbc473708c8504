"""Security diagnostics, local security plans, quarterly reviews and quick impact projects."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from cpms.committees.models import PROBLEM_CATEGORIES, Committee
from cpms.committees.service import can_see as can_see_committee
from cpms.core.bounds import check_count, check_date, check_money, check_within
from cpms.core.dashboard import Card, dashboard_provider
from cpms.core.errors import DomainError
from cpms.extensions import db
from cpms.plans.models import (
    ACTION_STATUSES,
    FREQUENCIES,
    QIP_STATUSES,
    SEVERITIES,
    Diagnostic,
    PlanAction,
    PlanReview,
    Problem,
    QuickImpactProject,
    SecurityPlan,
)

# a diagnostic ranks a handful of problems; a quick impact project serves at most a city
MAX_PRIORITY_RANK = 50
MAX_BENEFICIARIES = 1_000_000


def checked(check, *args, field):
    """Run a bounds check (cpms.core.bounds) and attach its refusal to a form field."""
    try:
        return check(*args)
    except DomainError as error:
        raise DomainError(error.message, field=field) from None


def can_see_diagnostic(diagnostic, scope):
    return can_see_committee(diagnostic.committee, scope)


def can_see_plan(plan, scope):
    return can_see_committee(plan.committee, scope)


def can_see_action(action, scope):
    return can_see_plan(db.session.get(SecurityPlan, action.plan_id), scope)


def can_see_qip(qip, scope):
    return can_see_action(qip.plan_action, scope)


def _in_area(scope):
    return scope.filter(Committee.province_id, Committee.commune_id)


def visible_plans(scope, committee_id=None):
    stmt = (select(SecurityPlan).join(Committee, Committee.id == SecurityPlan.committee_id).where(_in_area(scope))
            .order_by(SecurityPlan.start_date.desc(), Committee.name))
    if committee_id:
        stmt = stmt.where(SecurityPlan.committee_id == committee_id)
    return stmt


def visible_diagnostics(scope, committee_id=None):
    stmt = (select(Diagnostic).join(Committee, Committee.id == Diagnostic.committee_id).where(_in_area(scope))
            .order_by(Diagnostic.conducted_on.desc(), Committee.name))
    if committee_id:
        stmt = stmt.where(Diagnostic.committee_id == committee_id)
    return stmt


def visible_qips(scope):
    return (select(QuickImpactProject).join(PlanAction, PlanAction.id == QuickImpactProject.plan_action_id)
            .join(SecurityPlan, SecurityPlan.id == PlanAction.plan_id)
            .join(Committee, Committee.id == SecurityPlan.committee_id).where(_in_area(scope))
            .order_by(QuickImpactProject.status, QuickImpactProject.name))


# --- diagnostics -----------------------------------------------------------------------------

def create_diagnostic(committee, *, conducted_on, summary, today=None):
    """A committee's security diagnostic on a date. Errors: no date, a date outside the plausible range, in the
    future or before the committee was established, two on the same date."""
    today = today or date.today()
    if conducted_on is None:
        raise DomainError(_("Enter the date as YYYY-MM-DD."), field="conducted_on")
    if conducted_on > today:
        raise DomainError(_("The diagnostic's date cannot be in the future."), field="conducted_on")
    checked(check_date, conducted_on, _("The diagnostic's date"), field="conducted_on")
    if conducted_on < committee.established_on:
        raise DomainError(_("The committee was established on %(date)s: its diagnostic cannot be earlier.",
                            date=format_date(committee.established_on)), field="conducted_on")
    if db.session.scalar(select(Diagnostic.id).where(Diagnostic.committee_id == committee.id,
                                                     Diagnostic.conducted_on == conducted_on)):
        raise DomainError(_("This committee already has a diagnostic on that date."), field="conducted_on")
    diagnostic = Diagnostic(committee_id=committee.id, conducted_on=conducted_on, summary=(summary or "").strip())
    db.session.add(diagnostic)
    db.session.flush()
    return diagnostic


def add_problem(diagnostic, *, category, description, place, frequency, severity, priority_rank):
    """Add a ranked problem to a diagnostic. Errors: unknown category/frequency/severity, a rank taken."""
    if category not in PROBLEM_CATEGORIES:
        raise DomainError(_("Choose the category of the problem."), field="category")
    if frequency not in FREQUENCIES:
        raise DomainError(_("Choose how often the problem occurs."), field="frequency")
    if severity not in SEVERITIES:
        raise DomainError(_("Choose the severity of the problem."), field="severity")
    if priority_rank is None or priority_rank < 1 or priority_rank > MAX_PRIORITY_RANK:
        raise DomainError(_("The priority rank is a whole number from 1 (most urgent) to %(max)s.",
                            max=MAX_PRIORITY_RANK), field="priority_rank")
    if db.session.scalar(select(Problem.id).where(Problem.diagnostic_id == diagnostic.id,
                                                  Problem.priority_rank == priority_rank)):
        raise DomainError(_("Another problem already has priority %(rank)s in this diagnostic.", rank=priority_rank),
                          field="priority_rank")
    problem = Problem(diagnostic_id=diagnostic.id, category=category, description=(description or "").strip(),
                      place=(place or "").strip(), frequency=frequency, severity=severity, priority_rank=priority_rank)
    db.session.add(problem)
    db.session.flush()
    return problem


def diagnostic_problems(diagnostic_id):
    return db.session.scalars(select(Problem).where(Problem.diagnostic_id == diagnostic_id)
                              .order_by(Problem.priority_rank)).all()


# --- plans -----------------------------------------------------------------------------------

def create_plan(committee, *, diagnostic_id, title, start_date, end_date):
    """A local security plan answering a diagnostic of the same committee. Errors: no title, another
    committee's diagnostic, dates outside the plausible range, a start before the diagnostic or outside the
    committee's programme, end before start."""
    plan = SecurityPlan(committee_id=committee.id)
    _apply_plan(plan, committee, diagnostic_id=diagnostic_id, title=title, start_date=start_date, end_date=end_date)
    db.session.add(plan)
    db.session.flush()
    return plan


def update_plan(plan, *, diagnostic_id, title, start_date, end_date):
    """Change a plan's title, period or diagnostic; its activities must then still answer the diagnostic."""
    if diagnostic_id != plan.diagnostic_id and db.session.scalar(
            select(PlanAction.id).where(PlanAction.plan_id == plan.id).limit(1)):
        raise DomainError(_("The plan already has activities answering its diagnostic; keep that diagnostic."),
                          field="diagnostic_id")
    _apply_plan(plan, plan.committee, diagnostic_id=diagnostic_id, title=title, start_date=start_date,
                end_date=end_date)
    db.session.flush()
    return plan


def _apply_plan(plan, committee, *, diagnostic_id, title, start_date, end_date):
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Enter the plan's title."), field="title")
    diagnostic = db.session.get(Diagnostic, diagnostic_id) if diagnostic_id else None
    if diagnostic is None or diagnostic.committee_id != committee.id:
        raise DomainError(_("Choose a diagnostic of this committee."), field="diagnostic_id")
    _check_plan_dates(committee, diagnostic, start_date, end_date)
    plan.diagnostic_id, plan.title, plan.start_date, plan.end_date = diagnostic.id, title, start_date, end_date


def _check_plan_dates(committee, diagnostic, start_date, end_date):
    if start_date is None:
        raise DomainError(_("Enter the start date as YYYY-MM-DD."), field="start_date")
    if end_date is None:
        raise DomainError(_("Enter the end date as YYYY-MM-DD."), field="end_date")
    checked(check_date, start_date, _("The start date"), field="start_date")
    checked(check_date, end_date, _("The end date"), field="end_date")
    if end_date < start_date:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    if start_date < diagnostic.conducted_on:
        raise DomainError(_("The plan answers the diagnostic of %(date)s: it cannot start before it.",
                            date=format_date(diagnostic.conducted_on)), field="start_date")
    programme = committee.programme
    checked(check_within, start_date, programme.start_date, programme.end_date, _("The start date"),
            _("the programme %(code)s", code=programme.code), field="start_date")


def _check_action_dates(plan, start_date, end_date, status, today):
    if start_date is None:
        raise DomainError(_("Enter the start date as YYYY-MM-DD."), field="start_date")
    if end_date is None:
        raise DomainError(_("Enter the end date (when the activity is due) as YYYY-MM-DD."), field="end_date")
    if end_date < start_date:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    period = _("the plan's period")
    checked(check_within, start_date, plan.start_date, plan.end_date, _("The start date"), period, field="start_date")
    checked(check_within, end_date, plan.start_date, plan.end_date, _("The end date"), period, field="end_date")
    if status == "done" and start_date > today:
        raise DomainError(_("The activity starts on %(date)s: it cannot be done yet.", date=format_date(start_date)),
                          field="status")


def _apply_action(plan, action, *, problem_id, activity, responsible, partners, start_date, end_date, budget, status,
                  success_measure, today=None):
    problem = db.session.get(Problem, problem_id) if problem_id else None
    if problem is None or problem.diagnostic_id != plan.diagnostic_id:
        raise DomainError(_("Choose a problem of the plan's diagnostic."), field="problem_id")
    activity, responsible = (activity or "").strip(), (responsible or "").strip()
    if not activity:
        raise DomainError(_("Describe the activity."), field="activity")
    if not responsible:
        raise DomainError(_("Name who is responsible for the activity."), field="responsible")
    if status not in ACTION_STATUSES:
        raise DomainError(_("Choose the status of the activity."), field="status")
    _check_action_dates(plan, start_date, end_date, status, today or date.today())
    if budget is None or budget < 0:
        raise DomainError(_("The budget cannot be negative."), field="budget")
    budget = checked(check_money, budget, _("The budget"), field="budget")
    action.problem_id, action.activity, action.responsible = problem.id, activity, responsible
    action.partners, action.start_date, action.end_date = (partners or "").strip(), start_date, end_date
    action.budget, action.status, action.success_measure = Decimal(budget), status, (success_measure or "").strip()


def add_plan_action(plan, **fields):
    """Add an action to a plan, tied to a problem of its diagnostic. Errors: a problem of another
    diagnostic, no activity or responsible, no dates, dates outside the plan's period, end (the due date) before
    start, *done* before the start, a budget negative or above the money ceiling."""
    action = PlanAction(plan_id=plan.id)
    _apply_action(plan, action, **fields)
    db.session.add(action)
    db.session.flush()
    return action


def update_plan_action(action, **fields):
    _apply_action(db.session.get(SecurityPlan, action.plan_id), action, **fields)
    db.session.flush()
    return action


def plan_actions(plan):
    return db.session.scalars(select(PlanAction).join(Problem, Problem.id == PlanAction.problem_id)
                              .where(PlanAction.plan_id == plan.id)
                              .order_by(Problem.priority_rank, PlanAction.start_date, PlanAction.id)).all()


@dataclass
class Progress:
    total: int = 0
    done: int = 0
    in_progress: int = 0
    cancelled: int = 0
    budget: Decimal = Decimal("0")

    @property
    def share_done(self):
        """Done actions among the actions not cancelled."""
        counted = self.total - self.cancelled
        return self.done / counted if counted else 0.0


def plan_progress(plan_ids):
    """{plan id: Progress} in one GROUP BY query."""
    result = {pid: Progress() for pid in plan_ids}
    if not plan_ids:
        return result
    stmt = (select(PlanAction.plan_id, func.count(),
                   func.sum(case((PlanAction.status == "done", 1), else_=0)),
                   func.sum(case((PlanAction.status == "in_progress", 1), else_=0)),
                   func.sum(case((PlanAction.status == "cancelled", 1), else_=0)),
                   func.coalesce(func.sum(PlanAction.budget), 0))
            .where(PlanAction.plan_id.in_(list(plan_ids))).group_by(PlanAction.plan_id))
    for plan_id, total, done, in_progress, cancelled, budget in db.session.execute(stmt):
        result[plan_id] = Progress(total, int(done or 0), int(in_progress or 0), int(cancelled or 0),
                                   Decimal(budget or 0))
    return result


def record_review(plan, *, year, quarter, summary, today=None):
    """A quarterly progress review; it keeps the count of done actions at the time of the review.

    Errors: a quarter outside the plan's period or not yet started, a second review of a quarter, no summary.
    """
    today = today or date.today()
    if quarter not in (1, 2, 3, 4) or year is None:
        raise DomainError(_("Choose the quarter reviewed."), field="quarter")
    if not 1 <= year <= 9998:
        raise DomainError(_("Enter a year such as 2017."), field="year")
    quarter_start = date(year, 3 * quarter - 2, 1)
    quarter_end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    if quarter_start > today:
        raise DomainError(_("This quarter has not started yet."), field="quarter")
    if quarter_end <= plan.start_date or quarter_start > plan.end_date:
        raise DomainError(_("The quarter must fall within the plan's period."), field="quarter")
    summary = (summary or "").strip()
    if not summary:
        raise DomainError(_("Summarise the progress made in the quarter."), field="summary")
    if db.session.scalar(select(PlanReview.id).where(PlanReview.plan_id == plan.id, PlanReview.year == year,
                                                     PlanReview.quarter == quarter)):
        raise DomainError(_("This quarter has already been reviewed."), field="quarter")
    progress = plan_progress([plan.id])[plan.id]
    review = PlanReview(plan_id=plan.id, year=year, quarter=quarter, reviewed_on=today, summary=summary,
                        actions_done=progress.done, actions_total=progress.total - progress.cancelled)
    db.session.add(review)
    db.session.flush()
    return review


def plan_reviews(plan):
    return db.session.scalars(select(PlanReview).where(PlanReview.plan_id == plan.id)
                              .order_by(PlanReview.year, PlanReview.quarter)).all()


# --- quick impact projects -------------------------------------------------------------------

def _apply_qip(qip, action, *, name, implementer, budget, status, completed_on, beneficiaries, today):
    name, implementer = (name or "").strip(), (implementer or "").strip()
    if not name:
        raise DomainError(_("Enter the project's name."), field="name")
    if not implementer:
        raise DomainError(_("Name the implementer."), field="implementer")
    if budget is None or budget < 0:
        raise DomainError(_("The budget cannot be negative."), field="budget")
    budget = checked(check_money, budget, _("The budget"), field="budget")
    if status not in QIP_STATUSES:
        raise DomainError(_("Choose the project's status."), field="status")
    if status == "completed" and completed_on is None:
        raise DomainError(_("Enter the completion date of a completed project."), field="completed_on")
    if completed_on is not None and completed_on > today:
        raise DomainError(_("The completion date cannot be in the future."), field="completed_on")
    checked(check_date, completed_on, _("The completion date"), field="completed_on")
    if completed_on is not None and status == "completed" and completed_on < action.start_date:
        raise DomainError(_("The activity it belongs to starts on %(date)s: the project cannot be completed before.",
                            date=format_date(action.start_date)), field="completed_on")
    if beneficiaries is None or beneficiaries < 0:
        raise DomainError(_("The number of beneficiaries cannot be negative."), field="beneficiaries")
    checked(check_count, beneficiaries, _("The number of beneficiaries"), MAX_BENEFICIARIES, field="beneficiaries")
    qip.name, qip.implementer, qip.budget, qip.status = name, implementer, Decimal(budget), status
    qip.completed_on = completed_on if status == "completed" else None
    qip.beneficiaries = beneficiaries


def create_qip(action, today=None, **fields):
    """A quick impact project funded under a plan action. Errors: no name or implementer, a budget negative or
    above the money ceiling, beneficiaries negative or above MAX_BENEFICIARIES, completed without (or with a
    future, implausible or before the activity's start) completion date."""
    qip = QuickImpactProject(plan_action_id=action.id)
    _apply_qip(qip, action, today=today or date.today(), **fields)
    db.session.add(qip)
    db.session.flush()
    return qip


def update_qip(qip, today=None, **fields):
    _apply_qip(qip, qip.plan_action, today=today or date.today(), **fields)
    db.session.flush()
    return qip


def plan_qips(plan):
    return db.session.scalars(select(QuickImpactProject).join(PlanAction, PlanAction.id == QuickImpactProject.plan_action_id)
                              .where(PlanAction.plan_id == plan.id).order_by(QuickImpactProject.name)).all()


@dashboard_provider(per_user=True)  # its cards: SQL figures of the user's area (and day)
def plan_cards(user, scope):
    # SQL figures: counted by core with the page's other cards, in one statement
    plans = select(func.count()).select_from(visible_plans(scope).order_by(None).subquery()).scalar_subquery()
    qips = select(func.count()).select_from(visible_qips(scope).where(QuickImpactProject.status == "completed")
                                            .order_by(None).subquery()).scalar_subquery()
    return [Card(_l("Local security plans"), plans, "plans.plan_list"),
            Card(_l("Quick impact projects completed"), qips, "plans.qip_list")]
