"""Rows counted in lists, exports and API answers with data in two areas: a user of Kasaï-Oriental gets the
Kasaï-Oriental rows and not one of Haut-Katanga's, an admin gets both."""
import io
import re

import pytest
from openpyxl import load_workbook

from tests.helpers.access_matrix import login_scoped

REASON = "reason=Checking+the+rows+of+this+export"
AREAS = {"Kasaï-Oriental": "Bipemba", "Haut-Katanga": "Kampemba"}


def count_rows(response):
    assert response.status_code == 200, response.status_code
    if response.mimetype == "application/json":
        body = response.get_json()
        assert body["total"] == len(body["items"]) if "total" in body else True
        return len(body["items"])
    if response.mimetype.startswith("text/csv"):
        return len(response.get_data(as_text=True).strip().splitlines()) - 1
    if response.mimetype.startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
        rows = [row for row in sheet.iter_rows(values_only=True) if any(v not in (None, "") for v in row)]
        return len(rows) - 1
    html = response.get_data(as_text=True)
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    return sum(len(re.findall(r"<tr[ >]", body)) for body in bodies)


@pytest.fixture
def two_areas(db, make_programme, make_trainee, make_cohort, make_project, make_action_item, make_committee,
              make_meeting):
    """In each area: 2 trainees, 1 cohort, 1 programme of its own, 1 committee with 1 meeting and 1 action
    item, 1 station with its construction project."""
    for province, commune in AREAS.items():
        for n in range(2):
            make_trainee(commune=commune, last_name=f"Agent{province[:3]}{n}")
        make_cohort(commune=commune, provinces=(province,))
        programme = make_programme(provinces=[province], code=f"PRG-{province[:3].upper()}")
        committee = make_committee(programme=programme, commune=commune)
        make_action_item(make_meeting(committee))
    return AREAS


@pytest.fixture
def stations_in_two_areas(make_station, make_project):
    for commune in AREAS.values():
        make_project(station=make_station(commune=commune))


# url → rows expected for one area (an admin sees twice as many)
PER_AREA = {
    "/training/trainees": 2,
    "/training/trainees/export.csv?" + REASON: 2,
    "/training/trainees/export.xlsx?" + REASON: 2,
    "/api/v1/trainees": 2,
    "/training/": 1,
    "/api/v1/cohorts": 1,
    "/committees/": 1,
    "/committees/action-items": 1,
    "/committees/action-items.csv?" + REASON: 1,
    "/api/v1/committees": 1,
    "/api/v1/meetings": 1,
    "/api/v1/action-items": 1,
    "/stations/": 1,
    "/api/v1/stations": 1,
    "/construction/": 1,
    "/construction/export.xlsx": 1,
    "/api/v1/construction-projects": 1,
}


def _counts(app, client, web, make_user, role, provinces):
    _user, token = login_scoped(app, web, make_user, role, provinces)
    counts = {}
    for url in PER_AREA:
        headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
        counts[url] = count_rows(client.get(url, headers=headers))
    return counts


def test_a_scoped_user_counts_only_the_rows_of_their_area(app, client, web, make_user, two_areas,
                                                          stations_in_two_areas):
    scoped = _counts(app, client, web, make_user, "project_officer", ["Kasaï-Oriental"])
    assert scoped == PER_AREA


def test_an_admin_counts_the_rows_of_both_areas(app, client, web, make_user, two_areas, stations_in_two_areas):
    national = _counts(app, client, web, make_user, "admin", [])
    assert national == {url: 2 * n for url, n in PER_AREA.items()}
