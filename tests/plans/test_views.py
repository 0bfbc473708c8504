from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.plans.models import Diagnostic, PlanAction, Problem, SecurityPlan


def test_officer_records_a_diagnostic_a_plan_and_an_action(web, client, login_as, make_committee):
    committee = make_committee(name="CLSP de Muya", commune="Muya")
    login_as("project_officer", "Kasaï-Oriental")
    response = web.post(f"/plans/committees/{committee.id}/diagnostics/new",
                        {"conducted_on": "2016-05-02", "summary": "Atelier diagnostic"})
    assert response.status_code == 302
    diagnostic = _db.session.scalar(select(Diagnostic))
    response = web.post(f"/plans/diagnostics/{diagnostic.id}/problems", {
        "priority_rank": "1", "category": "burglary", "description": "Cambriolages la nuit", "place": "Marché",
        "frequency": "weekly", "severity": "3"}, page=f"/plans/diagnostics/{diagnostic.id}")
    assert response.status_code == 302
    response = web.post(f"/plans/committees/{committee.id}/plans/new", {
        "title": "Plan local de sécurité de Muya", "diagnostic_id": diagnostic.id, "start_date": "2016-07-01",
        "end_date": "2017-06-30"})
    assert response.status_code == 302
    plan = _db.session.scalar(select(SecurityPlan))
    problem = _db.session.scalar(select(Problem))
    action = {"problem_id": problem.id, "activity": "Éclairage public", "responsible": "Mairie de Muya",
              "partners": "PNC", "start_date": "2016-08-01", "end_date": "2016-12-31", "budget": "2500",
              "status": "done", "success_measure": "Cambriolages en baisse"}
    assert web.post(f"/plans/{plan.id}/actions", action, page=f"/plans/{plan.id}").status_code == 302
    bad = web.post(f"/plans/{plan.id}/actions", {**action, "end_date": "2016-01-01"}, page=f"/plans/{plan.id}")
    assert bad.status_code == 422 and "end date must be on or after" in bad.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(PlanAction)) == 1
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "1 of 1 activities done (100 %)" in html and "Éclairage public" in html


def test_plan_lists_and_api_stay_in_the_users_area(client, login_as, make_user, make_plan, make_committee):
    from cpms.auth.service import create_api_token
    from tests.conftest import english

    make_plan(committee=make_committee(commune="Bipemba", name="CLSP de Bipemba"))
    make_plan(committee=make_committee(commune="Kampemba", province="Haut-Katanga", name="CLSP de Kampemba"))
    user = login_as("viewer", "Kasaï-Oriental")
    html = client.get("/plans/").get_data(as_text=True)
    assert "CLSP de Bipemba" in html and "Kampemba" not in html and "1 result" in html
    with english(client.application):
        _t, token = create_api_token(user)
    _db.session.commit()
    answer = client.get("/api/v1/security-plans", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert answer["total"] == 1 and answer["items"][0]["actions"] == 1


def test_objects_outside_the_users_area_answer_404(client, login_as, make_plan, make_committee, make_meeting,
                                                   make_member, make_action_item):
    from cpms.plans.models import PlanAction

    committee = make_committee(commune="Kampemba", province="Haut-Katanga", name="CLSP de Kampemba")
    plan = make_plan(committee=committee)
    member = make_member(committee)
    meeting = make_meeting(committee, present=[member])
    item = make_action_item(meeting)
    action = _db.session.scalar(select(PlanAction).where(PlanAction.plan_id == plan.id))
    login_as("project_officer", "Kasaï-Oriental")
    for url in (f"/committees/{committee.id}", f"/committees/{committee.id}/calendar.ics",
                f"/committees/meetings/{meeting.id}", f"/committees/meetings/{meeting.id}/minutes.pdf",
                f"/committees/members/{member.id}/edit", f"/committees/action-items/{item.id}",
                f"/plans/{plan.id}", f"/plans/diagnostics/{plan.diagnostic_id}", f"/plans/actions/{action.id}/edit",
                f"/plans/actions/{action.id}/quick-impact-projects/new"):
        assert client.get(url).status_code == 404, url


def test_quick_impact_project_and_quarterly_review_through_the_web(web, client, login_as, make_plan):
    from cpms.plans.models import PlanReview, QuickImpactProject

    plan = make_plan(actions=[("done", 12500), ("planned", 0)])
    action = _db.session.scalar(select(PlanAction).where(PlanAction.plan_id == plan.id).order_by(PlanAction.id))
    login_as("project_officer", "Kasaï-Oriental")
    url = f"/plans/actions/{action.id}/quick-impact-projects/new"
    qip = {"name": "Lampadaires solaires du marché", "implementer": "ONG Lumière", "budget": "12500",
           "status": "completed", "completed_on": "", "beneficiaries": "6000"}
    response = web.post(url, qip)
    assert response.status_code == 422 and "completion date of a completed project" in response.get_data(as_text=True)
    assert web.post(url, {**qip, "completed_on": "2016-12-15"}).status_code == 302
    assert _db.session.scalar(select(func.count()).select_from(QuickImpactProject)) == 1
    page = f"/plans/{plan.id}"
    response = web.post(f"{page}/reviews", {"year": "2016", "quarter": "4", "summary": "Lampadaires installés"},
                        page=page)
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "2016 T4" in html and "1 / 2" in html and "Lampadaires solaires du marché" in html
    response = web.post(f"{page}/reviews", {"year": "2016", "quarter": "4", "summary": "Encore"}, page=page)
    assert response.status_code == 422 and "already been reviewed" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(PlanReview)) == 1
    listing = client.get("/plans/quick-impact-projects").get_data(as_text=True)
    assert "Lampadaires solaires du marché" in listing and "1 result" in listing


def test_plan_period_is_edited_but_its_diagnostic_kept_once_it_has_activities(web, client, login_as, make_plan):
    from cpms.plans import service

    plan = make_plan()
    other = service.create_diagnostic(plan.committee, conducted_on=plan.diagnostic.conducted_on.replace(day=20),
                                      summary="")
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    data = {"title": "Plan local de sécurité 2016–2018", "diagnostic_id": plan.diagnostic_id,
            "start_date": "2016-07-01", "end_date": "2018-06-30"}
    response = web.post(f"/plans/{plan.id}/edit", {**data, "diagnostic_id": other.id})
    assert response.status_code == 422 and "keep that diagnostic" in response.get_data(as_text=True)
    assert web.post(f"/plans/{plan.id}/edit", data).status_code == 302
    _db.session.expire_all()
    assert _db.session.get(SecurityPlan, plan.id).end_date.isoformat() == "2018-06-30"
