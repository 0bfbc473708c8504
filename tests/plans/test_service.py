from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.plans import service
from cpms.plans.models import PlanAction, PlanReview, QuickImpactProject
from tests.conftest import english


def test_plan_progress_counts_done_actions_among_those_not_cancelled(make_plan):
    plan = make_plan(actions=[("done", 1500), ("done", 500), ("in_progress", 2000), ("planned", 0),
                              ("cancelled", 800)])
    progress = service.plan_progress([plan.id])[plan.id]
    assert (progress.total, progress.done, progress.in_progress, progress.cancelled) == (5, 2, 1, 1)
    assert progress.share_done == 0.5 and progress.budget == Decimal("4800.00")


def test_quarterly_review_keeps_the_progress_of_the_day(app, make_plan):
    plan = make_plan(actions=[("done", 100), ("planned", 100)])
    with english(app):
        review = service.record_review(plan, year=2016, quarter=4, summary="Éclairage installé",
                                       today=date(2017, 1, 10))
        assert (review.actions_done, review.actions_total) == (1, 2)
        cases = [(dict(year=2016, quarter=4), "already been reviewed"),
                 (dict(year=2015, quarter=1), "within the plan's period"),
                 (dict(year=2017, quarter=2), "has not started yet")]
        for fields, message in cases:
            with pytest.raises(DomainError) as error:
                service.record_review(plan, summary="x", today=date(2017, 1, 10), **fields)
            assert message in error.value.message
    assert _db.session.scalar(select(func.count()).select_from(PlanReview)) == 1


def test_plan_actions_must_answer_a_problem_of_the_plans_diagnostic(app, make_plan, make_committee):
    plan = make_plan()
    other = make_plan(committee=make_committee(commune="Muya"))
    foreign_problem = service.diagnostic_problems(other.diagnostic_id)[0]
    with english(app), pytest.raises(DomainError) as error:
        service.add_plan_action(plan, problem_id=foreign_problem.id, activity="Patrouilles", responsible="PNC",
                                partners="", start_date=date(2016, 8, 1), end_date=date(2016, 9, 1),
                                budget=Decimal(0), status="planned", success_measure="")
    assert "problem of the plan's diagnostic" in error.value.message
    with english(app), pytest.raises(DomainError) as error:
        service.create_plan(plan.committee, diagnostic_id=other.diagnostic_id, title="Plan",
                            start_date=date(2017, 1, 1), end_date=date(2017, 12, 31))
    assert "diagnostic of this committee" in error.value.message


def test_diagnostic_rules(app, make_committee):
    committee = make_committee()
    with english(app):
        diagnostic = service.create_diagnostic(committee, conducted_on=date(2016, 5, 2), summary="")
        with pytest.raises(DomainError) as error:
            service.create_diagnostic(committee, conducted_on=date(2099, 1, 1), summary="")
        assert "cannot be in the future" in error.value.message
        service.add_problem(diagnostic, category="youth_gangs", description="Kuluna", place="Rond-point",
                            frequency="weekly", severity=4, priority_rank=1)
        with pytest.raises(DomainError) as error:
            service.add_problem(diagnostic, category="theft", description="", place="", frequency="daily",
                                severity=2, priority_rank=1)
        assert "already has priority 1" in error.value.message


def test_quick_impact_project_completed_needs_a_date(app, make_plan):
    plan = make_plan()
    action = _db.session.scalar(select(PlanAction).where(PlanAction.plan_id == plan.id))
    fields = dict(name="Lampadaires solaires au marché", implementer="ONG Lumière", budget=Decimal("12500"),
                  status="completed", completed_on=None, beneficiaries=4000)
    with english(app), pytest.raises(DomainError) as error:
        service.create_qip(action, **fields)
    assert "completion date of a completed project" in error.value.message
    with english(app):
        qip = service.create_qip(action, **{**fields, "completed_on": date(2017, 2, 1)})
    assert qip.status == "completed" and service.plan_qips(plan) == [qip]
    assert _db.session.scalar(select(func.count()).select_from(QuickImpactProject)) == 1
