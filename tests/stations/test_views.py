"""Station and construction pages through the test client: forms, refusals, history, portfolio, export."""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.stations import service
from cpms.stations.models import ConstructionProject, Expenditure, Handover, Milestone, Station
from tests.conftest import commune_id


def station_form(**overrides):
    data = {"name": "Sous-commissariat de Tshiala", "kind": "sub_commissariat", "commune_id": str(commune_id("Bipemba")),
            "status": "planned", "latitude": "-6.1158", "longitude": "23.6302", "specialised_units": ["sgbv_desk",
                                                                                                       "child_protection"],
            "staff_count": "20", "notes": ""}
    data.update(overrides)
    return data


def test_project_officer_registers_a_station(web, client, login_as):
    login_as("project_officer", "Kasaï-Oriental")
    response = web.post("/stations/new", station_form())
    assert response.status_code == 302
    station = _db.session.scalar(select(Station))
    assert (station.latitude, station.longitude, station.staff_count) == (-6.1158, 23.6302, 20)
    assert station.specialised_units == ["child_protection", "sgbv_desk"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sous-commissariat de Tshiala" in html and "SGBV desk" in html and "-6.1158, 23.6302" in html
    assert "No construction or rehabilitation is recorded" in html


def test_bad_station_input_is_explained_and_nothing_saved(web, login_as):
    login_as("project_officer", "Kasaï-Oriental")
    cases = [
        (station_form(latitude="48.8566", longitude="2.3522"), "latitude is outside the DR Congo"),
        (station_form(longitude=""), "Enter both latitude and longitude"),
        (station_form(staff_count="-4"), "between 0 and"),
        (station_form(staff_count="99999999999"), "between 0 and"),
        (station_form(name=""), "Enter the station"),
        (station_form(commune_id=str(commune_id("Kampemba"))), "Not a valid choice"),  # outside the area: not offered
    ]
    for data, message in cases:
        response = web.post("/stations/new", data)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    assert _db.session.scalar(select(func.count()).select_from(Station)) == 0


def project_form(station, programme, **overrides):
    data = {"station_id": str(station.id), "programme_id": str(programme.id), "kind": "new_build",
            "contractor": "Bâtisseurs du Kasaï SPRL", "contract_amount": "46000", "currency": "USD",
            "start_date": "2016-04-15", "planned_completion_date": "2016-11-30", "description": ""}
    data.update(overrides)
    return data


def test_project_from_the_template_and_its_refusals(web, client, login_as, make_station, make_programme, milestone_template):
    station = make_station()
    programme = make_programme(provinces=["Kasaï-Oriental"])
    login_as("project_officer", "Kasaï-Oriental")
    form_page = client.get(f"/construction/new?station_id={station.id}").get_data(as_text=True)
    assert "11 milestones from the template" in form_page and f'<option selected value="{station.id}"' in form_page
    for overrides, message in [
        (dict(planned_completion_date="2016-01-01"), "planned completion must be on or after the start date"),
        (dict(contract_amount="-46000"), "must be greater than zero"),
        (dict(start_date="15/04/2016"), "Enter the start date as YYYY-MM-DD"),
        (dict(currency="EUR"), "Not a valid choice"),
    ]:
        response = web.post("/construction/new", project_form(station, programme, **overrides))
        assert response.status_code == 422 and message in response.get_data(as_text=True), message
    assert _db.session.scalar(select(func.count()).select_from(ConstructionProject)) == 0

    response = web.post("/construction/new", project_form(station, programme))
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Site identification" in html and "Final handover" in html and "$46,000.00" in html
    assert _db.session.scalar(select(func.count()).select_from(Milestone)) == 11


def test_milestones_expenditure_checklist_and_handover_through_the_pages(web, client, login_as, make_project):
    project = make_project(start_date=date.today() - timedelta(days=200),
                           planned_completion_date=date.today() + timedelta(days=30))
    login_as("project_officer", "Kasaï-Oriental")
    page = client.get(f"/construction/{project.id}/milestones").get_data(as_text=True)
    ids = re.findall(r'name="rows-(\d+)-id" type="hidden" value="(\d+)"', page)
    assert len(ids) == 11  # and one blank line to add a milestone
    data = {}
    for index, milestone in enumerate(service.project_milestones(project)):
        data.update({f"rows-{index}-id": str(milestone.id), f"rows-{index}-name": milestone.name,
                     f"rows-{index}-weight": str(milestone.weight),
                     f"rows-{index}-planned_date": milestone.planned_date.isoformat(),
                     f"rows-{index}-actual_date": min(milestone.planned_date, date.today()).isoformat() if index < 9 else ""})
    assert web.post(f"/construction/{project.id}/milestones", data).status_code == 302
    assert web.post(f"/construction/{project.id}/expenditures/new",
                    {"spent_on": date.today().isoformat(), "amount": "-10", "description": "x"}).status_code == 422
    assert web.post(f"/construction/{project.id}/expenditures/new",
                    {"spent_on": date.today().isoformat(), "amount": "104000", "description": "Balance"}
                    ).status_code == 302
    html = client.get(f"/construction/{project.id}").get_data(as_text=True)
    assert "90 %" in html and "over budget" in html and "-$4,000.00" in html

    handover = {"handover_date": date.today().isoformat(), "police_representative": "Commissaire Kalonji",
                "defects": "", "is_final_acceptance": "y"}
    refused = web.post(f"/construction/{project.id}/handover", handover)
    assert refused.status_code == 422
    assert "cannot be signed off before the gender-sensitivity checklist is complete" in refused.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Handover)) == 0
    checklist = {item: "y" for item in ("cells_men", "cells_women", "cells_minors", "separate_sanitation",
                                        "reception_desk", "accessibility")}
    assert web.post(f"/construction/{project.id}/checklist", {**checklist, "checked_on": "", "notes": ""}
                    ).status_code == 302
    assert web.post(f"/construction/{project.id}/handover", handover).status_code == 302
    html = client.get(f"/construction/{project.id}").get_data(as_text=True)
    assert "Handed over" in html and "Commissaire Kalonji" in html
    assert _db.session.scalar(select(Station.status).where(Station.id == project.station_id)) == "operational"


