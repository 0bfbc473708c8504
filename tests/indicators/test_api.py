"""API: the indicators of the frameworks and their values per period and disaggregation, within the caller's area."""
from cpms.auth.service import create_api_token
from cpms.extensions import db as _db
from tests.conftest import english


def token_for(app, user):
    with english(app):
        _t, raw = create_api_token(user)
    _db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_indicator_list_and_values(app, client, make_user, reporting):
    headers = token_for(app, make_user("viewer"))
    listing = client.get("/api/v1/indicators", headers=headers).get_json()
    assert listing["total"] == 2
    dlg = next(item for item in listing["items"] if item["code"] == "DLG")
    assert dlg["programme"] == "PDP-TEST" and dlg["result"]["code"] == "OC1"
    assert dlg["baseline"] == {"value": 0.0, "date": "2015-06-30"} and dlg["life_of_programme_target"] == 1000
    body = client.get(f"/api/v1/indicators/{dlg['id']}/values?period=FY2017-Q1&disaggregation=sex",
                      headers=headers).get_json()
    assert body["period"] == {"key": "FY2017-Q1", "start": "2016-10-01", "end": "2016-12-31"}
    assert (body["total"]["actual"], body["total"]["target"], body["total"]["status"]) == (90.0, 100.0, "on_track")
    assert {row["category"]: row["actual"] for row in body["breakdown"]} == {"F": 40.0, "M": 50.0}
    assert body["total"]["trend"][-1] == {"period": "FY2017-Q1", "value": 90.0, "target": 100.0}


def test_errors_and_area(app, client, make_user, reporting):
    headers = token_for(app, make_user("me_officer"))
    url = f"/api/v1/indicators/{reporting.mtg.id}/values"
    bad = client.get(f"{url}?period=2017-Q9", headers=headers)
    assert bad.status_code == 400 and "write it like FY2017-Q1" in bad.get_json()["error"]["message"]
    assert client.get(f"{url}?disaggregation=sex", headers=headers).status_code == 400
    assert client.get(f"{url}?disaggregation=commune", headers=headers).status_code == 200
    katanga = token_for(app, make_user("project_officer", provinces=["Haut-Katanga"]))
    assert client.get(url, headers=katanga).status_code == 404
    assert client.get("/api/v1/indicators", headers=katanga).get_json()["total"] == 0
    assert client.get(url).status_code == 401
