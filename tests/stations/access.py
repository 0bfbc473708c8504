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
    """A station in Bipemba (Kasaï-Oriental), a construction project and a site photo."""
    project = request.getfixturevalue("make_project")()
    photo = request.getfixturevalue("make_photo")(project=project)
    return {"station_id": project.station_id, "project_id": project.id, "photo_id": photo.id}
