"""The plan of the programme running today: activities done, overdue, due this week and next week."""
from datetime import date, timedelta

from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.plans import service
from cpms.plans.models import PlanAction


def test_todays_plan_has_activities_due_this_week_next_week_and_overdue(app, db, client, login_as, make_programme,
                                                                      make_committee):
    from cpms.plans.demo import current_committee, current_plan

    today = date.today()
    programme = make_programme(start_date=date(today.year - 1, 1, 1), end_date=date(today.year + 1, 12, 31))
    assert current_committee(programme) is None
    committee = make_committee(programme=programme, commune="Diulu")
    assert current_committee(programme).id == committee.id
    with app.test_request_context():
        plan = current_plan(committee, today)
    _db.session.commit()
    actions = service.plan_actions(plan)
    open_due = [a.end_date for a in actions if a.status in ("planned", "in_progress")]
    end_of_week = today + timedelta(days=6 - today.weekday())
    assert len([d for d in open_due if d < today]) == 2
    assert any(today <= d <= end_of_week for d in open_due)
    assert any(end_of_week < d <= end_of_week + timedelta(days=7) for d in open_due)
    assert _db.session.scalar(select(PlanAction.status).where(PlanAction.plan_id == plan.id,
                                                             PlanAction.end_date < today - timedelta(days=15))) == "done"
    login_as("project_officer", "Kasaï-Oriental")
    assert "Overdue" in client.get(f"/plans/{plan.id}").get_data(as_text=True)
