"""Review after issue: a valid certificate whose enrolment stops being completed is flagged "to review".

Causes (sent by the training services as blinker signals, cpms/training/signals.py – training imports nothing
from certificates):
- a vetting decision "denied" recorded for a certified officer (`vetting_recorded`): every valid certificate
  of the officer is flagged, whatever the date of the course;
- an enrolment withdrawn or corrected (`enrolment_changed`), attendance marks or final scores corrected
  (`cohort_results_changed`): the valid certificates whose enrolment is no longer completed are flagged, with
  the reasons from `cohort_completion`.
`sweep_reviews()` (flask cpms certificates review-sweep) is the safety net: it flags what a missed signal left,
and certificates issued before their cohort ended (before that rule existed), except certificates already
reviewed and kept. Migration 0016 flags the latter once as it upgrades.

A flagged certificate stays valid (and so counted) until an M&E officer or an administrator revokes it
(revoke_certificate) or keeps it with a reason (keep_certificate). The M&E officers covering the cohort's
place are notified in the application (reminder kind "certificate_to_review", cpms/certificates/reminders.py).
The public verification page says "Valid – under review" meanwhile, without the reason.
"""
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import exists, select

from cpms.certificates.models import Certificate
from cpms.core.errors import DomainError
from cpms.core.models import utcnow
from cpms.extensions import db
from cpms.training import signals
from cpms.training.models import Cohort, Enrolment
from cpms.training.service.attendance import cohort_completion

MAX_NOTE = 500
REVIEWERS = ("admin", "me_officer")


SEPARATOR = "; "


def _reasons(text):
    return [part for part in (text or "").split(SEPARATOR) if part]


def flag_for_review(certificate, reason, now=None):
    """Flag a valid certificate "to review" with its reason; False (nothing changed) when it is not valid, or
    every part of the reason is already flagged – or was reviewed and kept. A certificate keeps every reason it
    was flagged for until the review ends: kept after a vetting denial and a corrected score, it is not flagged
    again when the same score is saved once more."""
    parts = _reasons((reason or "").strip())
    if certificate.status != "valid" or not parts:
        return False
    known = _reasons(certificate.review_reason) if (certificate.review_flagged_at or certificate.reviewed_at) else []
    if all(part in known for part in parts):
        return False  # already flagged, or reviewed and kept, for these very reasons (e.g. the grid saved again)
    merged = known + [part for part in parts if part not in known]
    if certificate.review_flagged_at is None:
        certificate.review_flagged_at = now or utcnow()
    certificate.review_reason = SEPARATOR.join(merged)[:MAX_NOTE]
    certificate.reviewed_at, certificate.reviewed_by_id, certificate.review_note = None, None, ""
    db.session.flush()
    return True


def keep_certificate(actor, certificate, note):
    """End the review of a flagged certificate by keeping it valid; the reason is required and kept."""
    note = (note or "").strip()
    if not certificate.to_review:
        raise DomainError(_("Only a certificate flagged for review can be kept after review; %(serial)s is not "
                            "flagged.", serial=certificate.serial))
    if not note:
        raise DomainError(_("Say why the certificate is kept: the reason is kept with it."), field="note")
    if len(note) > MAX_NOTE:
        raise DomainError(_("The reason may have at most %(n)d characters.", n=MAX_NOTE), field="note")
    actor_id = getattr(actor, "id", None)
    with db.session.no_autoflush:
        certificate.reviewed_at, certificate.reviewed_by_id, certificate.review_note = utcnow(), actor_id, note
        certificate.review_flagged_at = None
        if _completed_now(certificate):
            # the enrolment was completed again before the review: its reasons no longer hold, so the same reason
            # met again later (a new correction) flags the certificate again (as _close_kept_review does)
            certificate.review_reason = ""
    db.session.flush()
    return certificate


def _completed_now(certificate):
    cohort = db.session.get(Cohort, certificate.cohort_id)
    return any(row.completed for row in cohort_completion(cohort) if row.enrolment.id == certificate.enrolment_id)


def _valid_certificates(*conditions):
    return db.session.scalars(select(Certificate).where(Certificate.status == "valid", *conditions)
                              .order_by(Certificate.id)).all()


