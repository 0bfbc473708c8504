"""The JSON API: bearer tokens, the same roles and areas as the UI, JSON errors, pagination, OpenAPI."""
import re

import pytest

from cpms.auth.service import create_api_token
from cpms.extensions import db as _db
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


def test_no_token_gives_a_json_401(client):
    response = client.get("/api/v1/programmes")
    assert response.status_code == 401
    assert response.get_json()["error"]["status"] == 401


def test_session_cookie_is_not_enough_for_the_api(client, login_as):
    login_as("admin")
    assert client.get("/api/v1/users").status_code == 401


def test_role_and_area_apply_to_the_api(client, token_for, make_programme):
    hkt = make_programme(provinces=["Haut-Katanga"], code="HKT")
    make_programme(provinces=["Kasaï-Oriental"], code="KOR")
    scoped = token_for("trainer", ["Kasaï-Oriental"])
    body = client.get("/api/v1/programmes", headers=scoped).get_json()
    assert [item["code"] for item in body["items"]] == ["KOR"] and body["total"] == 1
    assert client.get(f"/api/v1/programmes/{hkt.id}", headers=scoped).status_code == 404
    forbidden = client.get("/api/v1/users", headers=scoped)
    assert forbidden.status_code == 403 and "error" in forbidden.get_json()


def test_pagination_shape(client, token_for):
    headers = token_for("viewer")
    body = client.get("/api/v1/communes?per_page=10&page=2", headers=headers).get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert body["page"] == 2 and body["per_page"] == 10 and len(body["items"]) == 10
    assert body["total"] >= 30
    everything = client.get("/api/v1/communes?per_page=100", headers=headers).get_json()
    assert len(everything["items"]) == min(100, everything["total"])


def test_admin_lists_users_without_password_data(client, token_for):
    headers = token_for("admin")
    body = client.get("/api/v1/users", headers=headers).get_json()
    assert body["total"] == 1
    assert "password_hash" not in body["items"][0] and "session_token" not in body["items"][0]


def test_openapi_document_lists_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    api_rules = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("api.")}
    documented = {"/api/v1" + path[len("/api/v1"):] for path in doc["paths"]}
    assert {r.replace("{programme_id}", "{programme_id}") for r in api_rules} <= documented
    assert doc["paths"]["/api/v1/users"]["get"]["x-cpms-roles"] == ["admin"]


def test_unknown_api_path_is_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code in (401, 404)
    assert "error" in response.get_json()


def test_openapi_types_path_parameters(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    verify = paths["/api/v1/certificates/verify/{code}"]["get"]
    assert verify["parameters"][0]["schema"] == {"type": "string"} and verify["security"] == []
    assert paths["/api/v1/programmes/{programme_id}"]["get"]["parameters"][0]["schema"] == {"type": "integer"}
