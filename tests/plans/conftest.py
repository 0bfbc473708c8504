import pytest

from tests.committees import factories
from tests.committees.conftest import make_action_item, make_committee, make_meeting, make_member  # noqa: F401


@pytest.fixture
def make_plan(db, make_committee):
    def factory(committee=None, actions=(("planned", 1000),)):
        return factories.new_plan(committee or make_committee(), actions=actions)

    return factory
