"""Certificate rules and writes, by topic:

- certificates.py: issuing, re-issuing and revoking one certificate; looking certificates up; who may see them;
  the current template and a programme's artwork; the dashboard card;
- batches.py: a whole cohort's certificates, issued and assembled in the background;
- codes.py: serial numbers and verification codes;
- design.py (with images.py): what administrators design – template versions, logos and signatories.

What other modules use is imported here (`from cpms.certificates import service; service.issue_certificate(...)`);
the topic modules import one another directly, never this package.
"""
from cpms.certificates.service import batches, codes, design, images
from cpms.certificates.service.certificates import (
                                                    MAX_REASON,
                                                    VERIFY_PATH,
                                                    can_see_certificate,
                                                    certificate_cards,
                                                    certificates_of_trainee,
                                                    cohort_certificates,
                                                    current_template,
                                                    find_by_code,
                                                    issue_certificate,
                                                    latest_certificates,
                                                    pdf_of,
                                                    profile_for,
                                                    public_base_url,
                                                    refusal,
                                                    reissue_certificate,
                                                    revoke_certificate,
                                                    set_certificate_language,
                                                    status_label,
                                                    store_certificate,
                                                    verification_url,
                                                    versions_of,
                                                    visible_certificates,
)

__all__ = ["batches", "codes", "design", "images", "MAX_REASON", "VERIFY_PATH", "can_see_certificate",
           "certificate_cards", "certificates_of_trainee", "cohort_certificates", "current_template", "find_by_code",
           "issue_certificate", "latest_certificates", "pdf_of", "profile_for", "public_base_url", "refusal",
           "reissue_certificate", "revoke_certificate", "set_certificate_language", "status_label",
           "store_certificate", "verification_url", "versions_of", "visible_certificates"]
