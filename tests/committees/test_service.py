from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from cpms.committees import service
from cpms.committees.models import ActionItem, Meeting, MeetingAttendance
from cpms.core.errors import DomainError
from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from tests.conftest import english


def at(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


def test_open_items_carry_over_to_every_later_meeting_until_closed(app, make_committee, make_meeting, make_action_item):
    committee = make_committee()
    may, june, july = (make_meeting(committee, when=at(2017, m, 8)) for m in (5, 6, 7))
    lighting = make_action_item(may, description="Éclairage du marché", due_date=date(2017, 6, 1))
    patrols = make_action_item(may, description="Patrouilles de nuit", due_date=date(2017, 6, 30))
    with english(app):
        service.update_action_item(patrols, status="done", closing_note="Patrouilles organisées",
                                   today=date(2017, 6, 20))
    _db.session.commit()

    assert service.carried_over_items(may) == []  # raised in that meeting, not carried over
    assert {i.description for i in service.carried_over_items(june)} == {"Éclairage du marché", "Patrouilles de nuit"}
    assert [i.description for i in service.carried_over_items(july)] == ["Éclairage du marché"]
    # nothing was copied: still two rows
    assert _db.session.scalar(select(func.count()).select_from(ActionItem)) == 2
    assert lighting.is_overdue(date(2017, 7, 8)) and not patrols.is_overdue(date(2017, 7, 8))


def test_items_of_another_committee_do_not_carry_over(make_committee, make_meeting, make_action_item):
    first, second = make_committee(), make_committee(commune="Muya")
    make_action_item(make_meeting(first, when=at(2017, 5, 8)))
    assert service.carried_over_items(make_meeting(second, when=at(2017, 6, 8))) == []


def test_quorum_is_half_the_active_members_by_default(app, monkeypatch, make_committee, make_member, make_meeting):
    committee = make_committee()
    members = [make_member(committee) for _ in range(5)]
    make_member(committee, end_date=date(2016, 12, 31))  # left before the meeting: not counted
    short = make_meeting(committee, when=at(2017, 5, 8), present=members[:2])
    enough = make_meeting(committee, when=at(2017, 6, 8), present=members[:3])
    assert _db.session.scalar(select(func.count()).select_from(MeetingAttendance).where(MeetingAttendance.meeting_id == short.id)) == 5
    q = service.quorum(short)
    assert (q.members, q.present, q.needed, q.is_met) == (5, 2, 3, False)
    assert service.quorum(enough).is_met
    monkeypatch.setitem(app.config, "COMMITTEE_QUORUM_SHARE", 0.75)
    assert not service.quorum(enough).is_met and service.quorum(enough).needed == 4


def test_representation_flags_unmet_targets(app, monkeypatch, make_committee, make_member):
    committee = make_committee()
    for sex, category in [("M", "police"), ("M", "local_authority"), ("M", "civil_society"), ("F", "womens_group"),
                          ("M", "youth_group"), ("M", "religious"), ("M", "customary")]:
        make_member(committee, sex=sex, category=category)
    make_member(committee, sex="F", category="civil_society", end_date=date(2016, 12, 31))  # former member
    rep = service.representation([committee.id], day=date(2017, 1, 1))[committee.id]
    assert rep.members == 7 and rep.women == 1 and rep.youth == 1
    assert not rep.women_met and not rep.youth_met and rep.missing_categories == [] and not rep.is_met
    make_member(committee, sex="F", category="youth_group")
    make_member(committee, sex="F", category="civil_society")
    rep = service.representation([committee.id], day=date(2017, 1, 1))[committee.id]
    assert rep.women == 3 and round(rep.women_share, 2) == 0.33 and rep.women_met and rep.youth_met and rep.is_met
    monkeypatch.setitem(app.config, "COMMITTEE_MIN_WOMEN_SHARE", 0.5)
    assert not service.representation([committee.id], day=date(2017, 1, 1))[committee.id].women_met


def test_missing_categories_are_listed(make_committee, make_member):
    committee = make_committee()
    make_member(committee, sex="F", category="police")
    rep = service.representation([committee.id])[committee.id]
    assert rep.missing_categories == ["local_authority", "civil_society", "womens_group", "youth_group"]


def test_future_meeting_cannot_be_marked_held(app, make_committee, make_member):
    committee = make_committee()
    member = make_member(committee)
    with english(app), pytest.raises(DomainError) as error:
        service.save_meeting(committee, starts_at=datetime.now(timezone.utc) + timedelta(days=3), place="",
                             kind="ordinary", status="held", guests_women=0, guests_men=0, agenda="", minutes="",
                             decisions="", present_member_ids=[member.id])
    assert "future cannot be marked as held" in error.value.message and error.value.field == "status"
    _db.session.rollback()
    assert _db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_roll_call_only_with_members_of_the_committee(app, make_committee, make_member):
    committee, other = make_committee(), make_committee(commune="Muya")
    stranger = make_member(other)
    with english(app), pytest.raises(DomainError) as error:
        service.save_meeting(committee, starts_at=at(2017, 5, 8), place="", kind="ordinary", status="held",
                             guests_women=0, guests_men=0, agenda="", minutes="", decisions="",
                             present_member_ids=[stranger.id])
    assert "Only members of the committee" in error.value.message


def test_due_date_before_the_meeting_is_refused(app, make_committee, make_meeting):
    meeting = make_meeting(make_committee(), when=at(2017, 5, 8))
    with english(app), pytest.raises(DomainError) as error:
        service.raise_action_item(meeting, description="Sensibiliser les jeunes", responsible_member_id=None,
                                  responsible_organisation="PNC", due_date=date(2017, 5, 1))
    assert "cannot be before the meeting (2017-05-08)" in error.value.message and error.value.field == "due_date"
    with english(app), pytest.raises(DomainError) as error:
        service.raise_action_item(meeting, description="Sensibiliser les jeunes", responsible_member_id=None,
                                  responsible_organisation="", due_date=date(2017, 6, 1))
    assert "Name who is responsible" in error.value.message


def test_closing_needs_a_note_and_reopening_clears_the_date(app, make_committee, make_meeting, make_action_item):
    item = make_action_item(make_meeting(make_committee()))
    with english(app), pytest.raises(DomainError) as error:
        service.update_action_item(item, status="done", closing_note="  ")
    assert "write a note on what was done" in error.value.message and error.value.field == "closing_note"
    with english(app):
        service.update_action_item(item, status="dropped", closing_note="Budget non disponible",
                                   today=date(2017, 7, 1))
        assert item.closed_on == date(2017, 7, 1) and not item.is_open
        service.update_action_item(item, status="in_progress", closing_note="")
    assert item.closed_on is None and item.is_open


def test_committee_rules(app, make_committee, make_programme):
    clsp = make_committee()
    hkt = make_programme(provinces=["Haut-Katanga"], code="HKT")
    from tests.conftest import commune_id

    base = dict(kind="forum", name="Forum Tshiala", commune_id=commune_id("Bipemba"), quartier_id=None,
                parent_id=clsp.id, programme_id=clsp.programme_id, established_on=date(2016, 4, 1), status="active")
    cases = [
        (dict(programme_id=hkt.id), "programme that covers"),
        (dict(kind="clsp"), "A CLSP has no parent"),
        (dict(established_on=date.today() + timedelta(days=2)), "cannot be in the future"),
        (dict(name=clsp.name.upper(), parent_id=None), "already has a committee named"),
    ]
    for change, message in cases:
        with english(app), pytest.raises(DomainError) as error:
            service.create_committee(Scope.national(), **{**base, **change})
        assert message in error.value.message
        _db.session.rollback()
    scoped = Scope(full_province_ids=set(), commune_ids={commune_id("Kampemba")}, province_ids=set())
    with english(app), pytest.raises(DomainError) as error:
        service.create_committee(scoped, **base)
    assert "commune in your area" in error.value.message
    forum = service.create_committee(Scope.national(), **base)
    assert forum.parent_id == clsp.id and forum.province_id == clsp.province_id


def test_icalendar_feed_parses_back(app, make_committee):
    from icalendar import Calendar

    committee = make_committee(name="CLSP de Bipemba")
    soon = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=7)
    with english(app):
        service.save_meeting(committee, starts_at=soon, place="Maison communale de Bipemba", kind="ordinary",
                             status="planned", guests_women=0, guests_men=0, agenda="Éclairage du marché",
                             minutes="", decisions="", present_member_ids=[])
        service.save_meeting(committee, starts_at=at(2017, 5, 8), place="", kind="ordinary", status="held",
                             guests_women=0, guests_men=0, agenda="", minutes="", decisions="", present_member_ids=[])
        body = service.calendar_ics(committee.name, service.upcoming_meetings(committee))
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert events[0].decoded("dtstart") == soon
    assert str(events[0]["location"]) == "Maison communale de Bipemba"
    assert "CLSP de Bipemba" in str(events[0]["summary"])
