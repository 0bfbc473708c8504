"""The access matrix: every route's expected access, merged from tests/<domain>/access.py, and the walker that
requests each route (shared by tests/core/test_access_matrix.py and tests/security).

Each tests/<domain>/access.py declares EXPECTED (endpoint → roles or PUBLIC), optionally AREA_NEUTRAL, and
`samples(request)`, which creates the objects its URL parameters need (with fixtures from
`request.getfixturevalue`) inside the area of the scoped users, Kasaï-Oriental, and returns {url parameter: value}.
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
