"""The certificate rule book (docs/rules/certificates.md): issued only once the cohort has ended, certified on the
completion date, flagged for review when the enrolment stops being completed after issue (issue 17)."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cpms.certificates import service
from cpms.certificates.models import CertificateFile
from cpms.certificates.service import batches, reviews
from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.notifications.models import Notification
from tests.certificates.fixtures import BASE_URL
from tests.conftest import english
from tests.helpers.pdf import pdf_text


@pytest.fixture
def running_cohort(completed_cohort):
    """A cohort started last month that ends in three months: its trainees meet every condition so far."""
    today = date.today()
    return completed_cohort(n=2, start=today - timedelta(days=30), end=today + timedelta(days=90))


# --- issued only once the cohort has ended -------------------------------------------------------------------

def test_no_certificate_before_the_cohort_ends(app, running_cohort):
    cohort, done, _rest = running_cohort
    with english(app), pytest.raises(DomainError, match="certificates are issued once it has ended"):
        service.issue_certificate(None, done[0], base_url=BASE_URL)
    assert service.cohort_certificates(cohort.id) == {}


def test_no_batch_before_the_cohort_ends(app, running_cohort, make_user):
    cohort, _done, _rest = running_cohort
    with english(app), pytest.raises(DomainError, match="No certificates for .* yet: the cohort ends on"):
        batches.request_batch(make_user("me_officer"), cohort, base_url=BASE_URL)


def test_a_cancelled_cohort_gets_no_certificate(app, completed_cohort):
    cohort, done, _rest = completed_cohort(n=1)
    cohort.status = "cancelled"
    with english(app), pytest.raises(DomainError, match="was cancelled"):
        service.issue_certificate(None, done[0], base_url=BASE_URL)


def test_the_cohort_page_offers_no_issue_before_the_end_and_says_why(web, login_as, running_cohort):
    cohort, _done, _rest = running_cohort
    login_as("project_officer")
    page = web.get(f"/certificates/cohorts/{cohort.id}").get_data(as_text=True)
    assert "certificates are issued once it has ended" in page
    assert 'id="issue-cohort"' not in page and "/issue\"" not in page


def test_the_cohort_page_offers_issue_once_the_cohort_has_ended(web, login_as, completed_cohort):
    cohort, _done, _rest = completed_cohort(n=1)
    login_as("project_officer")
    page = web.get(f"/certificates/cohorts/{cohort.id}").get_data(as_text=True)
    assert 'id="issue-cohort"' in page and 'id="not-due"' not in page


# --- certification date --------------------------------------------------------------------------------------

def test_certified_on_is_the_end_of_the_course_also_when_issued_years_later(app, completed_cohort):
    cohort, done, _rest = completed_cohort(n=1)  # 29 March – 28 August 2016, issued today
    certificate = service.issue_certificate(None, done[0], base_url=BASE_URL)
    _db.session.commit()
    assert certificate.certified_on == cohort.end_date == date(2016, 8, 28)
    assert certificate.issued_at.date() == date.today()
    text = pdf_text(service.pdf_of(certificate))
    assert "Certifié le 28 août 2016" in " ".join(text.split())
    stored = _db.session.get(CertificateFile, certificate.id)
    assert stored.pages == 1  # the added line still fits on the page


def test_the_verification_page_shows_the_certification_date(client, make_certificate):
    certificate = make_certificate()
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    shown = page.split('id="verified-certified-on">', 1)[1].split("</dd>", 1)[0]
    assert "28" in shown and "2016" in shown


# --- review after issue --------------------------------------------------------------------------------------

def _deny(trainee, on=date(2026, 11, 20)):
    from cpms.training import service as training
    return training.record_vetting(trainee, submitted_on=on - timedelta(days=30), status="denied", decided_on=on)


def test_a_vetting_denial_after_issue_flags_the_certificate_and_notifies_the_me_officers(app, make_certificate,
                                                                                          make_user):
    from cpms.notifications.service.sweep import sweep_reminders
    officer = make_user("me_officer")
    trainer = make_user("trainer")
    certificate = make_certificate()
    trainee = _db.session.get(__import__("cpms.training.models", fromlist=["Trainee"]).Trainee, certificate.trainee_id)
    _deny(trainee)
    _db.session.commit()
    assert certificate.to_review and certificate.status == "valid"
    assert "vetting denied" in certificate.review_reason or "vérification" in certificate.review_reason
    sweep_reminders(only={"certificate_to_review"})
    notified = _db.session.scalars(select(Notification.user_id).where(Notification.kind == "certificate_to_review")).all()
    assert officer.id in notified and trainer.id not in notified


def test_a_pending_or_approved_vetting_flags_nothing(app, make_certificate):
    from cpms.training import service as training
    from cpms.training.models import Trainee
    certificate = make_certificate()
    trainee = _db.session.get(Trainee, certificate.trainee_id)
    training.record_vetting(trainee, submitted_on=date(2026, 1, 5), status="pending")
    _db.session.commit()
    assert not certificate.to_review


def test_a_withdrawal_after_issue_flags_the_certificate(app, completed_cohort):
    from cpms.training import service as training
    _cohort, done, _rest = completed_cohort(n=2)
    certificate = service.issue_certificate(None, done[0], base_url=BASE_URL)
    other = service.issue_certificate(None, done[1], base_url=BASE_URL)
    with english(app):
        training.withdraw_enrolment(done[0], withdrawn_on=date(2016, 5, 2), reason="Muté à Kananga")
    _db.session.commit()
    assert certificate.to_review and "withdrawn" in certificate.review_reason
    assert not other.to_review


def test_a_score_corrected_after_issue_flags_the_certificate(app, completed_cohort):
    from cpms.training.service import attendance
    cohort, done, _rest = completed_cohort(n=1)
    certificate = service.issue_certificate(None, done[0], base_url=BASE_URL)
    with english(app):
        attendance.record_scores(cohort, {done[0].id: {"final_score": 30}})
    _db.session.commit()
    assert certificate.to_review and "below the pass mark" in certificate.review_reason


def test_keep_needs_a_flag_and_a_reason(app, make_certificate):
    certificate = make_certificate()
    with english(app):
        with pytest.raises(DomainError, match="Only a certificate flagged for review"):
            reviews.keep_certificate(None, certificate, "Checked")
        reviews.flag_for_review(certificate, "human-rights vetting denied")
        with pytest.raises(DomainError, match="Say why the certificate is kept"):
            reviews.keep_certificate(None, certificate, "  ")
    reviews.keep_certificate(None, certificate, "Homonyme : la décision concerne un autre agent")
    _db.session.commit()
    assert not certificate.to_review and certificate.status == "valid" and certificate.reviewed_at is not None


def test_the_public_page_says_valid_under_review_without_the_reason(client, make_certificate):
    certificate = make_certificate()
    reviews.flag_for_review(certificate, "human-rights vetting denied (decision of 20 November 2026)")
    _db.session.commit()
    page = client.get(f"/verify/{certificate.verification_code}", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Valid – under review" in text or "Valide – en cours de réexamen" in text
    assert "vetting" not in text and "20 November 2026" not in text


def test_the_certificate_page_offers_keep_and_revoke_when_flagged(web, login_as, make_certificate):
    certificate = make_certificate()
    reviews.flag_for_review(certificate, "withdrawn on 2016-05-02")
    _db.session.commit()
    login_as("me_officer")
    page = web.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert 'id="review-flag"' in page and 'id="keep-form"' in page and "Revoke the certificate" in page
    response = web.post(f"/certificates/{certificate.id}/keep", {"note": "Retrait saisi par erreur"},
                        page=f"/certificates/{certificate.id}")
    assert response.status_code == 302
    _db.session.refresh(certificate)
    assert not certificate.to_review and certificate.review_note == "Retrait saisi par erreur"


def test_the_closeout_row_flags_a_valid_certificate_of_an_enrolment_no_longer_completed(web, login_as, app,
                                                                                     make_certificate):
    from cpms.training.models import Trainee
    certificate = make_certificate()
    _deny(_db.session.get(Trainee, certificate.trainee_id))
    _db.session.commit()
    login_as("me_officer")
    page = web.get(f"/training/cohorts/{certificate.cohort_id}/close-out").get_data(as_text=True)
    row = page[page.index(certificate.serial):][:400]
    assert "to review" in row


def test_the_sweep_flags_what_a_missed_signal_left_but_not_a_kept_certificate(app, completed_cohort):
    cohort, done, _rest = completed_cohort(n=2)
    first = service.issue_certificate(None, done[0], base_url=BASE_URL)
    second = service.issue_certificate(None, done[1], base_url=BASE_URL)
    for enrolment in done:  # changed behind the services' back: no signal
        enrolment.final_score = 10
    reviews.flag_for_review(second, "final score 10 below the pass mark 50")
    reviews.keep_certificate(None, second, "Note corrigée sur papier, à ressaisir")
    _db.session.flush()
    assert reviews.sweep_reviews() == 1
    assert first.to_review and not second.to_review


def test_the_verification_api_says_valid_and_under_review(client, make_certificate):
    certificate = make_certificate()
    reviews.flag_for_review(certificate, "withdrawn on 2016-05-02")
    _db.session.commit()
    answer = client.get(f"/api/v1/certificates/verify/{certificate.verification_code}").get_json()
    assert answer["status"] == "valid" and answer["under_review"] is True
    assert answer["certified_on"] == "2016-08-28" and "withdrawn" not in str(answer)


def test_the_training_closeout_page_says_why_no_certificate_yet(web, login_as, running_cohort):
    cohort, _done, _rest = running_cohort
    login_as("project_officer")
    page = web.get(f"/training/cohorts/{cohort.id}/close-out").get_data(as_text=True)
    assert 'id="certificates-not-due"' in page and "certificates are issued once it has ended" in page


def test_an_imported_denial_flags_the_certificate(app, make_certificate, make_user):
    """Observation 2 of issue 17: a "Refusée" result imported for a certified officer."""
    from cpms.core.permissions import scope_of
    from cpms.training import service as training
    from cpms.training.imports.vetting import VettingResultsImport
    from cpms.training.models import Trainee
    certificate = make_certificate()
    trainee = _db.session.get(Trainee, certificate.trainee_id)
    submission = training.record_vetting(trainee, submitted_on=date(2026, 10, 1), batch_reference="LOT-2026-11")
    _db.session.commit()
    assert not certificate.to_review  # a submission alone changes nothing
    importer = VettingResultsImport(scope_of(make_user("admin")))
    importer.apply(None, [{"vetting_id": submission.id, "status": "denied", "decided_on": "2026-11-20",
                           "expires_on": None, "notes": None}])
    _db.session.commit()
    assert certificate.to_review


def test_the_list_filters_the_certificates_to_review(web, login_as, make_certificate):
    flagged, other = make_certificate(), make_certificate()
    reviews.flag_for_review(flagged, "withdrawn on 2016-05-02")
    _db.session.commit()
    login_as("me_officer")
    page = web.get("/certificates/?status=to_review").get_data(as_text=True)
    assert flagged.serial in page and other.serial not in page and "To review" in page


def test_a_certificate_issued_before_the_end_of_the_course_is_flagged_by_the_sweep(app, running_cohort):
    """What was issued before the rule (observation 1 of issue 17) is flagged for review, once."""
    from cpms.certificates.service.certificates import _make_certificate
    from cpms.training.models import Trainee
    cohort, done, _rest = running_cohort
    trainee = _db.session.get(Trainee, done[0].trainee_id)
    early = _make_certificate(None, done[0], trainee, cohort, number=999, base_url=BASE_URL)  # no rule checked
    with english(app):
        assert reviews.sweep_reviews() >= 1
    assert early.to_review and "before the end of the course" in early.review_reason
    reviews.keep_certificate(None, early, "Cérémonie anticipée autorisée par le commissaire")
    assert reviews.sweep_reviews() == 0 and not early.to_review


def test_the_me_officer_dashboard_counts_the_certificates_to_review(web, login_as, make_certificate):
    certificate = make_certificate()
    reviews.flag_for_review(certificate, "withdrawn on 2016-05-02")
    _db.session.commit()
    login_as("me_officer")
    assert "Certificates to review" in web.get("/").get_data(as_text=True)


def test_the_project_officer_dashboard_has_no_review_card(web, login_as, make_certificate):
    certificate = make_certificate()
    reviews.flag_for_review(certificate, "withdrawn on 2016-05-02")
    _db.session.commit()
    login_as("project_officer")
    assert "Certificates to review" not in web.get("/").get_data(as_text=True)


def test_a_trainer_s_dashboard_counts_the_certificates_and_officers_in_post_of_their_cohorts_only(
        web, login_as, make_user, make_certificate, completed_cohort, make_posting):
    """The trainer's two cards are counted from the cohorts they teach (a list of cohorts and of their officers, not
    a check on every certificate and posting): the officers of a cohort they do not teach are left out."""
    trainer = login_as("trainer", "Kasaï-Oriental")
    _cohort, taught, _rest = completed_cohort(n=2, trainers=(trainer,))
    _other, not_taught, _rest = completed_cohort(n=1, trainers=(make_user("trainer"),))
    for enrolment in taught + not_taught:
        make_certificate(enrolment)
        make_posting(enrolment.trainee)
    html = web.get("/").get_data(as_text=True)
    assert re.search(r'card-value">2</span>\s*<span class="card-title">Valid certificates<', html)
    assert re.search(r'card-value">2</span>\s*<span class="card-title">Trained officers in post<', html)
