"""Action items carried in from another domain through the registration point (cpms/committees/sources.py): the
committee's list links back to the source, the API gives no meeting, an unregistered kind is refused. The source
here is a stand-in registered by the test (committees import no other domain)."""
from datetime import date

import pytest
from sqlalchemy import select

from cpms.auth.service import create_api_token
from cpms.committees import sources
from cpms.committees.models import ActionItem
from cpms.committees.service import raise_sourced_action_item
from cpms.core.errors import DomainError
from cpms.extensions import db as _db


@pytest.fixture
def stand_in_source(monkeypatch):
    monkeypatch.setattr(sources, "_SOURCES", {})
    sources.register_action_source("stand_in", endpoint="committees.committee_detail", id_arg="committee_id",
                                   titles=lambda ids: {i: f"Source n° {i}" for i in ids})
    return "stand_in"


def test_an_item_from_elsewhere_links_back_and_has_no_meeting(client, web, login_as, make_committee,
                                                               stand_in_source):
    committee = make_committee(name="CLSP de Bipemba")
    with pytest.raises(ValueError):
        raise_sourced_action_item(committee, source_kind="unknown", source_id=1, description="x", responsible="y",
                                  due_date=date(2017, 1, 1), earliest=date(2016, 1, 1))
    with pytest.raises(DomainError):
        raise_sourced_action_item(committee, source_kind=stand_in_source, source_id=committee.id,
                                  description="Patrouilles", responsible="Commissariat", due_date=date(2015, 1, 1),
                                  earliest=date(2016, 1, 1))
    raise_sourced_action_item(committee, source_kind=stand_in_source, source_id=committee.id,
                              description="Patrouilles mixtes au marché", responsible="Commissariat de Bipemba",
                              due_date=date(2017, 1, 1), earliest=date(2016, 1, 1))
    _db.session.commit()
    user = login_as("project_officer", "Kasaï-Oriental")
    html = client.get("/committees/action-items").get_data(as_text=True)
    assert "Patrouilles mixtes au marché" in html and "Commissariat de Bipemba" in html and "Overdue" in html
    assert f'<a href="/committees/{committee.id}">Source n° {committee.id}</a>' in html
    item = _db.session.scalar(select(ActionItem))
    page = client.get(f"/committees/action-items/{item.id}").get_data(as_text=True)
    assert f"Source n° {committee.id}" in page and "Raised in the meeting of" not in page
    response = web.post(f"/committees/action-items/{item.id}?back=meeting", {"status": "done", "closing_note": "Fait"})
    assert response.status_code == 302 and response.location.endswith("/committees/action-items")  # no meeting
    assert _db.session.scalar(select(ActionItem.status)) == "done"
    _t, token = create_api_token(user)
    _db.session.commit()
    answer = client.get("/api/v1/action-items", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert answer["items"][0]["meeting_id"] is None
