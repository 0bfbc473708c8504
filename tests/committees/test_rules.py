"""The rule book of committees (docs/rules/committees.md): each rule refused by the service, and by the forms."""
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from cpms.committees import service
from cpms.committees.models import ActionItem, Meeting, MeetingAttendance
from cpms.core.errors import DomainError
from cpms.extensions import db as _db

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc)
PAST, FUTURE = NOW - timedelta(days=3), NOW + timedelta(days=3)


@pytest.fixture
def en(app):
    """`with en():` – the services' messages in English (the interface defaults to French)."""
    from tests.conftest import english

    return lambda: english(app)


def meeting_fields(**changes):
    fields = dict(starts_at=PAST, place="", kind="ordinary", status="planned", guests_women=0, guests_men=0,
                  agenda="", minutes="", decisions="", present_member_ids=[], now=NOW)
    fields.update(changes)
    return fields


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


# --- action items: only current members are responsible (observation 9) --------------------------------------

def test_former_member_cannot_be_responsible_and_is_not_offered(web, client, login_as, make_committee, make_member,
                                                                 make_meeting, en):
    committee = make_committee()
    current = make_member(committee, name="Chantal Ilunga")
    former = make_member(committee, name="Albert Kalonji", end_date=date(2017, 1, 31))
    meeting = make_meeting(committee, when=datetime(2017, 5, 8, 8, tzinfo=timezone.utc))
    login_as("project_officer", "Kasaï-Oriental")
    page = client.get(f"/committees/meetings/{meeting.id}").get_data(as_text=True)
    assert "Chantal Ilunga" in page and "Albert Kalonji" not in page
    response = web.post(f"/committees/meetings/{meeting.id}/action-items", {
        "description": "Patrouilles", "responsible_member_id": str(former.id), "responsible_organisation": "",
        "due_date": "2017-06-01"}, page=f"/committees/meetings/{meeting.id}")
    assert response.status_code == 422 and count(ActionItem) == 0
    with en(), pytest.raises(DomainError, match="left the committee"):
        service.raise_action_item(meeting, description="Patrouilles", responsible_member_id=former.id,
                                  responsible_organisation="", due_date=date(2017, 6, 1))
    item = service.raise_action_item(meeting, description="Patrouilles", responsible_member_id=current.id,
                                     responsible_organisation="", due_date=date(2017, 6, 1))
    assert item.responsible_member_id == current.id


def test_action_item_due_date_is_plausible(make_committee, make_meeting, en):
    meeting = make_meeting(make_committee())
    with en(), pytest.raises(DomainError, match="between"):
        service.raise_action_item(meeting, description="Patrouilles", responsible_member_id=None,
                                  responsible_organisation="PNC", due_date=date(9999, 12, 31))


# --- meetings: held only once passed; what only a held meeting has; bounds (observations 4, 8) -----------------

def test_a_meeting_in_the_future_cannot_be_held(make_committee, en):
    committee = make_committee()
    with en(), pytest.raises(DomainError, match="future cannot be marked as held"):
        service.save_meeting(committee, **meeting_fields(starts_at=FUTURE, status="held"))
    assert count(Meeting) == 0


def test_a_held_meeting_stays_held(make_committee, en):
    committee = make_committee()
    meeting = service.save_meeting(committee, **meeting_fields(status="held"))
    for status in ("planned", "cancelled"):
        with en(), pytest.raises(DomainError, match="recorded as held"):
            service.save_meeting(committee, meeting, **meeting_fields(status=status))


def test_guests_minutes_and_roll_call_only_for_a_held_meeting(make_committee, make_member, en):
    committee = make_committee()
    member = make_member(committee)
    for changes in ({"guests_women": 3}, {"minutes": "La séance est ouverte."}, {"decisions": "Patrouilles."}):
        with en(), pytest.raises(DomainError, match="only for a meeting that was held"):
            service.save_meeting(committee, **meeting_fields(starts_at=FUTURE, **changes))
    with en(), pytest.raises(DomainError, match="roll call only"):
        service.save_meeting(committee, **meeting_fields(status="cancelled", present_member_ids=[member.id]))
    assert count(Meeting) == 0


