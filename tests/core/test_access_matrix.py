"""Every route declares who may use it, and behaves as declared for every role and for anonymous users.

The expected matrix lives beside each domain's tests, in tests/<domain>/access.py (EXPECTED, endpoint →
roles or PUBLIC). A new route fails here until it is added there. URL parameters get sample values from
`samples(request)` in the same file: it creates the objects it needs (with fixtures from
`request.getfixturevalue`) inside the area of the scoped users, Kasaï-Oriental, and returns
{url parameter: value}. tests/helpers/access_matrix.py merges them and walks the routes.
"""
import pytest

from cpms.auth.service import create_api_token
from cpms.extensions import db as _db
from tests.access import PUBLIC
from tests.conftest import TEST_PASSWORD, english
from tests.helpers.access_matrix import (
    AREA_NEUTRAL,
    EXPECTED,
    _expected_ok,
    _url,
    is_file,
    login_scoped,
    request_route,
    routes,
)


def test_every_route_declares_its_access(app):
    undeclared = [rule.endpoint for rule in routes(app) if not hasattr(app.view_functions[rule.endpoint], "_cpms_access")]
    assert undeclared == []


def test_declarations_match_the_expected_matrix(app):
    actual = {}
    for rule in routes(app):
        kind, roles = app.view_functions[rule.endpoint]._cpms_access
        actual[rule.endpoint] = PUBLIC if kind == "public" else set(roles)
    assert actual == EXPECTED


@pytest.mark.parametrize("role", [None, "admin", "trainer", "project_officer", "me_officer", "viewer"])
def test_every_route_answers_as_declared(app, db, web, client, make_user, sample_ids, role):  # noqa: C901
    """Anonymous users are sent to the login page (401 on the API); other roles get 403; allowed ones get in."""
    token = None
    if role is not None:
        user = make_user(role, provinces=[] if role == "admin" else ["Kasaï-Oriental"])
        with english(app):
            _t, token = create_api_token(user)
        _db.session.commit()
        assert web.post("/login", {"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    problems = []
    for rule in routes(app):
        if rule.endpoint in ("auth.logout", "auth.login", "auth.two_factor_verify"):
            continue  # exercised in tests/auth; logging out here would end the session under test
        url = _url(app, rule, sample_ids)
        is_api = rule.endpoint.startswith("api.")
        headers = {"Authorization": f"Bearer {token}"} if (is_api and token) else {}
        method = next(m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m in rule.methods)
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.open(url, method=method, headers=headers,
                                   data={"csrf_token": web.token("/login" if role is None else "/account")})
        status = response.status_code
        location = response.headers.get("Location", "")
        response.close()  # a streamed file (outreach media) is read only by whoever asks for its body
        view = app.view_functions[rule.endpoint]
        if status == 200 and is_file(response) and not hasattr(view, "_cpms_export"):
            problems.append(f"{rule.endpoint} answers a file: declare @aggregate_export, @document_export or "
                            f"@personal_export (cpms/core/exports.py)")
        if _expected_ok(rule.endpoint, role):
            refused = status in (401, 403) or (status == 302 and "/login" in location and rule.endpoint != "core.set_language")
            # the suite's schema comes from create_all(), so /healthz rightly reports migrations as pending (503)
            failed = status >= 500 and not (rule.endpoint == "core.healthz" and status == 503)
            if refused or failed:
                problems.append(f"{role} {method} {url}: {status} {location}")
        elif role is None:
            if not (status == 401 if is_api else (status == 302 and "/login" in location)):
                problems.append(f"anonymous {method} {url}: {status} (expected the login page)")
        elif status != 403:
            problems.append(f"{role} {method} {url}: {status} (expected 403)")
    assert problems == []


def test_objects_outside_the_users_area_answer_404(app, web, client, login_as, make_programme):
    hkt = make_programme(provinces=["Haut-Katanga"], code="HKT")
    kor = make_programme(provinces=["Kasaï-Oriental"], code="KOR")
    login_as("project_officer", "Kasaï-Oriental")
    assert client.get(f"/programmes/{kor.id}").status_code == 200
    assert client.get(f"/programmes/{hkt.id}").status_code == 404
    listing = client.get("/programmes/").get_data(as_text=True)
    assert "KOR" in listing and "HKT" not in listing


@pytest.mark.parametrize("role", ["trainer", "project_officer", "me_officer", "viewer"])
def test_objects_of_another_area_answer_404_on_every_route(app, db, web, client, make_user, sample_ids, role):
    """The samples lie in Kasaï-Oriental; a user of the same role limited to Haut-Katanga gets 404 on every
    route that names one of them, GET or POST (only AREA_NEUTRAL routes are exempt)."""
    _user, token = login_scoped(app, web, make_user, role, ["Haut-Katanga"])
    problems, checked = [], 0
    for rule in routes(app):
        if not any(name.endswith("_id") for name in rule.arguments) or rule.endpoint in AREA_NEUTRAL or not _expected_ok(rule.endpoint, role):
            continue
        if EXPECTED[rule.endpoint] == PUBLIC:
            continue
        method, response = request_route(app, client, web, rule, _url(app, rule, sample_ids), token)
        checked += 1
        if response.status_code != 404:
            problems.append(f"{role} of Haut-Katanga {method} {rule.endpoint}: {response.status_code} (expected 404)")
    assert problems == []
    assert checked > 0
