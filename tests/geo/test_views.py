from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.geo.models import City, Commune, Province, Quartier


def test_reference_places_are_listed_with_counts(client, login_as):
    login_as("viewer")
    html = client.get("/geography/").get_data(as_text=True)
    assert "Kasaï-Oriental" in html and "Haut-Katanga" in html and "Ituri" in html
    province = _db.session.scalar(select(Province).where(Province.name == "Kasaï-Oriental"))
    detail = client.get(f"/geography/provinces/{province.id}").get_data(as_text=True)
    for commune in ("Bipemba", "Muya", "Dibindi", "Kanshi", "Diulu"):
        assert commune in detail
    assert "New commune" not in detail  # only admins get the forms


def test_admin_adds_province_city_commune_and_quartier(web, client, login_as):
    login_as("admin")
    assert web.post("/geography/provinces", {"name": "Sud-Kivu"}, page="/geography/").status_code == 302
    province = _db.session.scalar(select(Province).where(Province.name == "Sud-Kivu"))
    page = f"/geography/provinces/{province.id}"
    assert web.post(f"{page}/cities", {"name": "Bukavu", "kind": "city"}, page=page).status_code == 302
    city = _db.session.scalar(select(City).where(City.name == "Bukavu"))
    assert city.province_id == province.id
    assert web.post(f"/geography/cities/{city.id}/communes", {f"city{city.id}-name": "Ibanda"}, page=page).status_code == 302
    commune = _db.session.scalar(select(Commune).where(Commune.name == "Ibanda"))
    assert commune.province_id == province.id  # kept equal to the city's province
    response = web.post(f"/geography/communes/{commune.id}/quartiers", {f"commune{commune.id}-name": "Nyalukemba"}, page=page)
    assert response.status_code == 302
    assert "Nyalukemba" in client.get(page).get_data(as_text=True)


def test_duplicate_and_empty_names_are_refused_and_nothing_saved(web, client, login_as):
    login_as("admin")
    before = _db.session.scalar(select(func.count()).select_from(Province))
    duplicate = web.post("/geography/provinces", {"name": "  haut-katanga "}, page="/geography/")
    assert duplicate.status_code == 422 and "already exists" in duplicate.get_data(as_text=True)
    empty = web.post("/geography/provinces", {"name": ""}, page="/geography/")
    assert empty.status_code == 422 and "Enter a name" in empty.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Province)) == before
    bipemba = _db.session.scalar(select(Commune).where(Commune.name == "Bipemba"))
    province_page = f"/geography/provinces/{bipemba.province_id}"
    web.post(f"/geography/communes/{bipemba.id}/quartiers", {f"commune{bipemba.id}-name": "Tshiala"}, page=province_page)
    again = web.post(f"/geography/communes/{bipemba.id}/quartiers", {f"commune{bipemba.id}-name": "TSHIALA"}, page=province_page)
    assert again.status_code == 422 and "already has a quartier" in again.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Quartier)) == 1


def test_province_page_query_count_does_not_grow_with_communes(app, web, client, login_as, count_queries):
    login_as("viewer")
    province = _db.session.scalar(select(Province).where(Province.name == "Kinshasa"))
    url = f"/geography/provinces/{province.id}"
    client.get(url)
    with count_queries() as before:
        client.get(url)
    city = _db.session.scalar(select(City).where(City.province_id == province.id))
    for n in range(30):
        commune = Commune(city_id=city.id, province_id=province.id, name=f"Commune {n}")
        _db.session.add(commune)
        _db.session.flush()
        _db.session.add(Quartier(commune_id=commune.id, name=f"Q{n}"))
    _db.session.commit()
    with count_queries() as after:
        client.get(url)
    assert len(after) == len(before)


