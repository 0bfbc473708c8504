"""The meeting form filled offline on a phone (cpms/core/drafts.py, static/js/offline-form.js): a draft sent twice
is saved once, and a draft made on a meeting that changed on the server meanwhile shows the differences (422)
instead of overwriting them."""
import json
import re
from datetime import datetime, timedelta, timezone
from html import unescape

from sqlalchemy import func, select

from cpms.committees.models import Meeting, MeetingAttendance
from cpms.extensions import db as _db


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def hidden(html, name):
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) or \
        re.search(rf'type="hidden" name="{name}" value="([^"]*)"', html) or \
        re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def meeting_data(members, minutes="La séance est ouverte à 10 h.", **extra):
    return {"starts_at": "2017-05-08T10:00", "place": "Maison communale", "kind": "ordinary", "status": "held",
            "present": [str(m.id) for m in members], "guests_women": "0", "guests_men": "0", "agenda": "",
            "minutes": minutes, "decisions": "", **extra}


def test_the_form_page_carries_a_draft_key_and_the_meetings_version(web, login_as, make_committee, make_member,
                                                                    make_meeting):
    committee = make_committee()
    meeting = make_meeting(committee, present=[make_member(committee)])
    login_as("project_officer", "Kasaï-Oriental")
    html = web.get(f"/committees/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert "data-offline-form" in html and "js/offline-form.js" in html
    assert re.fullmatch(r"[0-9a-f]{32}", hidden(html, "offline_key"))
    assert re.fullmatch(r"[0-9a-f]{20}", hidden(html, "base_version"))
    again = web.get(f"/committees/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert hidden(again, "base_version") == hidden(html, "base_version")  # the same meeting, the same version
    assert hidden(again, "offline_key") != hidden(html, "offline_key")


def test_the_forms_of_the_coming_weeks_meetings_are_kept_on_the_device(web, login_as, make_committee, make_meeting):
    committee = make_committee()
    elsewhere = make_committee(commune="Kampemba", province="Haut-Katanga")
    now = datetime.now(timezone.utc)
    soon = make_meeting(committee, when=now + timedelta(days=2), status="planned")
    later = make_meeting(committee, when=now + timedelta(days=12), status="planned")
    theirs = make_meeting(elsewhere, when=now + timedelta(days=2), status="planned")
    login_as("project_officer", "Kasaï-Oriental")
    html = web.get(f"/committees/{committee.id}/meetings/new").get_data(as_text=True)
    kept = json.loads(unescape(re.search(r'data-keep="([^"]*)"', html).group(1)))
    assert kept == [f"/committees/meetings/{soon.id}/edit"]
    assert f"/committees/meetings/{later.id}/edit" not in kept and f"/committees/meetings/{theirs.id}/edit" not in kept


def test_a_new_meeting_sent_twice_from_a_device_is_saved_once(web, login_as, make_committee, make_member):
    committee = make_committee()
    members = [make_member(committee) for _ in range(3)]
    login_as("project_officer", "Kasaï-Oriental")
    data = meeting_data(members[:2], offline_key="a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6")
    first = web.post(f"/committees/{committee.id}/meetings/new", data, headers={"X-CPMS-Draft": "1"})
    assert first.status_code == 201
    meeting = _db.session.scalar(select(Meeting))
    assert first.get_json() == {"location": f"/committees/meetings/{meeting.id}"}
    again = web.post(f"/committees/{committee.id}/meetings/new", data)  # the answer was lost: sent again
    assert again.status_code == 302 and again.location.endswith(f"/committees/meetings/{meeting.id}")
    assert count(Meeting) == 1
    assert count(MeetingAttendance) == 3
    page = web.get(again.location).get_data(as_text=True)
    assert "This meeting was already saved from this device." in page


def test_a_draft_made_before_someone_else_changed_the_meeting_shows_the_differences(
        web, login_as, make_committee, make_member, make_meeting):
    committee = make_committee()
    first, second = make_member(committee, name="Mme Kabedi"), make_member(committee, name="M. Ilunga")
    meeting = make_meeting(committee, present=[first], minutes="Ouverture à 10 h.")
    login_as("project_officer", "Kasaï-Oriental")
    html = web.get(f"/committees/meetings/{meeting.id}/edit").get_data(as_text=True)
    base = hidden(html, "base_version")
    # meanwhile a colleague adds the second member to the roll call and corrects the minutes
    edited = web.post(f"/committees/meetings/{meeting.id}/edit", meeting_data([first, second], "Ouverture à 10 h 15."))
    assert edited.status_code == 302
    # the draft made offline on the first version: the first member only, other minutes
    mine = meeting_data([first], "Ouverture à 10 h. Le marché est sans éclairage.", base_version=base,
                        offline_key="f" * 32)
    response = web.post(f"/committees/meetings/{meeting.id}/edit", mine, headers={"X-CPMS-Draft": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Someone changed this record since you opened the form. Nothing was saved." in page
    assert "Ouverture à 10 h 15." in page and "Le marché est sans éclairage." in page  # theirs and mine
    assert "M. Ilunga" in page.split('id="offline-differences"')[1].split("</dl>")[0]
    _db.session.expire_all()
    assert _db.session.get(Meeting, meeting.id).minutes == "Ouverture à 10 h 15."  # not overwritten
    # saved again from the page showing the differences (its version is now the current one): it overwrites
    mine["base_version"] = hidden(page, "base_version")
    assert mine["base_version"] != base
    response = web.post(f"/committees/meetings/{meeting.id}/edit", mine, headers={"X-CPMS-Draft": "1"})
    assert response.status_code == 201
    _db.session.expire_all()
    assert _db.session.get(Meeting, meeting.id).minutes == "Ouverture à 10 h. Le marché est sans éclairage."
    assert _db.session.scalars(select(MeetingAttendance.member_id).where(
        MeetingAttendance.meeting_id == meeting.id, MeetingAttendance.is_present)).all() == [first.id]


def test_a_draft_on_an_unchanged_meeting_is_saved(web, login_as, make_committee, make_member, make_meeting):
    committee = make_committee()
    first, second = make_member(committee), make_member(committee)
    meeting = make_meeting(committee, present=[first])
    login_as("project_officer", "Kasaï-Oriental")
    html = web.get(f"/committees/meetings/{meeting.id}/edit").get_data(as_text=True)
    data = meeting_data([first, second], "Procès-verbal", base_version=hidden(html, "base_version"),
                        offline_key=hidden(html, "offline_key"), guests_women="2", guests_men="1")
    response = web.post(f"/committees/meetings/{meeting.id}/edit", data)
    assert response.status_code == 302
    assert count(MeetingAttendance) == 2
    assert _db.session.scalar(select(func.count()).select_from(MeetingAttendance).where(
        MeetingAttendance.is_present)) == 2
