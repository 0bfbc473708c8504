"""Certificate rules and writes, by topic:

- certificates.py: issuing, re-issuing and revoking one certificate; looking certificates up; who may see them;
  the current template and a programme's artwork; the dashboard card;
- batches.py: a whole cohort's certificates, issued and assembled in the background;
- reviews.py: review after issue (flagged when the enrolment is no longer completed; kept or revoked), and the
  receivers of the training signals;
- codes.py: serial numbers and verification codes;
- design.py (with images.py): what administrators design – template versions, logos and signatories.

What other modules use is imported here (`from cpms.certificates import service; service.issue_certificate(...)`);
the topic modules import one another directly, never this package.
"""
from cpms.certificates.service import batches, codes, design, images, reviews
from cpms.certificates.service.certificates import (
                                                    MAX_REASON,
                                                    VERIFY_PATH,
                                                    can_see_certificate,
                                                    certificate_cards,
                                                    certificates_of_trainee,
                                                    certification_date,
                                                    cohort_certificates,
                                                    cohort_has_ended,
                                                    current_template,
                                                    ensure_due,
                                                    find_by_code,
                                                    issue_certificate,
                                                    latest_certificates,
                                                    not_due_reason,
                                                    pdf_of,
                                                    profile_for,
                                                    public_base_url,
                                                    refusal,
                                                    reissue_certificate,
                                                    revoke_certificate,
                                                    set_certificate_language,
                                                    status_label,
                                                    store_certificate,
                                                    store_certificates,
                                                    verification_url,
                                                    versions_of,
                                                    visible_certificates,
)

__all__ = ["batches", "codes", "design", "images", "reviews", "MAX_REASON", "VERIFY_PATH", "can_see_certificate",
           "certification_date", "cohort_has_ended", "ensure_due", "not_due_reason",
           "certificate_cards", "certificates_of_trainee", "cohort_certificates", "current_template", "find_by_code",
           "issue_certificate", "latest_certificates", "pdf_of", "profile_for", "public_base_url", "refusal",
           "reissue_certificate", "revoke_certificate", "set_certificate_language", "status_label",
           "store_certificate", "store_certificates", "verification_url", "versions_of", "visible_certificates"]
