"""GET /api/v1/stations and /api/v1/construction-projects: roles, areas, milestones and computed figures."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from cpms.auth.service import create_api_token
from cpms.extensions import db as _db
from cpms.stations import service
from tests.conftest import english


@pytest.fixture
def token_for(app, make_user):
    def make(role, provinces=()):
        user = make_user(role, provinces=provinces)
        with english(app):
            _token, raw = create_api_token(user)
        _db.session.commit()
        return {"Authorization": f"Bearer {raw}"}
    return make


def test_stations_api_is_scoped_and_closed_to_viewers(client, token_for, make_station):
    bipemba = make_station(name="Commissariat de Bipemba", latitude=-6.11, longitude=23.61,
                           specialised_units=["sgbv_desk"], staff_count=64)
    kampemba = make_station(name="Commissariat de Kampemba", commune="Kampemba")
    body = client.get("/api/v1/stations", headers=token_for("trainer", ["Kasaï-Oriental"])).get_json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item == {**item, "name": "Commissariat de Bipemba", "kind": "commissariat", "commune": "Bipemba",
                    "city": "Mbuji-Mayi", "province": "Kasaï-Oriental", "latitude": -6.11, "longitude": 23.61,
                    "specialised_units": ["sgbv_desk"], "staff_count": 64, "status": "under_construction"}
    scoped = token_for("project_officer", ["Kasaï-Oriental"])
    assert client.get(f"/api/v1/stations/{kampemba.id}", headers=scoped).status_code == 404
    assert client.get(f"/api/v1/stations/{bipemba.id}", headers=scoped).get_json()["id"] == bipemba.id
    assert client.get("/api/v1/stations", headers=token_for("viewer")).status_code == 403


def test_construction_projects_api_has_milestones_progress_budget_and_delay(client, token_for, make_project):
    today = date.today()
    project = make_project(start_date=today - timedelta(days=120), planned_completion_date=today + timedelta(days=80),
                           contract_amount=Decimal("50000"))
    milestones = service.project_milestones(project)
    for milestone in milestones[:5]:
        milestone.actual_date = milestone.planned_date
    service.record_expenditure(project, spent_on=today, amount=Decimal("21000"), description="Advance")
    _db.session.commit()

    body = client.get("/api/v1/construction-projects", headers=token_for("viewer")).get_json()
    assert set(body) == {"items", "page", "per_page", "total"} and body["total"] == 1
    item = body["items"][0]
    assert item["progress_percent"] == item["milestone_progress_percent"] == 30.0
    assert (item["contract_amount"], item["spent"], item["variance"], item["budget_used_percent"]) == (
        50000.0, 21000.0, 29000.0, 42.0)
    assert item["currency"] == "USD" and item["status"] == "amber"  # walls 20 days late
    walls = item["milestones"][5]
    assert walls["code"] == "walls" and walls["is_overdue"] is True and walls["delay_days"] == 20
    assert walls["delay_days"] == item["slippage_days"] == (today - date.fromisoformat(walls["planned_date"])).days
    assert [m["position"] for m in item["milestones"]] == list(range(1, 12))
    assert [m["code"] for m in item["milestones"] if m["is_required"]] == ["roofing", "finishing", "equipment"]

    other = token_for("me_officer", ["Haut-Katanga"])
    assert client.get("/api/v1/construction-projects", headers=other).get_json()["total"] == 0
    assert client.get(f"/api/v1/construction-projects/{project.id}", headers=other).status_code == 404
    assert client.get("/api/v1/construction-projects", headers=token_for("trainer")).status_code == 403
