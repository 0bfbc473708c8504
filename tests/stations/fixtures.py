"""Factories for stations, construction projects and photos (a pytest plugin: every test sees them)."""
from datetime import date
from decimal import Decimal

import pytest

from cpms.extensions import db as _db
from tests.conftest import commune_id
from tests.helpers.images import image_bytes, upload


@pytest.fixture
def milestone_template(db):
    from cpms.stations.service import ensure_default_template
    ensure_default_template()
    _db.session.commit()


@pytest.fixture
def make_station(db):
    from cpms.stations.service import create_station

    counter = {"n": 0}

    def factory(commune="Bipemba", name=None, **fields):
        counter["n"] += 1
        values = dict(name=name or f"Station {counter['n']}", kind="commissariat", commune_id=commune_id(commune),
                      latitude=None, longitude=None, status="under_construction", specialised_units=[],
                      staff_count=None)
        values.update(fields)
        station = create_station(None, **values)
        _db.session.commit()
        return station

    return factory


@pytest.fixture
def make_project(db, make_station, make_programme, milestone_template):
    from cpms.stations.service import create_project

    def factory(station=None, programme=None, **fields):
        station = station or make_station()
        if programme is None:
            province = station.commune.province.name
            programme = make_programme(provinces=[province])
        values = dict(station_id=station.id, programme_id=programme.id, kind="new_build", contractor="Builder SARL",
                      contract_amount=Decimal("100000"), currency="USD", start_date=date(2016, 3, 1),
                      planned_completion_date=date(2016, 12, 31))
        values.update(fields)
        project = create_project(None, **values)
        _db.session.commit()
        return project

    return factory


@pytest.fixture
def make_photo(app, db, make_project):
    """A progress report with one photo on a project (a new one unless given); returns the Photo."""
    from sqlalchemy import select

    from cpms.stations.models import Photo
    from cpms.stations.service import record_progress_report

    def factory(project=None, data=None, keep_gps=False):
        project = project or make_project()
        report = record_progress_report(None, project, report_date=date(2016, 6, 1), physical_progress=40,
                                        narrative="Walls going up.", problems="",
                                        uploads=[upload(data or image_bytes())], keep_gps=keep_gps)
        _db.session.commit()
        return _db.session.scalar(select(Photo).where(Photo.report_id == report.id))

    return factory


@pytest.fixture
def reach_milestones(db):
    """reach_milestones(project, day, today, codes=None): mark milestones reached, for other domains' tests."""
    return reach_milestones_on


def reach_milestones_on(project, day, today, codes=None):
    """Mark milestones reached on `day` (all but the handover ones unless `codes` are given), through the service."""
    from cpms.stations.service import project_milestones, update_milestones

    codes = codes or [m.code for m in project_milestones(project)
                      if m.code not in ("provisional_handover", "final_handover")]
    rows = [{"id": m.id, "name": m.name, "weight": m.weight, "is_required": m.is_required,
             "planned_date": m.planned_date, "actual_date": day if m.code in codes else m.actual_date, "remove": False}
            for m in project_milestones(project)]
    update_milestones(project, rows, today=today)
    _db.session.commit()
