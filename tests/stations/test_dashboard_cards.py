"""The construction cards of the dashboard count in SQL what the portfolio's metrics compute in Python."""
from datetime import date

from sqlalchemy import select

from cpms.core.permissions import Scope
from cpms.extensions import db as _db


def _reach_all(project, late_days=0):
    from datetime import timedelta

    from cpms.stations.models import Milestone
    for milestone in _db.session.scalars(select(Milestone).where(Milestone.project_id == project.id)):
        milestone.actual_date = milestone.planned_date + timedelta(days=late_days)
    _db.session.commit()


def test_projects_behind_schedule_match_the_metrics(app, db, make_project, make_station):
    from cpms.stations.models import ConstructionProject, Handover
    from cpms.stations.service.metrics import metrics_for
    from cpms.stations.service.stations import project_counts

    make_project()                                    # 2016 milestones never reached: overdue
    _reach_all(make_project(), late_days=0)           # every milestone on time
    _reach_all(make_project(), late_days=12)          # the last milestone reached 12 days late
    handed = make_project()                           # late, but handed over: no longer behind schedule
    _reach_all(handed, late_days=40)
    _db.session.add(Handover(project_id=handed.id, handover_date=date(2017, 2, 1), police_representative="X",
                             is_final_acceptance=True))
    make_project(station=make_station(commune="Kampemba"))  # in another province
    _db.session.commit()

    projects = _db.session.scalars(select(ConstructionProject)).all()
    expected = sum(1 for m in metrics_for(projects).values() if m.slippage_days > 0 and not m.is_handed_over)
    assert expected == 3
    assert project_counts(Scope.national()) == (5, 3)
    from tests.conftest import province_id
    assert project_counts(Scope(full_province_ids={province_id("Kasaï-Oriental")}, commune_ids=set(),
                                province_ids={province_id("Kasaï-Oriental")})) == (4, 2)


def test_dashboard_shows_the_counts(client, login_as, make_project):
    import re
    make_project()
    _reach_all(make_project())
    login_as("viewer")
    html = client.get("/").get_data(as_text=True)
    cards = dict((title, value) for value, title in re.findall(
        r'class="card-value">([^<]+)</span>\s*<span class="card-title">([^<]+)<', html))
    assert cards["Construction projects"] == "2"
    assert cards["Construction projects behind schedule"] == "1"
