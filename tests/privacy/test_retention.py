"""Retention: personal data past its class is anonymised or deleted by the nightly job, and logged."""
from datetime import date, datetime, timedelta, timezone

import time_machine
from sqlalchemy import select

from cpms.auth.models import User
from cpms.committees.models import Member
from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from cpms.privacy.service.retention import apply_retention
from cpms.training import service
from cpms.training.models import Enrolment, Trainee, Vetting


def test_officers_are_anonymised_years_after_their_last_training_and_keep_counting(app, make_trainee, make_cohort):
    old = make_trainee(last_name="Ancien", phone="+243 99", birth_date=date(1970, 1, 1))
    recent = make_trainee(last_name="Recent")
    cohort = make_cohort(start=date(2010, 1, 4), end=date(2010, 6, 30))
    enrolment = service.enrol_trainees(cohort, [old.id])[0]
    service.withdraw_enrolment(enrolment, withdrawn_on=date(2010, 3, 1), reason="Raisons de santé")
    # last edited in 2010 (the newer officer was recorded today)
    _db.session.execute(Trainee.__table__.update().where(Trainee.id == old.id)
                        .values(updated_at=datetime(2010, 7, 1, tzinfo=timezone.utc)))
    _db.session.commit()
    with time_machine.travel(datetime(2021, 1, 1, tzinfo=timezone.utc)):
        done = apply_retention()
        _db.session.commit()
    assert done.get("trainee") == 1
    _db.session.expire_all()
    old, recent = _db.session.get(Trainee, old.id), _db.session.get(Trainee, recent.id)
    assert old.matricule == f"anon-{old.id}" and old.last_name == "***" and old.phone is None and old.birth_date is None
    assert old.sex == "M" and old.commune_id is not None  # still counts in the figures
    assert _db.session.get(Enrolment, enrolment.id).withdrawal_reason == ""
    assert recent.last_name == "Recent"  # created now: not expired
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retention", AuditEntry.entity == "trainee"))
    assert entry is not None and "1 rows" in entry.detail
    with time_machine.travel(datetime(2021, 1, 2, tzinfo=timezone.utc)):
        assert "trainee" not in apply_retention()  # already done


def test_vetting_notes_members_accounts_and_old_audit_entries(app, make_trainee, make_programme, make_user,
                                                              make_committee, make_member):
    trainee = make_trainee()
    service.record_vetting(trainee, submitted_on=date(2012, 1, 5), status="approved", batch_reference="B",
                           decided_on=date(2012, 2, 1), expires_on=None, notes="Allégation examinée")
    committee = make_committee(programme=make_programme())
    gone = make_member(committee, name="Ancien Membre", start_date=date(2010, 1, 1), end_date=date(2012, 1, 1))
    stays = make_member(committee, name="Membre Actif", start_date=date(2010, 1, 1))
    user = make_user("trainer")
    user.is_active = False
    _db.session.commit()
    _db.session.add(AuditEntry(action="login", actor_label="x@example.org", at=datetime(2015, 1, 1, tzinfo=timezone.utc)))
    _db.session.commit()

    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=800)):
        done = apply_retention()
        _db.session.commit()
    _db.session.expire_all()
    assert _db.session.scalar(select(Vetting.notes)) == "" and done["vetting"] == 1
    assert _db.session.get(Member, gone.id).name == "***" and _db.session.get(Member, stays.id).name == "Membre Actif"
    anonymous = _db.session.get(User, user.id)
    assert anonymous.email == f"anon-{user.id}" and anonymous.name == "***"
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.actor_label == "x@example.org")) is None
    assert {"vetting", "committee_member", "account", "audit"} <= set(done)


def test_a_period_of_zero_keeps_the_data(app, make_trainee, make_cohort):
    app.config["RETENTION_TRAINEE_YEARS"] = 0
    try:
        make_trainee(last_name="Gardé")
        with time_machine.travel(datetime(2060, 1, 1, tzinfo=timezone.utc)):
            assert "trainee" not in apply_retention()
    finally:
        app.config["RETENTION_TRAINEE_YEARS"] = 10


def test_the_job_is_scheduled(app):
    from cpms.core.scheduler import registered_jobs
    spec = registered_jobs()["retention"]
    assert spec.trigger == {"trigger": "cron", "hour": 2, "minute": 30}
