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
        _t, token = create_api_token(user, user)
    _db.session.commit()
    answer = client.get("/api/v1/security-plans", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert answer["total"] == 1 and answer["items"][0]["actions"] == 1
