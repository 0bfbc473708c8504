"""A project officer records a complaint raised at a forum, naming the station concerned among those of their
area, then acknowledges, answers and closes it through the pages."""
from datetime import datetime, timezone

from sqlalchemy import select

from cpms.complaints.models import Complaint
from cpms.extensions import db as _db
from tests.conftest import commune_id


def test_officer_records_a_forum_complaint_about_a_station_of_the_area_and_closes_it(app, web, login_as,
                                                                                    make_programme, make_committee,
                                                                                    make_meeting, make_station):
    programme = make_programme()
    forum = make_committee(programme=programme, commune="Bipemba", kind="forum", name="Forum Tshiala")
    meeting = make_meeting(forum, when=datetime(2026, 11, 28, 9, tzinfo=timezone.utc))
    station = make_station(commune="Bipemba", name="Commissariat de Bipemba")
    elsewhere = make_station(commune="Kampemba", name="Commissariat de Kampemba")
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")

    form = web.get("/complaints/new").get_data(as_text=True)
    assert "Commissariat de Bipemba (Bipemba)" in form and "Forum Tshiala" in form
    assert "Commissariat de Kampemba" not in form
    sent = {"channel": "meeting", "meeting_id": meeting.id, "category": "police_conduct",
            "account": "Les agents de nuit ne patrouillent pas dans Tshiala.", "commune_id": commune_id("Bipemba"),
            "concerns": "", "concerns_station_id": station.id, "concerns_committee_id": "", "preferred_channel": "",
            "sex": "", "age_group": ""}
    refused = web.post("/complaints/new", {**sent, "concerns_station_id": elsewhere.id})
    assert refused.status_code == 422 and _db.session.scalar(select(Complaint)) is None
    response = web.post("/complaints/new", sent)
    assert response.status_code == 302
    complaint = _db.session.scalar(select(Complaint))
    assert (complaint.channel, complaint.meeting_id, complaint.concerns, complaint.concerns_station_id) == \
        ("meeting", meeting.id, "station", station.id)
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "A police station · Commissariat de Bipemba" in page

    url = f"/complaints/{complaint.id}"
    assert web.post(f"{url}/acknowledge", page=url).status_code == 302
    assert web.post(f"{url}/answer", {"answer": "Le commandant a renforcé les patrouilles de nuit."},
                    page=url).status_code == 302
    assert web.post(f"{url}/close", {"satisfaction": "satisfied"}, page=url).status_code == 302
    _db.session.expire_all()
    closed = _db.session.get(Complaint, complaint.id)
    assert (closed.status, closed.satisfaction) == ("closed", "satisfied")
    assert "Closed" in web.get(url).get_data(as_text=True)
