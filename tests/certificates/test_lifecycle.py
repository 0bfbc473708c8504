"""The life cycle of a certificate as a state machine (docs/rules/certificates.md): issue, vetting denial,
correction of the enrolment, restoration, revocation, keep after review – in any order."""
from datetime import date

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from cpms.certificates import service
from cpms.certificates.service import reviews
from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.training import service as training
from cpms.training.models import Trainee
from cpms.training.service import attendance
from tests.certificates.fixtures import BASE_URL


@pytest.fixture
def fast_pdf(monkeypatch):
    """The rules, not the rendering: a one-line PDF instead of WeasyPrint."""
    import cpms.certificates.service.certificates as certificates
    monkeypatch.setattr(certificates, "render_pdf", lambda *args, **kwargs: (b"%PDF-1.4 test", 1))


class CertificateLifeCycle(RuleBasedStateMachine):
    completed_cohort = None  # the fixture, set by the test

    def __init__(self):
        super().__init__()
        self.cohort, done, _rest = self.completed_cohort(n=1)
        self.enrolment = done[0]
        self.trainee = _db.session.get(Trainee, self.enrolment.trainee_id)
        self.certificate = None
        # the model: completed?, state of the certificate (None, "valid", "to_review", "revoked")
        self.completed, self.state, self.denials = True, None, 0

    def _refused(self, action):
        try:
            action()
        except DomainError:
            _db.session.rollback()
            return True
        _db.session.commit()
        return False

    @rule()
    def issue(self):
        refused = self._refused(lambda: setattr(self, "new", service.issue_certificate(None, self.enrolment,
                                                                                       base_url=BASE_URL)))
        assert refused == (self.state is not None or not self.completed)
        if not refused:
            self.certificate, self.state = self.new, "valid"

    @rule()
    def deny_vetting(self):
        self.denials += 1  # each decision on its own day: a new denial is a new reason
        day = date(2026, 1, self.denials)
        training.record_vetting(self.trainee, submitted_on=day, status="denied", decided_on=day)
        _db.session.commit()
        if self.state == "valid":
            self.state = "to_review"

    @rule()
    def correct_score(self):
        attendance.record_scores(self.cohort, {self.enrolment.id: {"final_score": 30}})
        _db.session.commit()
        if self.state == "valid" and self.completed:
            self.state = "to_review"
        self.completed = False

    @rule()
    def restore_score(self):
        attendance.record_scores(self.cohort, {self.enrolment.id: {"final_score": 75}})
        _db.session.commit()
        self.completed = True  # a flag stays until someone reviews it

    @precondition(lambda self: self.certificate is not None)
    @rule()
    def revoke(self):
        refused = self._refused(lambda: service.revoke_certificate(None, self.certificate, "Fraude"))
        assert refused == (self.state not in ("valid", "to_review"))
        if not refused:
            self.state = "revoked"

    @precondition(lambda self: self.certificate is not None)
    @rule()
    def keep(self):
        refused = self._refused(lambda: reviews.keep_certificate(None, self.certificate, "Vérifié"))
        assert refused == (self.state != "to_review")
        if not refused:
            self.state = "valid"

    @invariant()
    def database_agrees(self):
        if self.certificate is None:
            assert service.cohort_certificates(self.cohort.id) == {}
            return
        _db.session.refresh(self.certificate)
        actual = ("to_review" if self.certificate.to_review else self.certificate.status)
        assert actual == self.state


def test_certificate_life_cycle(app, completed_cohort, fast_pdf):
    CertificateLifeCycle.completed_cohort = staticmethod(completed_cohort)
    run_state_machine_as_test(CertificateLifeCycle, settings=settings(
        max_examples=15, stateful_step_count=10, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))


def test_a_kept_review_covers_every_reason_and_ends_once_completed_again(app, completed_cohort, fast_pdf):
    """Two sequences the state machine found: (1) a score corrected, then a vetting denial, the certificate kept:
    saving the same score again does not flag it again (it forgot the first reason); (2) a score corrected then
    restored, the certificate kept: a new correction flags it again (the kept reason no longer held)."""
    cohort, done, _rest = completed_cohort(n=2)
    first, second = done
    certificates = [service.issue_certificate(None, e, base_url=BASE_URL) for e in done]
    _db.session.commit()

    def scores(enrolment, score):
        attendance.record_scores(cohort, {enrolment.id: {"final_score": score}})
        _db.session.commit()

    def to_review(certificate):
        _db.session.refresh(certificate)
        return certificate.to_review

    scores(first, 30)
    day = date(2026, 1, 1)
    training.record_vetting(_db.session.get(Trainee, first.trainee_id), submitted_on=day, status="denied",
                            decided_on=day)
    _db.session.commit()
    reviews.keep_certificate(None, certificates[0], "Vérifié")
    _db.session.commit()
    scores(first, 30)
    assert not to_review(certificates[0])

    scores(second, 30)
    scores(second, 75)
    assert to_review(certificates[1])  # a flag stays until someone reviews it
    reviews.keep_certificate(None, certificates[1], "Vérifié")
    _db.session.commit()
    scores(second, 30)
    assert to_review(certificates[1])