def review_after_vetting(vetting):
    """A denial recorded for a certified officer flags each of their valid certificates. Returns them."""
    if vetting.status != "denied":
        return []
    when = format_date(vetting.decided_on, "long") if vetting.decided_on else "?"
    reason = _("human-rights vetting denied (decision of %(date)s)", date=when)
    return [c for c in _valid_certificates(Certificate.trainee_id == vetting.trainee_id) if flag_for_review(c, reason)]


def review_cohort(cohort, enrolment_ids=None):
    """Flag the valid certificates of the cohort (or of these enrolments) whose enrolment is no longer
    completed. Returns the certificates flagged now."""
    conditions = [Certificate.cohort_id == cohort.id]
    if enrolment_ids is not None:
        conditions.append(Certificate.enrolment_id.in_(list(enrolment_ids)))
    if not db.session.scalar(select(exists().where(Certificate.status == "valid", *conditions))):
        return []  # the usual case: nothing issued, no need to compute completion
    certificates = {c.enrolment_id: c for c in _valid_certificates(*conditions)}
    flagged = []
    for row in cohort_completion(cohort):
        certificate = certificates.get(row.enrolment.id)
        if certificate is None:
            continue
        if row.completed:
            _close_kept_review(certificate)
        elif flag_for_review(certificate, SEPARATOR.join(row.reasons)):
            flagged.append(certificate)
    return flagged


def _close_kept_review(certificate):
    """The enrolment is completed again: a review kept for a reason is over, so that the same reason met again
    later (a new correction) flags the certificate again. reviewed_at and the note stay; the audit log keeps all."""
    if certificate.review_flagged_at is None and certificate.reviewed_at is not None and certificate.review_reason:
        certificate.review_reason = ""
        db.session.flush()


def review_enrolment(enrolment):
    return review_cohort(db.session.get(Cohort, enrolment.cohort_id), [enrolment.id])


def flag_issued_too_early():
    """Valid certificates, never reviewed, issued on or before their cohort's last day (before the rule that a
    certificate waits for the end of the cohort): flagged. Returns them."""
    rows = db.session.execute(select(Certificate, Cohort.end_date).join(Cohort, Cohort.id == Certificate.cohort_id)
                              .where(Certificate.status == "valid", Certificate.review_flagged_at.is_(None),
                                     Certificate.reviewed_at.is_(None))).all()
    flagged = []
    for certificate, end_date in rows:
        if certificate.issued_at.date() <= end_date:
            reason = _("issued on %(issued)s, before the end of the course on %(end)s",
                       issued=format_date(certificate.issued_at.date(), "long"), end=format_date(end_date, "long"))
            if flag_for_review(certificate, reason):
                flagged.append(certificate)
    return flagged


def sweep_reviews():
    """The safety net: flag valid certificates, never reviewed, issued before their cohort ended or whose
    enrolment is no longer completed. Returns the number flagged."""
    count = len(flag_issued_too_early())
    cohort_ids = db.session.scalars(select(Certificate.cohort_id).where(
        Certificate.status == "valid", Certificate.review_flagged_at.is_(None), Certificate.reviewed_at.is_(None))
        .distinct()).all()
    for cohort_id in cohort_ids:
        cohort = db.session.get(Cohort, cohort_id)
        kept = set(db.session.scalars(select(Certificate.enrolment_id).where(
            Certificate.cohort_id == cohort_id, Certificate.status == "valid",
            Certificate.reviewed_at.is_not(None))))
        enrolment_ids = set(db.session.scalars(select(Enrolment.id).where(Enrolment.cohort_id == cohort_id))) - kept
        count += len(review_cohort(cohort, enrolment_ids))
    return count


def certificates_to_review(scope=None):
    stmt = select(Certificate).where(Certificate.status == "valid", Certificate.review_flagged_at.is_not(None))
    if scope is not None and not scope.is_national:
        stmt = stmt.where(scope.filter(Certificate.province_id, Certificate.commune_id))
    return stmt.order_by(Certificate.review_flagged_at, Certificate.id)


# --- the training signals ------------------------------------------------------------------------------

@signals.vetting_recorded.connect
def _on_vetting_recorded(vetting, **_extra):
    review_after_vetting(vetting)


@signals.enrolment_changed.connect
def _on_enrolment_changed(enrolment, **_extra):
    review_enrolment(enrolment)


@signals.cohort_results_changed.connect
def _on_cohort_results_changed(cohort, **_extra):
    review_cohort(cohort)
