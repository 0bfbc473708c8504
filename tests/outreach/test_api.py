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
