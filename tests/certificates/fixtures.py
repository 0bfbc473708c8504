"""Factories for certificates (a pytest plugin: every test sees them, e.g. the access matrix)."""
from datetime import time

import pytest

from cpms.extensions import db as _db

BASE_URL = "https://cpms.example.org"


@pytest.fixture
def completed_cohort(db, make_cohort, make_trainee):
    """completed_cohort(n, incomplete=0, …) -> (cohort, completed enrolments, incomplete enrolments).

    One session on the first day: the completed trainees were present and scored 75; the others were absent."""
    from cpms.training import service
    from cpms.training.models import TrainingSession
    from cpms.training.service import attendance

    def factory(n=3, incomplete=0, commune="Bipemba", trainers=(), language="fr", provinces=None, names=None, **kwargs):
        cohort_kwargs = {"commune": commune, "trainers": trainers, **kwargs}
        if provinces:
            cohort_kwargs["provinces"] = provinces
        cohort = make_cohort(**cohort_kwargs)
        cohort.certificate_language = language
        names = list(names or [])
        trainees = [make_trainee(commune=commune, **({"last_name": names[i]} if i < len(names) else {}))
                    for i in range(n + incomplete)]
        enrolments = service.enrol_trainees(cohort, [t.id for t in trainees])
        session = TrainingSession(cohort_id=cohort.id, session_date=cohort.start_date, start_time=time(8),
                                  end_time=time(12))
        _db.session.add(session)
        _db.session.flush()
        marks = {e.id: ("present" if i < n else "absent") for i, e in enumerate(enrolments)}
        attendance.record_attendance(None, session, marks)
        for i, enrolment in enumerate(enrolments):
            enrolment.final_score = 75 if i < n else 40
        _db.session.commit()
        return cohort, enrolments[:n], enrolments[n:]

    return factory


@pytest.fixture
def make_certificate(app, completed_cohort):
    """A certificate issued for a new completed enrolment (or the one given)."""
    from cpms.certificates import service

    def factory(enrolment=None, actor=None, **cohort_kwargs):
        if enrolment is None:
            _cohort, done, _rest = completed_cohort(n=1, **cohort_kwargs)
            enrolment = done[0]
        certificate = service.issue_certificate(actor, enrolment, base_url=BASE_URL)
        _db.session.commit()
        return certificate

    return factory
