"""The complaints demo: cases in every stage, in the demo's language, reminders due, sensitive ones for the focal
point only."""
from datetime import date, timedelta

from sqlalchemy import select

from cpms.auth.models import User
from cpms.complaints import service
from cpms.complaints.models import Complaint
from cpms.extensions import db as _db


def test_demo_complaints_in_english_with_deadlines_passed_and_a_focal_point(app, demo_en):
    complaints = _db.session.scalars(select(Complaint)).all()
    assert {c.status for c in complaints} == {"received", "acknowledged", "under_review", "referred", "answered",
                                              "closed"}
    assert {c.channel for c in complaints} == {"web", "telephone", "in_person", "suggestion_box", "meeting"}
    accounts = {c.account for c in complaints}
    assert "The evening foot patrols made the market calmer. Thank you." in accounts
    assert not any("patrouilles" in a for a in accounts)
    today = date.today()
    assert any(c.status == "received" and c.acknowledge_by < today - timedelta(days=1) for c in complaints)
    assert any(c.status in ("acknowledged", "under_review") and c.answer_by < today for c in complaints)
    meeting_case = next(c for c in complaints if c.channel == "meeting")
    assert meeting_case.meeting_id is not None

    focal = _db.session.scalar(select(User).where(User.email == "suivi@demo.cpms.example"))
    admin = _db.session.scalar(select(User).where(User.email == "admin@demo.cpms.example"))
    sensitive = _db.session.scalars(service.list_complaints(focal, sensitive=True)).all()
    assert {c.category for c in sensitive} == {"fraud", "sea"}
    assert _db.session.scalars(service.list_complaints(admin, sensitive=True)).all() == []
    assert not any(c.is_sensitive for c in _db.session.scalars(service.list_complaints(admin)))
