from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.programmes.models import Programme
from tests.conftest import province_id


def _form(**overrides):
    data = {"code": "pdp-kor", "name": "Police de proximité Mbuji-Mayi", "donors": "INL",
            "start_date": "2016-03-29", "end_date": "2016-08-28", "requires_vetting": "y",
            "provinces": [str(province_id("Kasaï-Oriental"))], "description": ""}
    data.update(overrides)
    return data


def test_admin_creates_a_programme_that_requires_vetting(web, client, login_as):
    login_as("admin")
    response = web.post("/programmes/new", _form())
    assert response.status_code == 302
    programme = _db.session.scalar(select(Programme))
    assert programme.code == "PDP-KOR" and programme.requires_vetting is True
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Required by the funding" in html and "Kasaï-Oriental" in html


def test_bad_programme_input_is_explained_and_nothing_saved(web, login_as, make_programme):
    login_as("admin")
    make_programme(code="TAKEN")
    cases = [
        (_form(end_date="2015-01-01"), "end date must be on or after the start date"),
        (_form(code="taken"), "already uses the code TAKEN"),
        (_form(provinces=[]), "at least one province"),
        (_form(start_date="29/03/2016"), "YYYY-MM-DD"),
    ]
    for data, message in cases:
        response = web.post("/programmes/new", data)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True)
    assert _db.session.scalar(select(Programme.code).where(Programme.code != "TAKEN")) is None


def test_programme_list_for_scoped_and_national_users(client, login_as, make_programme):
    make_programme(provinces=["Haut-Katanga"], code="HKT")
    make_programme(provinces=["Kasaï-Oriental"], code="KOR")
    login_as("me_officer")  # no area limit: the whole country
    html = client.get("/programmes/").get_data(as_text=True)
    assert "HKT" in html and "KOR" in html and "2 results" in html


def test_commune_limited_user_sees_programmes_of_that_province(client, login_as, make_programme):
    make_programme(provinces=["Haut-Katanga"], code="HKT")
    make_programme(provinces=["Kasaï-Oriental"], code="KOR")
    login_as("project_officer", communes=["Bipemba"])
    html = client.get("/programmes/").get_data(as_text=True)
    assert "KOR" in html and "HKT" not in html