def test_guests_are_bounded_in_the_form_and_the_service(web, login_as, make_committee, en):
    committee = make_committee()
    with en(), pytest.raises(DomainError, match="between 0 and"):
        service.save_meeting(committee, **meeting_fields(status="held", guests_women=99_999_999_999))
    with en(), pytest.raises(DomainError, match="between 0 and"):
        service.save_meeting(committee, **meeting_fields(status="held", guests_men=-1))
    login_as("project_officer", "Kasaï-Oriental")
    response = web.post(f"/committees/{committee.id}/meetings/new", {
        "starts_at": "2017-05-08T10:00", "kind": "ordinary", "status": "held", "guests_women": "99999999999",
        "guests_men": "0"})
    assert response.status_code == 422 and "between 0 and 1,000" in response.get_data(as_text=True)
    assert count(Meeting) == 0


def test_meeting_dates_are_plausible(web, login_as, make_committee, en):
    committee = make_committee()  # established on 22 March 2016
    with en(), pytest.raises(DomainError, match="between"):
        service.save_meeting(committee, **meeting_fields(starts_at=datetime(1850, 1, 1, tzinfo=timezone.utc)))
    with en(), pytest.raises(DomainError, match="before the committee was established"):
        service.save_meeting(committee, **meeting_fields(starts_at=datetime(2015, 1, 1, tzinfo=timezone.utc)))
    login_as("project_officer", "Kasaï-Oriental")
    for when in ("1850-01-01T10:00", "9999-12-31T10:00"):
        response = web.post(f"/committees/{committee.id}/meetings/new", {
            "starts_at": when, "kind": "ordinary", "status": "planned", "guests_women": "0", "guests_men": "0"})
        assert response.status_code == 422, when
    assert count(Meeting) == 0


def test_member_dates_are_plausible(make_committee, en):
    committee = make_committee()
    with en(), pytest.raises(DomainError, match="between"):
        service.add_member(committee, name="Mamie", sex="F", category="civil_society", role="member", phone="",
                           email="", start_date=date(1850, 1, 1), end_date=None)


# --- the life cycle, explored: planned → held / cancelled; never held in the future ---------------------------

class MeetingLifeCycle(RuleBasedStateMachine):
    """Random edits of one meeting: whatever the service accepts, a held meeting is in the past, has its roll call,
    and stays held; a meeting not held has no roll call, guests or minutes."""

    committee = None

    @initialize()
    def create(self):
        self.meeting, self.was_held = None, False
        self.member = None

    def _save(self, **changes):
        try:
            self.meeting = service.save_meeting(self.committee, self.meeting, **meeting_fields(**changes))
        except DomainError:  # the service checks everything before it writes
            return False
        self.was_held = self.was_held or self.meeting.status == "held"
        return True

    @rule(when=st.sampled_from([PAST, FUTURE, NOW]), status=st.sampled_from(["planned", "held", "cancelled"]),
          guests=st.sampled_from([0, 4, 2_000]), minutes=st.sampled_from(["", "Ouverture à 9 h."]))
    def edit(self, when, status, guests, minutes):
        held_before = self.meeting is not None and self.meeting.status == "held"
        accepted = self._save(starts_at=when, status=status, guests_women=guests, minutes=minutes)
        if status == "held" and when > NOW or guests > 1_000 or held_before and status != "held":
            assert not accepted
        if status != "held" and (guests or minutes):
            assert not accepted

    @invariant()
    def consistent(self):
        if self.meeting is None:
            return
        _db.session.refresh(self.meeting)
        rows = _db.session.scalar(select(func.count()).select_from(MeetingAttendance)
                                  .where(MeetingAttendance.meeting_id == self.meeting.id))
        if self.meeting.status == "held":
            assert self.meeting.starts_at <= NOW and rows == 1
        else:
            assert not self.was_held
            assert rows == 0 and self.meeting.guests_women == 0 and self.meeting.minutes == ""


def test_meeting_life_cycle(make_committee, make_member):
    committee = make_committee()
    make_member(committee, start_date=date(2016, 3, 22))
    MeetingLifeCycle.committee = committee
    runner = MeetingLifeCycle.TestCase
    runner.settings = settings(max_examples=25, stateful_step_count=8, deadline=None,
                               suppress_health_check=list(HealthCheck))
    try:
        runner().runTest()
    finally:
        MeetingLifeCycle.committee = None
