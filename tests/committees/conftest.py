"""Fixtures wrapping tests/committees/factories.py."""
import pytest

from tests.committees import factories


@pytest.fixture
def make_committee(db, make_programme):
    counter = {"n": 0}

    def factory(commune="Bipemba", province="Kasaï-Oriental", programme=None, **kwargs):
        counter["n"] += 1
        programme = programme or make_programme(provinces=[province], code=f"CPRG-{counter['n']}")
        return factories.new_committee(programme, commune=commune, **kwargs)

    return factory


@pytest.fixture
def make_member(db):
    return factories.new_member


@pytest.fixture
def make_meeting(db):
    return factories.new_meeting


@pytest.fixture
def make_action_item(db):
    return factories.new_action_item
