"""Actions agreed in a joint workshop followed up by the workshop's programme (no committee needed): on the
programme's list with a link back to the workshop, closed there, counted on the programme's page, and reminded to
the area's project officers when overdue."""
from datetime import date, datetime, time, timezone

import time_machine
from sqlalchemy import select

from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from cpms.notifications.models import OutboxMessage
from cpms.outreach.models import OutreachProgrammeAction


def agree(web, activity, **overrides):
    data = {"description": "Installer une boîte à plaintes au marché", "responsible": "Femmes pour la paix",
            "due_date": "2016-11-30", "committee_id": "0"}
    data.update(overrides)
    return web.post(f"/outreach/{activity.id}/actions", data)


def test_an_action_carried_into_the_programme_is_on_its_list_with_a_link_back(web, login_as, make_activity,
                                                                             make_programme):
    programme = make_programme(code="PDP-TEST")
    activity = make_activity(programme=programme)
    login_as("project_officer", "Kasaï-Oriental")
    form = web.get(f"/outreach/{activity.id}").get_data(as_text=True)
    assert "The programme PDP-TEST" in form
    response = agree(web, activity, due_date="2016-09-01")
    assert response.status_code == 422 and "The due date cannot be before" in response.get_data(as_text=True)
    response = agree(web, activity, responsible=" ")
    assert response.status_code == 422 and "Name who is responsible" in response.get_data(as_text=True)
    assert _db.session.scalars(select(OutreachProgrammeAction)).all() == []

    response = agree(web, activity)
    assert response.status_code == 302
    assert "programme&#39;s action items" in web.get(response.headers["Location"]).get_data(as_text=True)
    item = _db.session.scalar(select(OutreachProgrammeAction))
    assert (item.activity_id, item.status, item.responsible) == (activity.id, "open", "Femmes pour la paix")
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "outreach_programme_actions",
                                                       AuditEntry.action == "create")) is not None

    listing = web.get(f"/outreach/programmes/{programme.id}/actions").get_data(as_text=True)
    assert "Installer une boîte à plaintes au marché" in listing and "Femmes pour la paix" in listing
    assert f'href="/outreach/{activity.id}"' in listing and "Atelier de confiance police–population" in listing
    assert listing.count('class="overdue"') == 1  # due 30 November 2016
    workshop = web.get(f"/outreach/{activity.id}").get_data(as_text=True)
    assert "Installer une boîte à plaintes au marché" in workshop
    assert f'href="/outreach/programmes/{programme.id}/actions?show=all"' in workshop
    page = web.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "1 open action" in page and "1 overdue" in page
    assert f'href="/outreach/programmes/{programme.id}/actions"' in page


def test_the_filters_and_closing_an_action(web, login_as, make_activity, make_programme):
    from cpms.outreach.service import carry_to_programme

    programme = make_programme()
    activity = make_activity(programme=programme)
    late = carry_to_programme(None, activity, description="Patrouilles mixtes la nuit", responsible="Commissariat",
                              due_date=date(2016, 11, 1))
    later = carry_to_programme(None, activity, description="Réunion de suivi en 2030", responsible="Mairie",
                               due_date=date(2030, 1, 15))
    _db.session.commit()
    login_as("me_officer", "Kasaï-Oriental")
    url = f"/outreach/programmes/{programme.id}/actions"
    overdue = web.get(url + "?show=overdue").get_data(as_text=True)
    assert "Patrouilles mixtes la nuit" in overdue and "Réunion de suivi en 2030" not in overdue
    response = web.post(f"/outreach/programme-actions/{late.id}", {"status": "dropped", "note": ""})
    assert response.status_code == 422 and "Say why the action was dropped." in response.get_data(as_text=True)
    response = web.post(f"/outreach/programme-actions/{late.id}",
                        {"status": "dropped", "note": "Remplacé par les patrouilles de la PNC"})
    assert response.status_code == 302
    _db.session.refresh(late)
    assert late.status == "dropped" and late.closed_on is not None
    still_open = web.get(url).get_data(as_text=True)
    assert "Patrouilles mixtes la nuit" not in still_open and "Réunion de suivi en 2030" in still_open
    every = web.get(url + "?show=all").get_data(as_text=True)
    assert "Remplacé par les patrouilles de la PNC" in every
    assert later.status == "open"


def test_another_area_gets_404_and_viewers_see_counts_only(web, login_as, make_activity, make_programme):
    from cpms.outreach.service import carry_to_programme

    programme = make_programme(provinces=("Kasaï-Oriental", "Haut-Katanga"))
    activity = make_activity(programme=programme, commune="Kampemba")
    item = carry_to_programme(None, activity, description="Éclairer l'avenue Kasaï", responsible="Jean Mukendi",
                              due_date=date(2016, 11, 1))
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    assert web.get(f"/outreach/programme-actions/{item.id}").status_code == 404
    listing = web.get(f"/outreach/programmes/{programme.id}/actions?show=all").get_data(as_text=True)
    assert "Éclairer l'avenue Kasaï" not in listing
    web.post("/logout", page="/account")
    login_as("viewer", "Haut-Katanga")
    page = web.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "1 open action" in page and "Jean Mukendi" not in page and "Éclairer" not in page
    assert web.get(f"/outreach/programmes/{programme.id}/actions").status_code == 403


