"""After and before an outreach activity: actions agreed in a joint workshop carried into a committee's action items
(shown there with a link back, reminded when overdue), and facilitators reminded before the activity."""
from datetime import date, datetime, time, timedelta, timezone

import time_machine
from sqlalchemy import select

from cpms.committees.models import ActionItem
from cpms.extensions import db as _db
from cpms.notifications.models import OutboxMessage
from cpms.outreach.models import OutreachFacilitator


def agree(web, activity, committee, **overrides):
    data = {"description": "Éclairer le marché de Bipemba la nuit", "responsible": "Mairie de Bipemba",
            "due_date": "2016-11-30", "committee_id": str(committee.id)}
    data.update(overrides)
    return web.post(f"/outreach/{activity.id}/actions", data)


def test_agreed_action_is_on_the_committee_action_list_with_a_link_back(web, login_as, make_activity,
                                                                       make_committee):
    activity = make_activity()
    committee = make_committee(name="CLSP de Bipemba")
    elsewhere = make_committee(commune="Kampemba", province="Haut-Katanga", name="CLSP de Kampemba")
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    response = agree(web, activity, elsewhere)
    assert response.status_code == 422 and "Choose a committee of your area." in response.get_data(as_text=True)
    response = agree(web, activity, committee, due_date="2016-09-01")
    assert response.status_code == 422 and "The due date cannot be before" in response.get_data(as_text=True)
    response = agree(web, activity, committee, responsible="")
    assert response.status_code == 422 and "Name who is responsible" in response.get_data(as_text=True)
    assert _db.session.scalars(select(ActionItem)).all() == []

    assert agree(web, activity, committee).status_code == 302
    item = _db.session.scalar(select(ActionItem))
    assert (item.committee_id, item.meeting_id, item.source_id) == (committee.id, None, activity.id)
    listing = web.get(f"/committees/action-items?committee_id={committee.id}").get_data(as_text=True)
    assert "Éclairer le marché de Bipemba la nuit" in listing and "Mairie de Bipemba" in listing
    assert f'href="/outreach/{activity.id}"' in listing and "Atelier de confiance police–population (2016-10-03)" in listing
    update = web.get(f"/committees/action-items/{item.id}").get_data(as_text=True)
    assert f'href="/outreach/{activity.id}"' in update
    workshop = web.get(f"/outreach/{activity.id}").get_data(as_text=True)
    assert "Éclairer le marché de Bipemba la nuit" in workshop and "CLSP de Bipemba" in workshop


def test_only_joint_workshops_agree_actions(web, login_as, make_activity, make_committee):
    activity = make_activity(kind="media_training")
    committee = make_committee()
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    assert "Agreed actions" not in web.get(f"/outreach/{activity.id}").get_data(as_text=True)
    response = agree(web, activity, committee)
    assert response.status_code == 422 and "joint police–population workshops" in response.get_data(as_text=True)


def test_an_agreed_action_overdue_reaches_the_area_officer(web, login_as, make_activity, make_committee,
                                                           make_user, mail_settings):
    from cpms.notifications.service.sweep import sweep_reminders

    activity = make_activity()
    committee = make_committee()
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"], email="po.kor@test.cpms.example")
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    assert agree(web, activity, committee).status_code == 302
    with time_machine.travel(datetime.combine(date(2016, 12, 5), time(8), timezone.utc), tick=False):
        sweep_reminders(only={"action_overdue"})
    mail = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == officer.email))
    assert mail is not None and "Éclairer le marché de Bipemba la nuit" in mail.body_text


def test_agreed_action_goes_on_the_agenda_of_later_meetings(db, make_activity, make_committee, make_meeting):
    from cpms.committees.service import carried_over_items
    from cpms.outreach.service import agree_action

    activity = make_activity()
    committee = make_committee()
    earlier = make_meeting(committee, when=datetime(2016, 6, 10, 9, tzinfo=timezone.utc), status="held")
    later = make_meeting(committee, when=datetime.now(timezone.utc) + timedelta(days=30), status="planned")
    item = agree_action(None, activity, committee_id=committee.id, description="Patrouilles mixtes",
                        responsible="Commissariat", due_date=date(2016, 12, 1))
    assert item in carried_over_items(later) and item not in carried_over_items(earlier)


def test_facilitators_with_an_address_are_reminded_before_the_activity(web, login_as, make_activity, make_user,
                                                                       mail_settings):
    from cpms.notifications.service.sweep import sweep_reminders

    activity = make_activity(start=date(2016, 10, 3))
    colleague = make_user("me_officer", provinces=["Kasaï-Oriental"], email="suivi.kor@test.cpms.example")
    far = make_user("me_officer", provinces=["Haut-Katanga"], email="suivi.hk@test.cpms.example")
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    url = f"/outreach/{activity.id}/facilitators"
    response = web.post(url, {"user_id": "0", "name": "Maître Kabongo", "email": ""})
    assert response.status_code == 422 and "e-mail address" in response.get_data(as_text=True)
    response = web.post(url, {"user_id": str(far.id), "name": "", "email": ""})
    assert response.status_code == 422
    assert web.post(url, {"user_id": "0", "name": "Maître Kabongo", "email": "kabongo@example.org"}).status_code == 302
    assert web.post(url, {"user_id": str(colleague.id), "name": "", "email": ""}).status_code == 302
    page = web.get(f"/outreach/{activity.id}").get_data(as_text=True)
    assert "Maître Kabongo" in page and colleague.name in page

    with time_machine.travel(datetime.combine(date(2016, 9, 25), time(8), timezone.utc), tick=False):
        sweep_reminders(only={"outreach_activity_upcoming"})  # too early: nothing
    assert _db.session.scalars(select(OutboxMessage)).all() == []
    with time_machine.travel(datetime.combine(date(2016, 10, 1), time(8), timezone.utc), tick=False):
        sweep_reminders(only={"outreach_activity_upcoming"})
    sent = {m.to_address: m for m in _db.session.scalars(select(OutboxMessage))}
    assert set(sent) == {"kabongo@example.org", colleague.email}
    assert "Atelier de confiance police–population" in sent["kabongo@example.org"].body_text


def test_retention_removes_facilitators_addresses(db, app, make_activity):
    from cpms.outreach.privacy import retire_participants
    from cpms.outreach.service import add_facilitator

    old = make_activity(start=date(2010, 3, 1), end=date(2010, 3, 2))
    recent = make_activity(start=date(2016, 10, 3), end=date(2016, 10, 7))
    add_facilitator(old, user_id=0, name="Maître Ancien", email="ancien@example.org")
    add_facilitator(recent, user_id=0, name="Maître Récent", email="recent@example.org")
    retire_participants(datetime(2012, 1, 1, tzinfo=timezone.utc))
    left = _db.session.scalars(select(OutreachFacilitator.email)).all()
    assert left == ["recent@example.org"]
