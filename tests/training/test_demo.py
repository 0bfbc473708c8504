"""The demo lives today: a cohort in progress on the programme running now (today's session planned, one held
session's register not taken, late enrolments), a cohort that ended last month with complete registers, and the
historical cohorts on their 2016–2017 dates; in English, no French sentence in the training records."""
from datetime import date, timedelta

from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.training.models import Cohort, Enrolment, TrainingSession
from cpms.training.service import attendance


def test_demo_training_lives_today(app, demo_en):
    today = date.today()
    assert demo_en["cohorts today"] == 2
    cohorts = {c.name: c for c in _db.session.scalars(select(Cohort))}
    running = cohorts[f"Mbuji-Mayi {today.year} – community policing (in progress)"]
    assert running.phase() == "running" and running.programme.code == "PDP-MBM-ACTUEL"
    assert running.start_date <= today - timedelta(weeks=9) and running.end_date >= today + timedelta(weeks=9)
    enrolments = _db.session.scalars(select(Enrolment).where(Enrolment.cohort_id == running.id)).all()
    assert len(enrolments) == 60
    assert sum(e.enrolled_on > running.start_date for e in enrolments) == 3
    assert [e.withdrawal_reason for e in enrolments if e.withdrawn_on] == ["Transferred to the Tshilenge station"]
    assert _db.session.scalar(select(TrainingSession.id).where(TrainingSession.cohort_id == running.id,
                                                               TrainingSession.session_date == today))
    states = [s.state for s in attendance.register_status(running.id).values()]
    assert states.count("not_taken") == 1 and states.count("partly") == 0 and states.count("taken") >= 40
    assert states.count("planned") >= 45
    assert not any(row.completed for row in attendance.cohort_completion(running))

    ended = next(c for name, c in cohorts.items() if name.endswith("(ended)"))
    assert ended.phase() == "ended" and ended.end_date < today.replace(day=1)
    assert ended.end_date >= (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    assert {s.state for s in attendance.register_status(ended.id).values()} == {"taken"}
    assert sum(row.completed for row in attendance.cohort_completion(ended)) >= 15

    historical = cohorts["Mbuji-Mayi 2016 – police de proximité"]
    assert historical.start_date == date(2016, 3, 29) and historical.phase() == "ended"
    reasons = set(_db.session.scalars(select(Enrolment.withdrawal_reason).where(Enrolment.withdrawn_on.is_not(None))))
    assert "Reassigned by his superiors" in reasons and "Réaffecté par sa hiérarchie" not in reasons
