"""Factories for graduates, postings and coaching visits (a pytest plugin: every test sees them)."""
from datetime import date, time

import pytest
from sqlalchemy import select

from cpms.extensions import db as _db
from tests.conftest import commune_id


@pytest.fixture
def graduate(db):
    """graduate(cohort, trainees, final_score=70): enrol the trainees, hold one session on the cohort's first
    day with everybody present, record their final score (below the pass mark: not completed), and issue the
    certificates of those who completed (certified officers are the holders of a valid certificate)."""
    from cpms.certificates import service as certificates
    from cpms.core.errors import DomainError
    from cpms.training import service
    from cpms.training.models import TrainingSession
    from cpms.training.service import attendance

    def factory(cohort, trainees, final_score=70):
        enrolments = service.enrol_trainees(cohort, [t.id for t in trainees])
        session = _db.session.scalar(select(TrainingSession).where(TrainingSession.cohort_id == cohort.id))
        if session is None:
            session = TrainingSession(cohort_id=cohort.id, session_date=cohort.start_date, start_time=time(8),
                                      end_time=time(12))
            _db.session.add(session)
            _db.session.flush()
        attendance.record_attendance(None, session, {e.id: "present" for e in enrolments})
        for enrolment in enrolments:
            enrolment.final_score = final_score
        _db.session.commit()
        for enrolment in enrolments:
            try:
                certificates.issue_certificate(None, enrolment, base_url="https://cpms.example.org")
            except DomainError:  # not completed (or the course issues no certificate): not certified
                pass
        _db.session.commit()
        return enrolments

    return factory


@pytest.fixture
def make_posting(db):
    from cpms.deployments import service

    def factory(trainee, commune="Bipemba", start=date(2016, 9, 1), end=None, reason=None, station=None,
                function="Agent de police de proximité", note=""):
        posting = service.create_posting(None, trainee, station_id=station.id if station else None,
                                         commune_id=None if station else commune_id(commune), function=function,
                                         start_date=start, end_date=end, end_reason=reason, end_note=note)
        _db.session.commit()
        return posting

    return factory


@pytest.fixture
def make_visit(db):
    from cpms.deployments.service import coaching

    def factory(officers, commune="Bipemba", visit_date=date(2016, 11, 10), actions=(), **fields):
        values = dict(visit_date=visit_date, commune_id=commune_id(commune), coach_name="Commissaire Albert Mukendi",
                      coach_type="senior_officer", coach_organisation="PNC – Inspection provinciale",
                      observations="Patrols on foot in the market; good contact with traders.",
                      matricules=[t.matricule for t in officers], actions=list(actions))
        values.update(fields)
        visit = coaching.create_visit(None, **values)
        _db.session.commit()
        return visit

    return factory
