"""Factories for outreach activities (a pytest plugin: every test sees them)."""
from datetime import date

import pytest

from cpms.extensions import db as _db
from tests.conftest import commune_id


@pytest.fixture
def make_activity(db, make_programme):
    from cpms.outreach import service

    def factory(commune="Bipemba", kind="joint_workshop", start=date(2016, 10, 3), end=date(2016, 10, 7),
                title="Atelier de confiance police–population", programme=None):
        programme = programme or make_programme()
        activity = service.create_activity(None, kind=kind, title=title, topic="community_policing",
                                           programme_id=programme.id, commune_id=commune_id(commune), quartier="",
                                           start_date=start, end_date=end, language="Lingala", partners="",
                                           facilitators="", cost=None, currency="USD")
        _db.session.commit()
        return activity

    return factory
