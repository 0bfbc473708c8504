"""The rule book of security plans (docs/rules/plans.md): plausible dates, money and counts, each record within the
period of what it belongs to, an activity's responsible and due date."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.plans import service
from cpms.plans.models import Diagnostic, PlanAction, QuickImpactProject, SecurityPlan
from tests.conftest import english


def refused(app, call, message):
    with english(app):
        with pytest.raises(DomainError) as caught:
            call()
    _db.session.rollback()
    assert message in caught.value.message, caught.value.message


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def action_fields(plan, **overrides):
    problem = service.diagnostic_problems(plan.diagnostic_id)[0]
    fields = dict(problem_id=problem.id, activity="Patrouilles conjointes", responsible="PNC – sous-commissariat",
                  partners="", start_date=date(2016, 8, 1), end_date=date(2016, 10, 31), budget=Decimal(500),
                  status="planned", success_measure="", today=date(2016, 9, 1))
    fields.update(overrides)
    return fields


def test_diagnostic_dates(app, db, make_committee):
    committee = make_committee()  # established on 22 March 2016
    diagnose = lambda day: service.create_diagnostic(committee, conducted_on=day, summary="")  # noqa: E731
    refused(app, lambda: diagnose(date(2016, 3, 1)), "its diagnostic cannot be earlier")
    refused(app, lambda: diagnose(date(1850, 1, 1)), "must be between")
    refused(app, lambda: diagnose(None), "Enter the date")
    diagnose(date(2016, 4, 2))
    assert count(Diagnostic) == 1


def test_plan_dates_follow_the_diagnostic_and_the_programme(app, db, make_committee, make_plan):
    plan = make_plan()
    committee = plan.committee
    fields = dict(diagnostic_id=plan.diagnostic_id, title="Plan 2")
    create = lambda start, end: service.create_plan(committee, start_date=start, end_date=end, **fields)  # noqa: E731
    refused(app, lambda: create(date(2016, 5, 1), date(2016, 12, 31)), "cannot start before it")
    refused(app, lambda: create(date(2021, 1, 1), date(2021, 12, 31)), "must be within the programme")
    refused(app, lambda: create(date(2016, 7, 1), date(9999, 12, 31)), "must be between")
    refused(app, lambda: create(date(2016, 7, 1), date(2016, 6, 1)), "end date must be on or after")
    assert count(SecurityPlan) == 1


def test_an_activity_has_a_responsible_and_a_due_date_within_the_plan(app, db, make_plan):
    plan = make_plan()  # 1 July 2016 – 30 June 2017
    add = lambda **changes: service.add_plan_action(plan, **action_fields(plan, **changes))  # noqa: E731
    refused(app, lambda: add(responsible="  "), "Name who is responsible")
    refused(app, lambda: add(end_date=None), "Enter the end date (when the activity is due)")
    refused(app, lambda: add(end_date=date(2017, 9, 30)), "must be within the plan's period")
    refused(app, lambda: add(start_date=date(2016, 1, 1)), "must be within the plan's period")
    refused(app, lambda: add(status="done", start_date=date(2016, 10, 1)), "it cannot be done yet")
    refused(app, lambda: add(budget=Decimal(10) ** 18), "must be an amount between 0 and")
    add(status="done")
    _db.session.commit()
    assert count(PlanAction) == 2


def test_quick_impact_project_bounds(app, db, make_plan):
    plan = make_plan()
    action = service.plan_actions(plan)[0]  # starts on 1 July 2016
    fields = dict(name="Lampadaires", implementer="ONG", budget=Decimal(1000), status="completed",
                  completed_on=date(2016, 12, 1), beneficiaries=5000, today=date(2017, 1, 1))
    create = lambda **changes: service.create_qip(action, **{**fields, **changes})  # noqa: E731
    refused(app, lambda: create(beneficiaries=99_999_999_999), "must be a whole number between 0 and")
    refused(app, lambda: create(budget=Decimal(10) ** 18), "must be an amount between 0 and")
    refused(app, lambda: create(completed_on=date(2016, 6, 1)), "cannot be completed before")
    create()
    _db.session.commit()
    assert count(QuickImpactProject) == 1


def test_review_of_an_implausible_year_is_refused(app, db, make_plan):
    plan = make_plan()
    refused(app, lambda: service.record_review(plan, year=99999, quarter=1, summary="x"), "Enter a year")


def test_absurd_input_through_the_pages_is_explained(web, client, login_as, make_plan):
    plan = make_plan()
    login_as("project_officer", "Kasaï-Oriental")
    problem = service.diagnostic_problems(plan.diagnostic_id)[0]
    action = {"problem_id": problem.id, "activity": "Éclairage", "responsible": "Mairie", "partners": "",
              "start_date": "2016-08-01", "end_date": "2016-12-31", "budget": "1" + "0" * 18, "status": "planned",
              "success_measure": ""}
    response = web.post(f"/plans/{plan.id}/actions", action, page=f"/plans/{plan.id}")
    assert response.status_code == 422 and "must be an amount between 0 and" in response.get_data(as_text=True)
    response = web.post(f"/plans/{plan.id}/actions", {**action, "budget": "10", "end_date": "9999-12-31"},
                        page=f"/plans/{plan.id}")
    assert response.status_code == 422 and "must be between" in response.get_data(as_text=True)
    response = web.post(f"/plans/{plan.id}/edit", {"title": "Plan", "diagnostic_id": plan.diagnostic_id,
                                                   "start_date": "1850-01-01", "end_date": "9999-12-31"})
    assert response.status_code == 422 and "must be between" in response.get_data(as_text=True)
    assert count(PlanAction) == 1


def test_overdue_activities_are_marked_on_the_plan(client, login_as, make_committee, make_programme):
    today = date.today()
    programme = make_programme(start_date=today - timedelta(days=400), end_date=today + timedelta(days=400))
    committee = make_committee(programme=programme)
    diagnostic = service.create_diagnostic(committee, conducted_on=today - timedelta(days=100), summary="")
    service.add_problem(diagnostic, category="burglary", description="", place="", frequency="weekly", severity=3,
                        priority_rank=1)
    plan = service.create_plan(committee, diagnostic_id=diagnostic.id, title="Plan", start_date=today - timedelta(days=90),
                               end_date=today + timedelta(days=270))
    service.add_plan_action(plan, **{**action_fields(plan), "start_date": today - timedelta(days=60),
                                     "end_date": today - timedelta(days=3), "today": today})
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    assert "Overdue" in client.get(f"/plans/{plan.id}").get_data(as_text=True)