def test_station_page_shows_construction_history_and_trainers_get_no_project_links(client, web, login_as, make_project):
    project = make_project()
    login_as("trainer", "Kasaï-Oriental")
    html = client.get(f"/stations/{project.station_id}").get_data(as_text=True)
    assert "Construction history" in html and "New build" in html
    assert f"/construction/{project.id}" not in html and project.programme.code in html
    assert client.get(f"/construction/{project.id}").status_code == 403
    web.post("/logout", page="/account")
    login_as("me_officer", "Kasaï-Oriental")
    html = client.get(f"/stations/{project.station_id}").get_data(as_text=True)
    assert f"/construction/{project.id}" in html and "Edit" not in html


def test_portfolio_filters_and_area(client, web, login_as, make_project, make_station, make_programme):
    kor = make_programme(provinces=["Kasaï-Oriental"], code="KOR")
    kor2 = make_programme(provinces=["Kasaï-Oriental"], code="KOR2")
    hkt = make_programme(provinces=["Haut-Katanga"], code="HKT")
    make_project(station=make_station(name="Commissariat de Bipemba"), programme=kor)
    make_project(station=make_station(name="Sous-commissariat de Muya", commune="Muya"), programme=kor2)
    make_project(station=make_station(name="Commissariat de Kampemba", commune="Kampemba"), programme=hkt)
    login_as("viewer")
    html = client.get("/construction/").get_data(as_text=True)
    assert all(name in html for name in ("Bipemba", "Muya", "Kampemba")) and "3 results" in html
    assert "/construction/1" not in html  # viewers get no project pages
    html = client.get(f"/construction/?programme_id={kor2.id}").get_data(as_text=True)
    assert "Muya" in html and "Commissariat de Bipemba" not in html
    from tests.conftest import province_id
    html = client.get(f"/construction/?province_id={province_id('Haut-Katanga')}").get_data(as_text=True)
    assert "Kampemba" in html and "Muya" not in html and "1 result" in html
    web.post("/logout", page="/account")
    login_as("project_officer", "Haut-Katanga")
    html = client.get("/construction/").get_data(as_text=True)
    assert "Kampemba" in html and "Bipemba" not in html and "Muya" not in html


def test_portfolio_export_is_an_xlsx_with_numbers(client, login_as, make_project):
    project = make_project(contract_amount=Decimal("46000"))
    service.record_expenditure(project, spent_on=date(2016, 6, 1), amount=Decimal("53240"),
                               description="=HYPERLINK(\"http://x\")")
    _db.session.commit()
    login_as("viewer")
    response = client.get("/construction/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]]))
    assert row["Station"] == project.station.name and row["Contract amount"] == 46000
    assert row["Spent"] == 53240 and row["Variance"] == -7240 and row["Budget used (%)"] == 115.7
    assert row["Status"] == "Off track" and row["Currency"] == "USD"
    from cpms.core.audit import AuditEntry
    assert _db.session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "export")).startswith("portfolio")
    assert _db.session.scalar(select(func.count()).select_from(Expenditure)) == 1


def test_portfolio_page_issues_a_fixed_number_of_queries(client, login_as, make_project, make_station, count_queries):
    login_as("me_officer")
    make_project()

    def queries():
        with count_queries() as statements:
            assert client.get("/construction/").status_code == 200
        return len(statements)

    few = queries()
    for _ in range(4):
        make_project(station=make_station())
    assert queries() == few


