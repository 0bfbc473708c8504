"""The demo's outreach: the Masisi workshop (25 officers, 25 civil-society participants), Mbuji-Mayi's campaigns, and
what the demo users see."""
import re

from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.outreach.models import OutreachActivity, OutreachEvidence, OutreachFacilitator, OutreachParticipant


def test_demo_masisi_workshop_and_campaigns(app, demo_en, client, web):
    workshop = _db.session.scalar(select(OutreachActivity).where(OutreachActivity.kind == "joint_workshop"))
    police, others = _db.session.execute(
        select(func.count().filter(OutreachParticipant.category == "police"),
               func.count().filter(OutreachParticipant.category != "police"))
        .where(OutreachParticipant.activity_id == workshop.id)).one()
    assert (police, others) == (25, 25)
    assert (workshop.end_date - workshop.start_date).days == 4 and workshop.commune.name == "Masisi centre"
    assert _db.session.scalar(select(OutreachEvidence.kind)) == "attendance_sheet"
    assert _db.session.scalar(select(func.count()).select_from(OutreachActivity)) == 6
    reachable = _db.session.scalars(select(OutreachFacilitator)).all()  # the Kanshi session's, reminded before it
    assert sorted(f.user is not None for f in reachable) == [False, True]
    from cpms.outreach import service
    training = _db.session.scalar(select(OutreachActivity).where(OutreachActivity.kind == "media_training"))
    gain, scored = service.knowledge_gain(training)
    assert scored == 9 and 5 <= gain <= 35  # ten journalists, one without the last questionnaire

    web.post("/login", {"email": "admin@demo.cpms.example", "password": "Cpms-demo-Kasai-01"})
    page = client.get(f"/outreach/{workshop.id}").get_data(as_text=True)
    reach = re.search(r'<p id="reach">([^<]*)</p>', page).group(1)  # the admin works in French
    assert "Masisi police–population trust workshop" in page and re.findall(r"\d+", reach) == ["15", "35"]
    overdue = client.get(f"/outreach/programmes/{workshop.programme_id}/actions?show=overdue").get_data(as_text=True)
    assert overdue.count('class="overdue"') == 1 and f'href="/outreach/{workshop.id}"' in overdue
    every = client.get(f"/outreach/programmes/{workshop.programme_id}/actions?show=all").get_data(as_text=True)
    assert every.count("<tr") == 4  # the heading and the three actions agreed in Masisi
    web.post("/logout", page="/account")
    web.post("/login", {"email": "projet@demo.cpms.example", "password": "Cpms-demo-Kasai-03"})
    listing = client.get("/outreach/").get_data(as_text=True)
    assert "Radio Okapi" in listing and "Masisi" not in listing  # Kasaï-Oriental only