def test_an_overdue_programme_action_reaches_the_area_project_officer(db, make_activity, make_user, mail_settings):
    from cpms.notifications.service.sweep import sweep_reminders
    from cpms.outreach.service import carry_to_programme

    activity = make_activity()
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"], email="po.kor@test.cpms.example")
    far = make_user("project_officer", provinces=["Haut-Katanga"], email="po.hk@test.cpms.example")
    carry_to_programme(None, activity, description="Former les jeunes du quartier", responsible="Parlement des jeunes",
                       due_date=date(2016, 11, 30))
    _db.session.commit()
    with time_machine.travel(datetime.combine(date(2016, 11, 30), time(8), timezone.utc), tick=False):
        sweep_reminders(only={"outreach_programme_action_overdue"})  # due today: not yet overdue
    assert _db.session.scalars(select(OutboxMessage)).all() == []
    with time_machine.travel(datetime.combine(date(2016, 12, 5), time(8), timezone.utc), tick=False):
        sweep_reminders(only={"outreach_programme_action_overdue"})
    sent = {m.to_address: m for m in _db.session.scalars(select(OutboxMessage))}
    assert officer.email in sent and far.email not in sent
    assert "Former les jeunes du quartier" in sent[officer.email].body_text
    assert "Atelier de confiance police–population" in sent[officer.email].body_text


def test_retention_forgets_who_was_responsible_for_closed_actions(db, make_activity):
    from cpms.outreach.privacy import retire_participants
    from cpms.outreach.service import carry_to_programme, update_programme_action

    old = make_activity(start=date(2010, 3, 1), end=date(2010, 3, 2))
    closed = carry_to_programme(None, old, description="Clôturée", responsible="Maman Ancienne",
                                due_date=date(2010, 4, 1))
    update_programme_action(closed, status="done", note="")
    still_open = carry_to_programme(None, old, description="Ouverte", responsible="Papa Ouvert",
                                    due_date=date(2010, 4, 1))
    retire_participants(datetime(2012, 1, 1, tzinfo=timezone.utc))
    _db.session.refresh(closed)
    _db.session.refresh(still_open)
    assert closed.responsible != "Maman Ancienne" and still_open.responsible == "Papa Ouvert"


def test_a_programme_without_agreed_actions_shows_no_panel(web, login_as, make_programme):
    programme = make_programme()
    login_as("project_officer", "Kasaï-Oriental")
    page = web.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert programme.name in page and "Actions agreed in workshops" not in page


def test_overdue_is_judged_by_the_day_at_the_workshops_place(app, web, client, login_as, make_activity,
                                                           make_programme, make_user, mail_settings):
    """At 22:30 UTC on 30 November it is already 1 December in Mbuji-Mayi (UTC+2) but still 30 November in Kinshasa
    (UTC+1): an action due on the 30th is overdue in Bipemba only – on the list, the programme's page, the API and
    in the reminders, whatever the server's day."""
    from cpms.auth.service import create_api_token
    from cpms.notifications.service.sweep import sweep_reminders
    from cpms.outreach.service import carry_to_programme
    from tests.conftest import english

    programme = make_programme(provinces=("Kasaï-Oriental", "Kinshasa"))
    east = make_activity(programme=programme, commune="Bipemba", title="Atelier de Bipemba")
    west = make_activity(programme=programme, commune="Gombe", title="Atelier de la Gombe")
    carry_to_programme(None, east, description="Éclairer le marché de Bipemba", responsible="Mairie",
                       due_date=date(2016, 11, 30))
    carry_to_programme(None, west, description="Éclairer le marché de la Gombe", responsible="Mairie",
                       due_date=date(2016, 11, 30))
    officer = make_user("project_officer", provinces=["Kasaï-Oriental", "Kinshasa"], email="po@test.cpms.example")
    with english(app):
        _token, raw = create_api_token(make_user("me_officer"))
    _db.session.commit()
    with time_machine.travel(datetime(2016, 11, 30, 22, 30, tzinfo=timezone.utc), tick=False):
        login_as("me_officer")
        overdue = web.get(f"/outreach/programmes/{programme.id}/actions?show=overdue").get_data(as_text=True)
        listing = web.get(f"/outreach/programmes/{programme.id}/actions").get_data(as_text=True)
        page = web.get(f"/programmes/{programme.id}").get_data(as_text=True)
        api = client.get("/api/v1/outreach-programme-actions", headers={"Authorization": f"Bearer {raw}"}).get_json()
        sweep_reminders(only={"outreach_programme_action_overdue"})
    assert "marché de Bipemba" in overdue and "marché de la Gombe" not in overdue
    assert listing.count('class="overdue"') == 1 and "marché de la Gombe" in listing
    assert "2 open actions" in page and "1 overdue" in page
    assert sorted((a["description"], a["overdue"]) for a in api["items"]) == [
        ("Éclairer le marché de Bipemba", True), ("Éclairer le marché de la Gombe", False)]
    sent = [m.body_text for m in _db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == officer.email))]
    assert len(sent) == 1 and "marché de Bipemba" in sent[0] and "Gombe" not in sent[0]
