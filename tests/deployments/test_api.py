"""GET /api/v1/postings: staff only, limited to the caller's area (trainers: their cohorts), paginated."""
from datetime import date

import pytest

from cpms.auth.service import create_api_token
from cpms.extensions import db as _db
from tests.conftest import english


@pytest.fixture
def token_for(app, make_user):
    def make(role, provinces=(), user=None):
        user = user or make_user(role, provinces=provinces)
        with english(app):
            _token, raw = create_api_token(user)
        _db.session.commit()
        return {"Authorization": f"Bearer {raw}"}
    return make


def test_postings_api_is_scoped_paginated_and_closed_to_viewers(client, token_for, make_trainee, make_posting,
                                                                make_station):
    station = make_station(commune="Bipemba", name="Commissariat de Bipemba")
    officer = make_trainee(last_name="Kabeya", sex="F", matricule="1300077")
    make_posting(officer, "Muya", date(2016, 9, 1), date(2017, 1, 31), "other", note="Études")
    make_posting(officer, station=station, start=date(2017, 2, 1), function="Cheffe du bureau SGBV")
    for _ in range(3):
        make_posting(make_trainee(commune="Kampemba"), "Kampemba")

    body = client.get("/api/v1/postings?per_page=1", headers=token_for("me_officer", ["Kasaï-Oriental"])).get_json()
    assert set(body) == {"items", "page", "per_page", "total"} and (body["total"], body["per_page"]) == (2, 1)
    assert body["items"][0] == {
        **body["items"][0], "matricule": "1300077", "name": "KABEYA Jean", "sex": "F", "station_id": station.id,
        "station": "Commissariat de Bipemba", "commune": "Bipemba", "function": "Cheffe du bureau SGBV",
        "start_date": "2017-02-01", "end_date": None, "end_reason": None}
    national = token_for("admin")
    assert client.get("/api/v1/postings", headers=national).get_json()["total"] == 5
    ended = client.get("/api/v1/postings?status=ended", headers=national).get_json()["items"]
    assert [(p["commune"], p["end_reason"], p["end_note"]) for p in ended] == [("Muya", "other", "Études")]
    assert client.get("/api/v1/postings?q=kabeya", headers=national).get_json()["total"] == 2
    assert client.get("/api/v1/postings", headers=token_for("viewer")).status_code == 403
    assert client.get("/api/v1/postings").status_code == 401


def test_trainers_get_the_postings_of_their_cohorts(client, token_for, make_user, make_trainee, make_cohort,
                                                    graduate, make_posting):
    trainer = make_user("trainer", provinces=["Kasaï-Oriental"])
    mine, other = make_trainee(last_name="Mutombo"), make_trainee(last_name="Kazadi")
    graduate(make_cohort(trainers=[trainer]), [mine])
    make_posting(mine, "Bipemba")
    make_posting(other, "Bipemba")
    body = client.get("/api/v1/postings", headers=token_for("trainer", user=trainer)).get_json()
    assert [p["name"] for p in body["items"]] == ["MUTOMBO Jean"]
