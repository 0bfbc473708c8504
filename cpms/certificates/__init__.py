"""Certificates: issued to officers who completed a course, with a public verification page, batches of PDFs,
re-issue and revocation, and the certificate designs."""
from flask_babel import lazy_gettext as _l

from cpms.core.contract import Column, Domain, Panel, Setting, not_personal

DOMAIN = Domain(
    "certificates",
    columns={
        **not_personal("certificate_profiles", "programme_logo", "donor_logo"),
        **not_personal("certificate_templates", "html", "css", "note"),
        **not_personal("certificate_signatories", "title"),
        "certificate_signatories.signature": "personal",
        **not_personal("certificate_batches", "base_url", "error", "pdf_name", "zip_name"),
        # administrative reasons, kept in the audit trail ("re-issue and revocation audited")
        **not_personal("certificates", "serial", "correction_note", "revocation_reason", "course_title",
                       "review_reason", "review_note"),
        # a verification code opens a certificate, so it is kept like a secret
        "certificates.verification_code": "sensitive",
        "certificates.verification_url": "sensitive",
        **not_personal("certificate_files", "sha256"),
    },
    tables={"certificates": "trainee", "certificate_files": "trainee", "certificate_signatories": "programme"},
    settings=(
        Setting("CPMS_CERTIFICATE_VERIFY_RATE_LIMIT", "CERTIFICATE_VERIFY_RATE_LIMIT", str, "30 per minute"),
        Setting("CPMS_CERTIFICATE_WORKERS", "CERTIFICATE_WORKERS", int, 2),
    ),
    panels=(Panel("training.trainee", "certificates/_trainee_certificates.html",
                  context="cpms.certificates.views:trainee_certificates_panel", position=20),
            Panel("training.closeout", "certificates/_closeout_link.html",
                  context="cpms.certificates.views:cohort_certificates_link")),
    table_columns=(Column("training.closeout", _l("Certificate"), "certificates/_closeout_cell.html",
                          context="cpms.certificates.views:cohort_certificates_column"),),
)
