"""Outreach pages through the test client: record a workshop, build a mixed roster, record counts, and what
another area's user and a reader see."""
from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.outreach.models import OutreachActivity, OutreachCount, OutreachParticipant
from tests.conftest import commune_id


def activity_form(programme, **overrides):
    data = {"kind": "joint_workshop", "title": "Atelier police–population de Masisi", "topic": "community_policing",
            "programme_id": str(programme.id), "commune_id": str(commune_id("Bipemba")), "quartier": "Kasavubu",
            "start_date": "2016-10-03", "end_date": "2016-10-07", "language": "Lingala", "partners": "ONG Paix",
            "facilitators": "Jeanne Test", "cost": "1500", "currency": "USD"}
    data.update(overrides)
    return data


def test_project_officer_records_a_workshop_with_a_mixed_roster(web, login_as, make_programme, make_trainee):
    programme = make_programme()
    officer = make_trainee(last_name="Kalala", sex="F")
    login_as("project_officer", "Kasaï-Oriental")
    response = web.post("/outreach/new", activity_form(programme, end_date="2016-10-01"))
    assert response.status_code == 422
    assert "The last day cannot be before the first day." in response.get_data(as_text=True)
    response = web.post("/outreach/new", activity_form(programme))
    assert response.status_code == 302
    activity = _db.session.scalar(select(OutreachActivity))
    assert activity.title == "Atelier police–population de Masisi" and activity.cost == 1500

    url = f"/outreach/{activity.id}"
    response = web.post(f"{url}/officers", {"matricule": "9-999-9999"})
    assert response.status_code == 422 and "No officer in your area has the matricule" in response.get_data(as_text=True)
    assert web.post(f"{url}/officers", {"matricule": officer.matricule}).status_code == 302
    assert web.post(f"{url}/participants", {"name": "Mama Bahati", "organisation": "Femmes de Masisi",
                                            "category": "womens_group", "sex": "F"}).status_code == 302
    assert web.post(f"{url}/participants", {"name": "Papa Jean", "organisation": "", "category": "youth",
                                            "sex": "M"}).status_code == 302
    response = web.post(f"{url}/counts", {"category": "public", "sex": "M", "people": "40", "estimate_source": ""})
    assert response.status_code == 422 and "Say where the figure comes from" in response.get_data(as_text=True)
    assert web.post(f"{url}/counts", {"category": "public", "sex": "M", "people": "40",
                                      "estimate_source": "Comptage à l'entrée"}).status_code == 302
    page = web.get(url).get_data(as_text=True)
    assert "Kalala" in page and "Mama Bahati" in page and "Femmes de Masisi" in page
    assert "2 women and 41 men" in page
    assert _db.session.scalar(select(OutreachCount.people)) == 40
    assert len(_db.session.scalars(select(OutreachParticipant)).all()) == 3
    assert "Atelier police–population de Masisi" in web.get("/outreach/").get_data(as_text=True)


def test_other_area_and_readers(web, client, login_as, make_activity):
    activity = make_activity()
    login_as("project_officer", "Haut-Katanga")
    assert web.get(f"/outreach/{activity.id}").status_code == 404
    assert "Atelier de confiance" not in web.get("/outreach/").get_data(as_text=True)


def test_me_officer_reads_but_cannot_add(web, login_as, make_activity):
    activity = make_activity()
    login_as("me_officer", "Kasaï-Oriental")
    page = web.get(f"/outreach/{activity.id}").get_data(as_text=True)
    assert "Atelier de confiance" in page and "Add a police officer" not in page
    assert web.post(f"/outreach/{activity.id}/participants", {"name": "X", "category": "youth",
                                                              "sex": "F"}).status_code == 403


def test_french_page(web, login_as, make_activity):
    activity = make_activity()
    login_as("project_officer", "Kasaï-Oriental", locale="fr")
    page = web.get(f"/outreach/{activity.id}").get_data(as_text=True)
    assert "Ajouter un agent de police" in page


def test_scores_of_a_training_through_the_page(web, login_as, make_activity):
    from cpms.outreach import service
    training = make_activity(kind="civil_society_training")
    participant = service.add_civilian(training, name="Mama Bahati", organisation="", category="womens_group", sex="F")
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    url = f"/outreach/{training.id}"
    response = web.post(f"{url}/scores", {f"pre-{participant.id}": "abc", f"post-{participant.id}": "60"}, page=url)
    assert response.status_code == 302 and _db.session.get(OutreachParticipant, participant.id).post_score is None
    assert "Enter the scores as numbers" in web.get(url).get_data(as_text=True)
    web.post(f"{url}/scores", {f"pre-{participant.id}": "42,5", f"post-{participant.id}": "60"}, page=url)
    page = web.get(url).get_data(as_text=True)
    assert "Mean knowledge gain: 17.5 points (1 participants with both scores)." in page


def test_home_page_cards_and_the_project_officers_calendar(web, login_as, make_activity):
    from datetime import date, timedelta

    from cpms.outreach import service
    today = date.today()
    make_activity(title="Causerie oubliée", start=today - timedelta(days=6), end=today - timedelta(days=5))
    counted = make_activity(title="Émission comptée", kind="radio", start=today - timedelta(days=3),
                            end=today - timedelta(days=3))
    service.set_count(counted, category="public", sex="F", people=120, estimate_source="Sondage")
    make_activity(title="Atelier de la semaine", start=today + timedelta(days=2), end=today + timedelta(days=3))
    make_activity(title="Atelier de Kampemba", commune="Kampemba", start=today + timedelta(days=1),
                  end=today + timedelta(days=1))
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    home = web.get("/").get_data(as_text=True)
    assert "Nobody is recorded for “Causerie oubliée”" in home
    assert "“Atelier de la semaine” starts on" in home and "in Bipemba." in home
    assert "Émission comptée" not in home and "Kampemba" not in home  # recorded; another area
    web.post("/logout", page="/account")
    login_as("viewer", "Kasaï-Oriental")
    home = web.get("/").get_data(as_text=True)
    assert "Outreach activities in your area" in home and "People reached by outreach" in home
    assert "Nobody is recorded" not in home
