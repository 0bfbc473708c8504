"""The deployments and plans demo lives today, in the demo's language."""
from datetime import date, timedelta

from sqlalchemy import select

from cpms.deployments.models import CoachingVisit, FollowUpAction, Posting
from cpms.extensions import db as _db
from cpms.plans.models import PlanAction


def test_demo_postings_and_visits_of_today_in_english(app, demo_en, client, web):
    today = date.today()
    recent = _db.session.scalars(select(Posting).where(Posting.start_date >= today - timedelta(days=60))).all()
    assert recent and all(p.station.name == "Commissariat de Diulu" for p in recent)
    visits = _db.session.scalars(select(CoachingVisit).where(CoachingVisit.visit_date >= today - timedelta(days=31))
                                 ).all()
    assert len(visits) == 2
    due = [a.due_date for a in _db.session.scalars(select(FollowUpAction).where(
        FollowUpAction.visit_id.in_([v.id for v in visits]), FollowUpAction.is_done.is_(False)))]
    assert any(d < today for d in due) and any(today <= d <= today + timedelta(days=6) for d in due)
    assert any(d > today + timedelta(days=6 - today.weekday()) for d in due)  # next week

    # every sentence in English; the historical visits and plans are unchanged in their dates
    observations = _db.session.scalars(select(CoachingVisit.observations)).all()
    assert "Foot patrols in Bipemba market; good contact with traders. Complaint registers are not kept everywhere." \
        in observations and not any("Patrouilles" in text for text in observations)
    functions = set(_db.session.scalars(select(Posting.function)))
    assert "Community police officer" in functions and "Agent de police de proximité" not in functions
    activities = set(_db.session.scalars(select(PlanAction.activity)))
    assert "Street lighting on the market avenue" in activities and not any("Éclairage" in a for a in activities)
    assert _db.session.scalar(select(CoachingVisit.visit_date).order_by(CoachingVisit.visit_date)) == date(2016, 10, 20)
