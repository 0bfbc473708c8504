"""Factories for committees, members, meetings and action items (a pytest plugin: every test sees the fixtures;
the plain `new_*` functions serve this folder's tests)."""
from datetime import date, datetime, timezone

import pytest

from cpms.extensions import db as _db
from tests.conftest import commune_id

_counter = {"n": 0}


def _next():
    _counter["n"] += 1
    return _counter["n"]


def new_committee(programme, commune="Bipemba", kind="clsp", name=None, parent=None):
    from cpms.committees.service import create_committee
    from cpms.core.permissions import Scope

    committee = create_committee(Scope.national(), kind=kind, name=name or f"CLSP {commune} {_next()}",
                                 commune_id=commune_id(commune), quartier_id=None,
                                 parent_id=parent.id if parent else None, programme_id=programme.id,
                                 established_on=date(2016, 3, 22), status="active")
    _db.session.commit()
    return committee


def new_member(committee, sex="F", category="civil_society", role="member", start_date=date(2016, 3, 22),
               end_date=None, name=None):
    from cpms.committees.service import add_member

    member = add_member(committee, name=name or f"Membre {_next()}", sex=sex, category=category, role=role,
                        phone="", email="", start_date=start_date, end_date=end_date)
    _db.session.commit()
    return member


def new_meeting(committee, when=datetime(2017, 5, 8, 10, 0, tzinfo=timezone.utc), status="held", present=(),
                agenda="", minutes="", kind="ordinary"):
    from cpms.committees.service import save_meeting

    held = status == "held"  # guests (and minutes) are recorded only for a meeting held
    meeting = save_meeting(committee, starts_at=when, place="Maison communale", kind=kind, status=status,
                           guests_women=2 if held else 0, guests_men=1 if held else 0, agenda=agenda,
                           minutes=minutes, decisions="",
                           present_member_ids=[m.id for m in present])
    _db.session.commit()
    return meeting


def new_action_item(meeting, description="Réparer l'éclairage du marché", due_date=None, organisation="Mairie"):
    from cpms.committees.service import raise_action_item

    item = raise_action_item(meeting, description=description, responsible_member_id=None,
                             responsible_organisation=organisation, due_date=due_date or meeting.starts_at.date())
    _db.session.commit()
    return item


@pytest.fixture
def make_committee(db, make_programme):
    counter = {"n": 0}

    def factory(commune="Bipemba", province="Kasaï-Oriental", programme=None, **kwargs):
        counter["n"] += 1
        programme = programme or make_programme(provinces=[province], code=f"CPRG-{counter['n']}")
        return new_committee(programme, commune=commune, **kwargs)

    return factory


@pytest.fixture
def make_member(db):
    return new_member


@pytest.fixture
def make_meeting(db):
    return new_meeting


@pytest.fixture
def make_action_item(db):
    return new_action_item
