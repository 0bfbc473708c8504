"""The API describes what it answers: every item schema is checked against real answers (the demo data), every
declared filter is in the OpenAPI document, and paging and filters out of bounds answer 400 with a message."""
import re

import pytest
from jsonschema import Draft202012Validator

from cpms.auth.service import create_api_token
from cpms.extensions import db as _db
from tests.conftest import english

# routes still answering bare objects in the OpenAPI document (may only shrink)
NOT_YET_DESCRIBED = {"api.survey_submission", "api.openapi"}


@pytest.fixture
def admin_headers(app, make_user):
    user = make_user("admin")
    with english(app):
        _token, raw = create_api_token(user)
    _db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def described_routes(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint.startswith("api.") and "GET" in rule.methods and getattr(view, "_api_item", None):
            yield rule, view._api_item


def test_every_described_answer_matches_its_schema_on_the_demo(app, demo_en, client, admin_headers):
    checked, first_ids = {}, {}
    routes = sorted(described_routes(app), key=lambda pair: len(pair[0].arguments))  # collections first
    for rule, item in routes:
        validator = Draft202012Validator(item)
        if rule.arguments:  # a detail route: the first item of its collection
            collection = rule.rule.rsplit("/", 1)[0]
            if collection not in first_ids:
                continue
            url = collection + f"/{first_ids[collection]}"
            items = [client.get(url, headers=admin_headers).get_json()]
        else:
            body = client.get(rule.rule + "?per_page=100", headers=admin_headers).get_json()
            items = body["items"]
            if items:
                first_ids[rule.rule] = items[0].get("id")
        errors = [f"{rule.rule}: {error.json_path}: {error.message}" for i in items for error in validator.iter_errors(i)]
        assert not errors, errors[:5]
        checked[rule.endpoint] = len(items)
    assert checked["api.meeting_list"] > 0 and checked["api.construction_project_list"] > 0
    assert checked["api.station_detail"] == 1 and checked["api.certificate_list"] > 0
    # the answers under an id that is not their collection's: a certificate's public check, a round's results
    schemas = {rule.endpoint: item for rule, item in described_routes(app)}
    certificate = client.get("/api/v1/certificates?per_page=1", headers=admin_headers).get_json()["items"][0]
    code = certificate["verification_url"].rstrip("/").rsplit("/", 1)[-1]
    rounds = client.get("/api/v1/survey-rounds", headers=admin_headers).get_json()["items"]
    answers = {"api.certificate_verify": client.get(f"/api/v1/certificates/verify/{code}").get_json(),
               "api.survey_round_results": client.get(f"/api/v1/survey-rounds/{rounds[-1]['id']}/results?lang=fr",
                                                      headers=admin_headers).get_json()}
    assert answers["api.certificate_verify"]["serial"] == certificate["serial"]
    assert answers["api.survey_round_results"]["measures"] and answers["api.survey_round_results"]["language"] == "fr"
    for endpoint, answer in answers.items():
        errors = [f"{endpoint}: {e.json_path}: {e.message}" for e in Draft202012Validator(schemas[endpoint])
                  .iter_errors(answer)]
        assert not errors, errors[:5]


def test_the_openapi_document_describes_items_and_declares_filters(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or "GET" not in rule.methods or rule.endpoint in NOT_YET_DESCRIBED:
            continue
        path = rule.rule.replace("/api/v1", "/api/v1").replace("<int:", "{").replace(">", "}")
        operation = doc["paths"][path.replace("<", "{")]["get"]
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        item = schema["properties"]["items"]["items"] if "items" in schema.get("properties", {}) else schema
        if not item.get("properties") and rule.endpoint != "api.indicator_values":
            missing.append(rule.endpoint)
    assert missing == []
    action_items = doc["paths"]["/api/v1/action-items"]["get"]
    params = {p["name"]: p["schema"] for p in action_items["parameters"]}
    assert params["status"]["enum"] == ["open", "in_progress", "done", "dropped"]
    assert params["overdue"]["enum"] == [0, 1] and params["committee_id"]["type"] == "integer"
    assert params["per_page"]["maximum"] == 100
    values = {p["name"] for p in doc["paths"]["/api/v1/indicators/{indicator_id}/values"]["get"]["parameters"]}
    assert {"period", "disaggregation"} <= values
    item = action_items["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["items"]["items"]
    assert item["properties"]["due_date"] == {"type": "string", "format": "date"}


@pytest.mark.parametrize("query, message", [
    ("page=0", "'page' must be an integer at least 1."),
    ("per_page=1000", "'per_page' must be an integer between 1 and 100."),
    ("per_page=abc", "'per_page' must be an integer between 1 and 100."),
    ("status=finished", "'status' must be one of: open, in_progress, done, dropped."),
    ("committee_id=abc", "'committee_id' must be an integer."),
    ("overdue=yes", "'overdue' must be 0 or 1."),
])
def test_out_of_bounds_parameters_answer_400_saying_what_is_accepted(client, admin_headers, query, message):
    response = client.get(f"/api/v1/action-items?{query}", headers=admin_headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message


def test_parameters_within_bounds_are_answered(client, admin_headers):
    response = client.get("/api/v1/action-items?page=1&per_page=100&status=open&overdue=1", headers=admin_headers)
    assert response.status_code == 200 and response.get_json()["per_page"] == 100


def _answer_schema(doc, path, method="get", status="200"):
    return doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def test_collections_under_an_id_are_pages_and_the_register_is_described_on_the_demo(app, demo_en, client,
                                                                                     admin_headers):
    """/cohorts/{id}/sessions and /enrolments are pages of items (the builder took any path with an id for a single
    item); the register and the writes answer the objects they declare."""
    doc = client.get("/api/v1/openapi.json").get_json()
    cohort_id = client.get("/api/v1/cohorts?per_page=1", headers=admin_headers).get_json()["items"][0]["id"]
    for name in ("sessions", "enrolments"):
        path = f"/api/v1/cohorts/{{cohort_id}}/{name}"
        schema = _answer_schema(doc, path)
        assert schema["required"] == ["items", "page", "per_page", "total"]
        assert {p["name"] for p in doc["paths"][path]["get"]["parameters"]} == {"cohort_id", "page", "per_page"}
        body = client.get(f"/api/v1/cohorts/{cohort_id}/{name}?per_page=100", headers=admin_headers).get_json()
        assert body["items"], name
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(body)]
        assert not errors, errors[:3]
    session_id = client.get(f"/api/v1/cohorts/{cohort_id}/sessions", headers=admin_headers).get_json()["items"][0]["id"]
    register = _answer_schema(doc, "/api/v1/sessions/{session_id}/attendance")
    assert "page" not in register["properties"] and register["properties"]["items"]["items"]["properties"]["status"][
        "enum"] == ["present", "late", "excused", "absent", None]
    body = client.get(f"/api/v1/sessions/{session_id}/attendance", headers=admin_headers).get_json()
    assert body["items"] and not list(Draft202012Validator(register).iter_errors(body))
    created = doc["paths"]["/api/v1/cohorts/{cohort_id}/enrolments"]["post"]["responses"]
    assert "201" in created and "200" not in created
    assert _answer_schema(doc, "/api/v1/sessions/{session_id}/attendance", "put")["properties"]["saved"] == {
        "type": "integer"}


def test_every_page_of_the_api_refuses_paging_out_of_bounds(app, client, admin_headers):
    doc = client.get("/api/v1/openapi.json").get_json()
    pages = [path for path, operations in doc["paths"].items() if "get" in operations
             and "page" in _answer_schema(doc, path).get("properties", {})]
    assert "/api/v1/cohorts/{cohort_id}/sessions" in pages and "/api/v1/action-items" in pages
    for path in pages:
        declared = {p["name"]: p["schema"] for p in doc["paths"][path]["get"]["parameters"]}
        assert declared["page"]["minimum"] == 1 and declared["per_page"]["maximum"] == 100, path
        url = re.sub(r"\{[a-z_]+\}", "999999", path)  # an id that does not exist: the bounds are checked first
        for query, message in (("page=0", "'page' must be an integer at least 1."),
                               ("per_page=101", "'per_page' must be an integer between 1 and 100.")):
            response = client.get(f"{url}?{query}", headers=admin_headers)
            assert response.status_code == 400, (path, query)
            assert response.get_json()["error"]["message"] == message