def test_admin_edits_the_milestone_template(web, client, login_as, milestone_template):
    login_as("admin")
    page = client.get("/construction/milestone-template").get_data(as_text=True)
    assert "Site identification" in page and "Final handover" in page
    items = service.template_items()
    data = {}
    for index, item in enumerate(items):
        data.update({f"rows-{index}-id": str(item.id), f"rows-{index}-name": item.name,
                     f"rows-{index}-weight": str(item.weight)})
    data.update({"rows-11-id": "", "rows-11-name": "Borehole", "rows-11-weight": "4", "rows-0-remove": "y"})
    assert web.post("/construction/milestone-template", data).status_code == 302
    names = [item.name for item in service.template_items()]
    assert names[0] == "Land allocation" and names[-1] == "Borehole" and len(names) == 11


def test_station_pages_fit_the_page_budget(client, login_as, make_photo):
    photo = make_photo()
    login_as("admin")
    for url in ["/stations/", "/construction/", f"/construction/{photo.project_id}", "/stations/new",
                "/construction/new", f"/construction/{photo.project_id}/milestones"]:
        html = client.get(url).get_data()
        assert len(html) <= 40 * 1024, (url, len(html))  # leaves room for the shared CSS and JS (60 KB in all)


def test_the_menu_marks_stations_or_construction_not_both(client, login_as, make_project):
    project = make_project()
    login_as("admin")
    for url, current in [("/stations/", "Stations"), (f"/stations/{project.station_id}", "Stations"),
                         ("/construction/", "Construction"), (f"/construction/{project.id}/milestones", "Construction")]:
        html = client.get(url).get_data(as_text=True)
        marked = re.findall(r'<a href="[^"]+" aria-current="page">([^<]+)</a>', html)
        assert marked == [current], (url, marked)


def test_station_maps_show_the_stations_of_the_users_area_only(client, web, login_as, make_project, make_station):
    kasai = make_station(name="Commissariat de Bipemba", latitude=-6.13, longitude=23.6, status="operational")
    make_project(station=kasai)
    make_station(name="Poste de Muya", commune="Muya", latitude=-6.15, longitude=23.62, status="planned")
    make_station(name="Poste sans position", commune="Muya")
    katanga = make_station(name="Commissariat de Kampemba", commune="Kampemba", latitude=-11.66, longitude=27.48)
    make_project(station=katanga)
    login_as("project_officer", "Kasaï-Oriental")
    html = client.get("/construction/").get_data(as_text=True)
    svg = html[html.index('<svg class="chart-map place-map"'):html.index("</svg>", html.index("place-map"))]
    assert "<title>Commissariat de Bipemba – Operational</title>" in svg
    assert "<title>Poste de Muya – In planning</title>" in svg
    assert "Kampemba" not in svg and "Poste sans position" not in svg
    assert "Stations: Operational (1)" in html and "Stations: In planning (1)" in html
    assert "Stations: Under construction (0)" in html
    html = client.get(f"/stations/{kasai.id}").get_data(as_text=True)
    assert 'class="place-label"' in html and ">Commissariat de Bipemba</text>" in html
    assert 'marker marker-station-operational highlighted' in html and "Kampemba" not in html
    web.post("/logout", page="/account")
    login_as("viewer")
    html = client.get("/construction/").get_data(as_text=True)
    assert "Commissariat de Kampemba – Under construction</title>" in html and "Stations: Operational (1)" in html
    assert len(html.encode()) <= 40 * 1024  # the map keeps the page within its budget (see the test below)


def test_the_portfolio_map_is_bounded_and_costs_one_query(client, login_as, make_station, count_queries, monkeypatch):
    from cpms.stations.service import places
    login_as("me_officer")

    def queries():
        with count_queries() as statements:
            html = client.get("/construction/").get_data(as_text=True)
        return len(statements), html

    make_station(latitude=-6.1, longitude=23.6)
    few, _html = queries()
    for i in range(4):
        make_station(latitude=-6.3 - i / 5, longitude=23.6)  # about 4 px apart: one marker each
    monkeypatch.setattr(places, "MAX_POINTS", 3)
    count, html = queries()
    assert count == few and html.count('class="marker marker-station') == 3
    assert "and 2 more places, not drawn" in html


def test_project_page_charts_planned_against_actual_progress(client, login_as, make_project):
    from cpms.stations.service import record_progress_report
    project = make_project(start_date=date(2016, 3, 1), planned_completion_date=date(2016, 12, 31))
    record_progress_report(None, project, report_date=date(2016, 6, 1), physical_progress=40, narrative="Walls.",
                           problems="", uploads=[])
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    html = client.get(f"/construction/{project.id}").get_data(as_text=True)
    chart = html[html.index('id="progress-chart"'):html.index("</svg>", html.index('id="progress-chart"'))]
    assert "Jun 16 – Actual: 40 %" in chart and chart.count('class="actual-dot"') == 1
    assert chart.count('class="target-dot"') == 10 and "Dec 16 – Planned: 100 %" in chart
