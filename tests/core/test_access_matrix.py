"""Every route declares who may use it, and behaves as declared for every role and for anonymous users.

The expected matrix lives beside each domain's tests, in tests/<domain>/access.py (EXPECTED, endpoint →
roles or PUBLIC). A new route fails here until it is added there. URL parameters get sample values from
`samples(request)` in the same file: it creates the objects it needs (with fixtures from
`request.getfixturevalue`) inside the area of the scoped users, Kasaï-Oriental, and returns
{url parameter: value}.
"""
import importlib.util
from pathlib import Path

import pytest

from cpms.auth.service import create_api_token
from cpms.extensions import db as _db
from tests.access import PUBLIC
from tests.conftest import TEST_PASSWORD, english

def load_access_modules():
    modules = []
    for path in sorted(Path(__file__).resolve().parents[1].glob("*/access.py")):
        spec = importlib.util.spec_from_file_location(f"access_{path.parent.name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return modules


ACCESS_MODULES = load_access_modules()


def merged_expected():
    """The access matrix: the EXPECTED dicts of every tests/<domain>/access.py, merged."""
    expected = {}
    for module in ACCESS_MODULES:
        overlap = set(expected) & set(module.EXPECTED)
        assert not overlap, f"endpoints declared twice: {overlap}"
        expected.update(module.EXPECTED)
    return expected


EXPECTED = merged_expected()


def merged_area_neutral():
    """Routes whose objects belong to no area (courses, questionnaires, users…): declared per domain as
    AREA_NEUTRAL in tests/<domain>/access.py. Every other route with an object in its URL must answer 404
    to a user of another area."""
    neutral = set()
    for module in ACCESS_MODULES:
        neutral |= set(getattr(module, "AREA_NEUTRAL", ()))
    unknown = neutral - set(EXPECTED)
    assert not unknown, f"AREA_NEUTRAL names unknown endpoints: {unknown}"
    return neutral


AREA_NEUTRAL = merged_area_neutral()
FILE_TYPES = ("text/csv", "text/calendar", "application/pdf", "application/zip", "application/vnd.openxmlformats")


def is_file(response):
    """A download: an attachment, or a CSV/XLSX/PDF/ZIP/iCalendar body (images shown in pages are not)."""
    disposition = response.headers.get("Content-Disposition", "")
    return disposition.startswith("attachment") or response.mimetype.startswith(FILE_TYPES)


def routes(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_route_declares_its_access(app):
    undeclared = [rule.endpoint for rule in routes(app) if not hasattr(app.view_functions[rule.endpoint], "_cpms_access")]
    assert undeclared == []


def test_declarations_match_the_expected_matrix(app):
    actual = {}
    for rule in routes(app):
        kind, roles = app.view_functions[rule.endpoint]._cpms_access
        actual[rule.endpoint] = PUBLIC if kind == "public" else set(roles)
    assert actual == EXPECTED


@pytest.fixture
def sample_ids(request, db):
    """A value for every URL parameter, from each domain's access.samples(request)."""
    ids = {}
    for module in ACCESS_MODULES:
        if hasattr(module, "samples"):
            ids.update(module.samples(request))
    return ids


def _url(app, rule, ids):
    missing = set(rule.arguments) - set(ids)
    assert not missing, f"{rule.endpoint}: add a sample value for {missing} in tests/<domain>/access.py samples()"
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})


def _expected_ok(endpoint, role):
    expected = EXPECTED[endpoint]
    return expected == PUBLIC or (role is not None and role in expected)


@pytest.mark.parametrize("role", [None, "admin", "trainer", "project_officer", "me_officer", "viewer"])
def test_every_route_answers_as_declared(app, db, web, client, make_user, sample_ids, role):
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


def login_scoped(app, web, make_user, role, provinces):
    """Log a user in (cookie) and return (user, API token)."""
    user = make_user(role, provinces=provinces)
    with english(app):
        _t, token = create_api_token(user)
    _db.session.commit()
    assert web.post("/login", {"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return user, token


def request_route(app, client, web, rule, url, token, data=None):
    headers = {"Authorization": f"Bearer {token}"} if rule.endpoint.startswith("api.") else {}
    method = next(m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m in rule.methods)
    if method == "GET":
        return method, client.get(url, headers=headers)
    return method, client.open(url, method=method, headers=headers,
                               data=dict(data or {}, csrf_token=web.token("/account")))


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
