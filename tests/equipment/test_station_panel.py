"""What a station received, on its page (a panel equipment offers to the slot "stations.station") and on the area
maps (the layer equipment offers to cpms.geo.maps.area_map) – for those who may read it only."""
import re
from datetime import date
from decimal import Decimal

from cpms.equipment import service
from cpms.extensions import db as _db
from tests.conftest import province_id

BIPEMBA = {"latitude": -6.12, "longitude": 23.6}


def summary_table(page):
    return page.split('id="station-equipment-summary"')[1].split("</table>")[0]


def cells(row_html):
    """The text of each cell, tags dropped (the states are written below the category)."""
    return [" ".join(re.sub(r"<[^>]+>", " ", cell.split(">", 1)[1].split("</td>")[0]).split())
            for cell in row_html.split("<td")[1:]]


def test_the_station_page_shows_what_it_holds_by_category_with_value_and_state(web, login_as, make_item, make_station,
                                                                              make_delivery):
    station = make_station(name="Commissariat de Bipemba")
    radios = [make_item(unit_value=Decimal("420")) for _n in range(3)]
    vests = make_item(category="uniforms", description="Gilets", quantity=20, unit_value=Decimal("35.50"))
    computer = make_item(category="it", description="Ordinateur portable")  # no unit value
    make_delivery(station=station, items=radios + [vests, computer], delivered_on=date(2017, 2, 1))
    service.record_check(None, radios[0], checked_on=date(2017, 6, 1), condition="damaged", note="Antenne cassée")
    service.record_check(None, radios[1], checked_on=date(2017, 6, 1), condition="in_use", note="")
    service.report_loss(None, radios[2], reported_on=date(2017, 7, 1), circumstances="Volée",
                        police_report_reference="")
    service.record_check(None, vests, checked_on=date(2017, 6, 1), condition="in_use", note="")
    service.dispose_item(computer, disposed_on=date(2017, 8, 1), reason="obsolete", note="",
                         authorised_by="Chef de projet")
    _db.session.commit()

    login_as("project_officer", "Kasaï-Oriental")
    rows = summary_table(web.get(f"/stations/{station.id}").get_data(as_text=True)).split("<tr>")[2:]
    # categories in their order; the disposed computer is gone; the stolen radio still counts, as reported lost
    assert [cells(row) for row in rows] == [
        ["Communication (radios, telephones) In use 1; Damaged 1; Reported lost 1", "3", "$1,260.00"],
        ["Uniforms and protective gear In use 20", "20", "$710.00"]]

    web.post("/logout", page="/account")
    login_as("me_officer", "Kasaï-Oriental", locale="fr")
    page = web.get(f"/stations/{station.id}").get_data(as_text=True)
    assert "Communication (radios, téléphones)" in summary_table(page) and "Déclaré perdu 1" in summary_table(page)


def test_the_panel_is_left_out_for_trainers_and_outside_the_area(web, login_as, make_station, make_delivery):
    station = make_station(name="Commissariat de Bipemba")
    make_delivery(station=station)
    login_as("trainer", "Kasaï-Oriental")
    page = web.get(f"/stations/{station.id}").get_data(as_text=True)
    assert "Commissariat de Bipemba" in page and "station-equipment" not in page


def test_the_area_map_shows_what_each_station_holds_to_readers_of_equipment_figures(web, login_as, make_item,
                                                                                     make_station, make_delivery):
    bipemba = make_station(name="Commissariat de Bipemba", **BIPEMBA)
    muya = make_station(commune="Muya", name="Sous-commissariat Muya", latitude=-6.15, longitude=23.62)
    make_station(commune="Muya", name="Poste sans matériel", latitude=-6.16, longitude=23.63)
    make_delivery(station=bipemba, items=[make_item(), make_item(),
                                          make_item(category="it", description="Ordinateur portable")])
    make_delivery(station=muya, items=[make_item(category="sgbv_kit", description="Kit VSBG", quantity=2)])
    url = f"/geography/provinces/{province_id('Kasaï-Oriental')}"

    login_as("viewer", "Kasaï-Oriental")
    page = web.get(url).get_data(as_text=True)
    assert ("<title>Commissariat de Bipemba – equipment: IT (computers, printers) 1, "
            "Communication (radios, telephones) 2</title>") in page
    assert "<title>Sous-commissariat Muya – equipment: SGBV/child-protection desk kit 2</title>" in page
    assert "Poste sans matériel – equipment" not in page and "Equipment held (at the station)" in page

    web.post("/logout", page="/account")
    login_as("trainer", "Kasaï-Oriental")
    page = web.get(url).get_data(as_text=True)
    assert "– equipment:" not in page and "Equipment held" not in page


def test_the_layer_is_bounded_and_counts_every_station(app, make_item, make_station, make_delivery):
    from cpms.core.permissions import Scope
    from cpms.equipment.service.places import equipment_places

    for name in ("Poste A", "Poste B", "Poste C"):
        make_delivery(station=make_station(name=name, **BIPEMBA), items=[make_item(), make_item(category="it")])
    with app.test_request_context():
        places, total = equipment_places(Scope.national(), cap=2)
        assert total == 3 and [place.name for place in places] == ["Poste A", "Poste B"]
        places, total = equipment_places(Scope({province_id("Haut-Katanga")}, set(), {province_id("Haut-Katanga")}))
        assert (places, total) == ([], 0)
