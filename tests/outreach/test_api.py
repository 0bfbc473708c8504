"""The outreach API: activities of the caller's area with their reach, no names, read-only."""
import pytest

from cpms.auth.service import create_api_token
from cpms.extensions import db as _db
from cpms.outreach import service
from tests.conftest import english


@pytest.fixture
def bearer(app, make_user):
    def headers(role, area):
        user = make_user(role, provinces=[area])
        with english(app):
            _token, raw = create_api_token(user)
        _db.session.commit()
        return {"Authorization": f"Bearer {raw}"}
    return headers


def test_a_donor_reads_activities_and_reach_of_its_area_without_names(client, bearer, make_activity, make_trainee):
    activity = make_activity()
    service.add_officer(None, activity, make_trainee(sex="F").matricule)
    service.add_civilian(activity, name="Mama Bahati", organisation="", category="womens_group", sex="F")
    service.set_count(activity, category="public", sex="M", people=40, estimate_source="Comptage")
    elsewhere = make_activity(commune="Kampemba", title="Dialogue de Kampemba")
    headers = bearer("viewer", "Kasaï-Oriental")
    body = client.get("/api/v1/outreach-activities", headers=headers).get_json()
    assert [(a["title"], a["women_reached"], a["men_reached"]) for a in body["items"]] == [
        ("Atelier de confiance police–population", 2, 40)]
    detail = client.get(f"/api/v1/outreach-activities/{activity.id}", headers=headers)
    assert detail.get_json()["reach_by_category"] == [{"category": "police", "women": 1, "men": 0},
                                                      {"category": "womens_group", "women": 1, "men": 0},
                                                      {"category": "public", "women": 0, "men": 40}]
    assert "Mama Bahati" not in detail.get_data(as_text=True)
    assert client.get(f"/api/v1/outreach-activities/{elsewhere.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/outreach-activities?kind=parade", headers=headers).status_code == 400


def test_the_programme_actions_in_the_api_for_officers_not_viewers(client, bearer, make_activity):
    from datetime import date

    activity = make_activity()
    elsewhere = make_activity(commune="Kampemba", title="Dialogue de Kampemba")
    late = service.carry_to_programme(None, activity, description="Patrouilles mixtes", responsible="Commissariat",
                                      due_date=date(2016, 11, 1))
    service.carry_to_programme(None, activity, description="Réunion en 2030", responsible="Mairie",
                               due_date=date(2030, 1, 15))
    service.carry_to_programme(None, elsewhere, description="Ailleurs", responsible="Autre", due_date=date(2016, 11, 1))
    _db.session.commit()
    officer = bearer("me_officer", "Kasaï-Oriental")
    body = client.get("/api/v1/outreach-programme-actions", headers=officer).get_json()
    assert [(a["description"], a["overdue"]) for a in body["items"]] == [("Patrouilles mixtes", True),
                                                                         ("Réunion en 2030", False)]
    overdue = client.get("/api/v1/outreach-programme-actions?overdue=1", headers=officer).get_json()
    assert [(a["id"], a["activity_id"], a["responsible"]) for a in overdue["items"]] == [
        (late.id, activity.id, "Commissariat")]
    assert client.get("/api/v1/outreach-programme-actions?status=late", headers=officer).status_code == 400
    viewer = bearer("viewer", "Kasaï-Oriental")
    assert client.get("/api/v1/outreach-programme-actions", headers=viewer).status_code == 403