def test_reference_communes_start_at_their_city_centre_and_an_admin_records_a_position(web, client, login_as):
    bipemba = _db.session.scalar(select(Commune).where(Commune.name == "Bipemba"))
    kampemba = _db.session.scalar(select(Commune).where(Commune.name == "Kampemba"))
    assert -6.2 < bipemba.latitude < -6.0 and 23.5 < bipemba.longitude < 23.7  # Mbuji-Mayi
    assert kampemba.latitude < -11 and kampemba.longitude > 27  # Lubumbashi
    login_as("admin")
    page = f"/geography/provinces/{bipemba.province_id}"
    url = f"/geography/communes/{bipemba.id}/position"
    prefix = f"position{bipemba.id}"
    assert web.post(url, {f"{prefix}-latitude": "-6.108", f"{prefix}-longitude": "23.612"}, page=page).status_code == 302
    _db.session.expire_all()
    assert (bipemba.latitude, bipemba.longitude) == (-6.108, 23.612)
    assert "position: -6.108, 23.612" in client.get(page).get_data(as_text=True)
    refused = web.post(url, {f"{prefix}-latitude": "6.108", f"{prefix}-longitude": "23.612"}, page=page)
    assert refused.status_code == 422 and "Bipemba: This latitude is outside the DR Congo" in refused.get_data(as_text=True)
    words = web.post(url, {f"{prefix}-latitude": "six sud", f"{prefix}-longitude": "23.6"}, page=page)
    assert words.status_code == 422 and "Enter the degrees as a decimal number" in words.get_data(as_text=True)
    half = web.post(url, {f"{prefix}-latitude": "-6.1", f"{prefix}-longitude": ""}, page=page)
    assert half.status_code == 422 and "Enter both latitude and longitude, or neither." in half.get_data(as_text=True)
    _db.session.expire_all()
    assert (bipemba.latitude, bipemba.longitude) == (-6.108, 23.612)  # nothing half-saved
    comma = web.post(url, {f"{prefix}-latitude": "-6,12", f"{prefix}-longitude": "23,6"}, page=page)
    assert comma.status_code == 302  # a decimal comma, as French speakers write it
    _db.session.expire_all()
    assert (bipemba.latitude, bipemba.longitude) == (-6.12, 23.6)


def test_province_page_maps_stations_committees_and_survey_communes_of_the_users_area(
        client, web, login_as, make_station, make_committee, make_instrument, make_round):
    make_station(name="Commissariat de Bipemba", latitude=-6.13, longitude=23.6, status="operational")
    make_station(name="Commissariat de Kampemba", commune="Kampemba", latitude=-11.66, longitude=27.48)
    make_committee(commune="Kanshi", name="CLSP Kanshi")
    make_round(make_instrument(), communes=("Bipemba", "Muya"))
    make_round(make_instrument(), name="Midline 2016", kind="midline", communes=("Bipemba",))
    kasai = _db.session.scalar(select(Province).where(Province.name == "Kasaï-Oriental"))
    katanga = _db.session.scalar(select(Province).where(Province.name == "Haut-Katanga"))
    login_as("me_officer", "Kasaï-Oriental")
    html = client.get(f"/geography/provinces/{kasai.id}").get_data(as_text=True)
    svg = html.split('<svg class="chart-map place-map" id="province-map"')[1].split("</svg>")[0]
    assert "<title>Commissariat de Bipemba – Operational</title>" in svg
    assert "<title>CLSP Kanshi (Kanshi)</title>" in svg
    # both communes are at Mbuji-Mayi's centre (reference positions): they share a marker
    assert "<title>Bipemba: 2 survey rounds; Muya: 1 survey round</title>" in svg
    assert "Kampemba" not in svg
    assert 'data-name="Kasaï-Oriental" d="' in svg and "Survey communes (2)" in html
    # read out to screen readers: the layers this user sees (equipment too: an M&E officer reads its figures)
    desc = svg.split('<desc id="province-map-desc">')[1].split("</desc>")[0]
    assert "in your area, the places of the legend:" in desc and "Survey communes" in desc and "Equipment" in desc
    # the province pages are open to all, the map keeps to the user's area
    html = client.get(f"/geography/provinces/{katanga.id}").get_data(as_text=True)
    assert "Kampemba" not in html.split('id="province-map"')[1].split("</svg>")[0]
    assert "Nothing of your area with a position in this province yet." in html


def test_province_page_map_costs_a_fixed_number_of_queries(client, login_as, make_station, make_committee,
                                                          count_queries):
    kasai = _db.session.scalar(select(Province.id).where(Province.name == "Kasaï-Oriental"))
    login_as("me_officer")
    make_station(latitude=-6.1, longitude=23.6)

    def queries():
        with count_queries() as statements:
            assert client.get(f"/geography/provinces/{kasai}").status_code == 200
        return len(statements)

    few = queries()
    for i, commune in enumerate(("Muya", "Kanshi", "Dibindi")):
        make_station(commune=commune, latitude=-6.2 - i / 5, longitude=23.6)
        make_committee(commune=commune)
    assert queries() == few
