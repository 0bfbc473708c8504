"""No page, list, report, export or API answer shows rows of an area the user may not see, and viewers
(donors) never see personal data. Driven by app.url_map and the access matrix, so new routes are covered.

The samples of every tests/<domain>/access.py lie in Kasaï-Oriental. Text stored in those rows (names,
matricules, titles…) stands for the rows: a user limited to Haut-Katanga must read none of it anywhere,
while a user of Kasaï-Oriental with the same role reads some (so the check can fail).
"""
import pytest

from tests.access import PUBLIC
from tests.helpers.access_matrix import (
    EXPECTED,
    _expected_ok,
    _url,
    login_scoped,
    request_route,
    routes,
)
from tests.security.content import area_markers, personal_markers, readable_text, shows

EXPORT_REASON = {"reason": "Checking the area filter of this export"}


def _readable_routes(app, role, with_objects):
    for rule in routes(app):
        if "GET" not in rule.methods or EXPECTED[rule.endpoint] == PUBLIC or not _expected_ok(rule.endpoint, role):
            continue
        if rule.endpoint in ("auth.logout",):
            continue
        has_objects = any(name.endswith("_id") for name in rule.arguments)
        if has_objects and not with_objects:
            continue
        yield rule


def _read_everything(app, client, web, role, token, ids, with_objects=False):
    """{endpoint: readable text} for every GET route the role may use (personal exports with a reason)."""
    texts = {}
    for rule in _readable_routes(app, role, with_objects):
        url = _url(app, rule, ids)
        if getattr(app.view_functions[rule.endpoint], "_cpms_export", None) == "personal":
            url += ("&" if "?" in url else "?") + "reason=" + EXPORT_REASON["reason"].replace(" ", "+")
        _method, response = request_route(app, client, web, rule, url, token)
        assert response.status_code < 500, f"{rule.endpoint}: {response.status_code}"
        texts[rule.endpoint] = readable_text(response) if response.status_code == 200 else ""
    return texts


@pytest.mark.parametrize("role", ["trainer", "project_officer", "me_officer", "viewer"])
def test_lists_exports_and_api_show_no_rows_of_another_area(app, db, web, client, make_user, sample_ids, role):
    markers = area_markers()
    assert len(markers) > 10, markers

    _user, token = login_scoped(app, web, make_user, role, ["Haut-Katanga"])
    elsewhere = _read_everything(app, client, web, role, token, sample_ids)
    leaks = sorted({f"{endpoint} shows {where} {value!r}" for endpoint, text in elsewhere.items()
                    for value, where in markers.items() if shows(text, value)})
    assert leaks == []

    web.client.delete_cookie("session")
    _user, token = login_scoped(app, web, make_user, role, ["Kasaï-Oriental"])
    here = _read_everything(app, client, web, role, token, sample_ids)
    seen = {value for text in here.values() for value in markers if shows(text, value)}
    assert seen, f"a {role} of Kasaï-Oriental should read some of the area's rows"


def test_viewers_see_no_personal_data_anywhere(app, db, web, client, make_user, sample_ids):
    """Every page, export and API answer a viewer may open, with every sample object: no value of a column
    classified personal or sensitive (the viewer's own name and e-mail aside)."""
    viewer, token = login_scoped(app, web, make_user, "viewer", [])
    markers = personal_markers(exclude={viewer.name, viewer.email})
    assert any(where.startswith("trainees.") for where in markers.values())
    texts = _read_everything(app, client, web, "viewer", token, sample_ids, with_objects=True)
    leaks = sorted({f"{endpoint} shows {where} {value!r}" for endpoint, text in texts.items()
                    for value, where in markers.items() if shows(text, value)})
    assert leaks == []
