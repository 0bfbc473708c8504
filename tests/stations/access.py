"""Who may use the stations and construction pages (the same decisions as cpms/stations/views.py).

- Admins and project officers register stations and manage construction projects: milestones, progress
  reports with photos, expenditure, the gender-sensitivity checklist and the handover.
- M&E officers read stations, projects, reports and photos, and the portfolio; they change nothing.
- Trainers read the station registry (a station's page lists its construction history without links):
  they need to know where stations are, not the building contracts.
- Viewers (donors, management) see the construction portfolio – progress, budget used, slippage, status
  colour – and its XLSX export, and the construction-projects API. They see no station or project page,
  hence no photos (people may be recognisable on site photos), no narratives and no handover names.
- Only admins edit the milestone template.
Everything is also limited to the user's area: elsewhere the answer is 404.
"""
from tests.access import ADMIN

READ_STATIONS = frozenset({"admin", "trainer", "project_officer", "me_officer"})
READ_PROJECTS = frozenset({"admin", "project_officer", "me_officer"})
MANAGE = frozenset({"admin", "project_officer"})
PORTFOLIO = frozenset({"admin", "project_officer", "me_officer", "viewer"})

EXPECTED = {
    "stations.station_list": READ_STATIONS,
    "stations.station_detail": READ_STATIONS,
    "stations.station_create": MANAGE,
    "stations.station_edit": MANAGE,
    "stations.portfolio": PORTFOLIO,
    "stations.portfolio_export": PORTFOLIO,
    "stations.project_detail": READ_PROJECTS,
    "stations.project_create": MANAGE,
    "stations.project_edit": MANAGE,
    "stations.milestones_edit": MANAGE,
    "stations.report_create": MANAGE,
    "stations.expenditure_create": MANAGE,
    "stations.checklist_edit": MANAGE,
    "stations.handover_edit": MANAGE,
    "stations.photo_file": READ_PROJECTS,
    "stations.photo_thumbnail": READ_PROJECTS,
    "stations.template_edit": ADMIN,
    "api.station_list": READ_STATIONS,
    "api.station_detail": READ_STATIONS,
    "api.construction_project_list": PORTFOLIO,
    "api.construction_project_detail": PORTFOLIO,
}


def samples(request):
    """A station, a project and a photo in Bipemba (Kasaï-Oriental). tests/core cannot see the fixtures of
    tests/stations/conftest.py, so this uses the services directly."""
    from datetime import date
    from decimal import Decimal

    from cpms.extensions import db
    from cpms.stations import service
    from tests.conftest import commune_id
    from tests.stations.images import image_bytes, upload

    programme = request.getfixturevalue("make_programme")(provinces=["Kasaï-Oriental"])
    service.ensure_default_template()
    station = service.create_station(None, name="Commissariat de Bipemba", kind="commissariat",
                                     commune_id=commune_id("Bipemba"), latitude=-6.11, longitude=23.61,
                                     status="under_construction", specialised_units=["sgbv_desk"], staff_count=40)
    project = service.create_project(None, station_id=station.id, programme_id=programme.id, kind="new_build",
                                     contractor="Builder", contract_amount=Decimal("1000"), currency="USD",
                                     start_date=date(2016, 3, 1), planned_completion_date=date(2016, 12, 1))
    report = service.record_progress_report(None, project, report_date=date(2016, 5, 1), physical_progress=20,
                                            narrative="", problems="", uploads=[upload(image_bytes())])
    db.session.flush()
    photo_id = _photo_id(report.id)
    db.session.commit()
    return {"station_id": station.id, "project_id": project.id, "photo_id": photo_id}


def _photo_id(report_id):
    from sqlalchemy import select

    from cpms.extensions import db
    from cpms.stations.models import Photo
    return db.session.scalar(select(Photo.id).where(Photo.report_id == report_id))
