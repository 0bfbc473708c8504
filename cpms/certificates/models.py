"""Certificates of completed training: templates (versioned), per-programme artwork and signatories,
certificates with their frozen PDF, the per-year serial counter and cohort batches.

A certificate freezes what it prints (holder name, matricule, course, dates, hours) at issue, so the public
verification page shows exactly what the paper shows, whatever is corrected later in the trainee record.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from cpms.core.models import Audited, TimestampMixin, UTCDateTime, personal, utcnow, values_check
from cpms.extensions import db

LANGUAGES = ("fr", "en")
CERTIFICATE_STATUSES = ("valid", "superseded", "revoked")
BATCH_STATUSES = ("pending", "running", "done", "failed")
BATCH_STAGES = ("issuing", "assembling")
MAX_SIGNATORIES = 3
ACTIVE_BATCH = "status IN ('pending', 'running')"
VALID = "status = 'valid'"


class CertificateTemplate(Audited, db.Model):
    """One version of the certificate layout (HTML and CSS with Jinja placeholders, rendered in a sandbox).

    Versions are never edited: saving creates a new version, used by certificates issued from then on.
    """

    __tablename__ = "certificate_templates"
    __audit_ignore__ = frozenset({"html", "css"})  # immutable and long: the version row itself keeps them

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    html: Mapped[str] = mapped_column(Text)
    css: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by = relationship("User", lazy="joined")

    def __repr__(self):
        return f"<CertificateTemplate v{self.version}>"


class CertificateProfile(Audited, TimestampMixin, db.Model):
    """The artwork of a programme's certificates: programme and donor logos (PNG, re-encoded at upload)."""

    __tablename__ = "certificate_profiles"
    __audit_ignore__ = frozenset({"programme_logo", "donor_logo"})  # images: the service records an event instead

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), unique=True)
    programme_logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    donor_logo: Mapped[bytes | None] = mapped_column(LargeBinary)

    programme = relationship("Programme", lazy="joined")
    signatories: Mapped[list["Signatory"]] = relationship(lazy="selectin", order_by="Signatory.position",
                                                          cascade="all, delete-orphan")

    def __repr__(self):
        return f"<CertificateProfile programme={self.programme_id}>"


class Signatory(Audited, TimestampMixin, db.Model):
    """One of up to three people who sign a programme's certificates (optional signature image, PNG)."""

    __tablename__ = "certificate_signatories"
    __table_args__ = (
        UniqueConstraint("profile_id", "position", name="uq_certificate_signatories_profile_position"),
        CheckConstraint(f"position BETWEEN 1 AND {MAX_SIGNATORIES}", name="position"),
    )
    __audit_ignore__ = frozenset({"signature"})

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("certificate_profiles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(150), info=personal())
    title: Mapped[str] = mapped_column(String(200), default="")
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)

    def __repr__(self):
        return f"<Signatory {self.profile_id}/{self.position}>"


class Certificate(Audited, db.Model):
    """A certificate for one completed enrolment. Re-issue after a correction creates a new version (a new
    row with a new serial and code, `previous_id` pointing at the old one, which becomes superseded).

    Fields for other domains (e.g. retention): `trainee_id`, `enrolment_id`, `cohort_id`, `status`
    ('valid' is the one current certificate of an enrolment), `certified_on` (the certification date: the day
    the course was completed, i.e. the cohort's end date – also when the certificate is issued or printed
    later), `issued_at` (the moment the certificate was issued) and `end_date` (last day of the course).

    Review: a valid certificate is flagged "to review" (`review_flagged_at`, `review_reason`) when its enrolment
    stops being completed after issue (vetting denied, withdrawal, attendance or score corrected). The review
    ends by revocation, or by keeping it (`reviewed_at`, `reviewed_by_id`, `review_note`). The status stays
    'valid' while under review: see docs/rules/certificates.md.
    """

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint(values_check("status", CERTIFICATE_STATUSES), name="status"),
        CheckConstraint(values_check("language", LANGUAGES), name="language"),
        CheckConstraint("status != 'revoked' OR revocation_reason != ''", name="revocation_reason"),
        UniqueConstraint("enrolment_id", "version", name="uq_certificates_enrolment_version"),
        # at most one valid certificate per enrolment, even when two people issue at the same moment
        Index("uq_certificates_valid_enrolment", "enrolment_id", unique=True,
              sqlite_where=text(VALID), postgresql_where=text(VALID)),
        Index("ix_certificates_scope", "province_id", "commune_id"),
        CheckConstraint("review_flagged_at IS NULL OR review_reason != ''", name="review_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), unique=True)
    verification_code: Mapped[str] = mapped_column(String(40), unique=True)
    verification_url: Mapped[str] = mapped_column(String(300))  # the QR code's payload
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="RESTRICT"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="RESTRICT"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="RESTRICT"), index=True)
    # the cohort's place, repeated for area-scoped lists without a join
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("certificate_templates.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(12), default="valid")
    language: Mapped[str] = mapped_column(String(2), default="fr")
    # what the certificate prints, frozen at issue
    holder_name: Mapped[str] = mapped_column(String(300), info=personal())
    matricule: Mapped[str] = mapped_column(String(30), info=personal())
    course_title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date]
    end_date: Mapped[date]
    hours: Mapped[int] = mapped_column(Integer, default=0)
    certified_on: Mapped[date] = mapped_column(index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    correction_note: Mapped[str] = mapped_column(String(500), default="")
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revocation_reason: Mapped[str] = mapped_column(String(500), default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_batches.id", ondelete="SET NULL"))
    # "to review": set when the enrolment stops being completed after issue; cleared by keeping the certificate
    review_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    review_reason: Mapped[str] = mapped_column(String(500), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    review_note: Mapped[str] = mapped_column(String(500), default="")

    cohort = relationship("Cohort", lazy="raise")
    trainee = relationship("Trainee", lazy="raise")
    issued_by = relationship("User", foreign_keys=[issued_by_id], lazy="raise")

    @property
    def to_review(self):
        """Valid, but flagged: its enrolment is no longer completed (see review_reason)."""
        return self.status == "valid" and self.review_flagged_at is not None

    def __repr__(self):
        return f"<Certificate {self.serial} {self.status}>"


class CertificateFile(db.Model):
    """The frozen PDF of a certificate, stored at issue and served byte for byte on every download."""

    __tablename__ = "certificate_files"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, info=personal()))

    def __repr__(self):
        return f"<CertificateFile {self.certificate_id} {self.size} bytes>"


class SerialCounter(db.Model):
    """The last serial number drawn for a year. Drawn like a database sequence (see codes.reserve_serials)."""

    __tablename__ = "certificate_serial_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self):
        return f"<SerialCounter {self.year}: {self.last_number}>"


class CertificateBatch(Audited, db.Model):
    """Certificates for a whole cohort, made in the background by the scheduler: issue what is missing, then
    assemble the cohort's valid certificates into one PDF (a page each) and a ZIP of individual PDFs."""

    __tablename__ = "certificate_batches"
    __table_args__ = (
        CheckConstraint(values_check("status", BATCH_STATUSES), name="status"),
        CheckConstraint(values_check("stage", BATCH_STAGES), name="stage"),
        CheckConstraint("done >= 0 AND done <= total", name="progress"),
        # one batch at a time per cohort
        Index("uq_certificate_batches_active_cohort", "cohort_id", unique=True,
              sqlite_where=text(ACTIVE_BATCH), postgresql_where=text(ACTIVE_BATCH)),
    )
    __audit_ignore__ = frozenset({"done", "stage", "heartbeat_at", "to_issue", "total", "issued"})

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    base_url: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    stage: Mapped[str] = mapped_column(String(12), default="issuing")
    to_issue: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)  # to issue + to assemble
    done: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str] = mapped_column(String(500), default="")
    pdf_name: Mapped[str | None] = mapped_column(String(100))
    zip_name: Mapped[str | None] = mapped_column(String(100))
    certificates_count: Mapped[int] = mapped_column(Integer, default=0)

    cohort = relationship("Cohort", lazy="joined")
    requested_by = relationship("User", lazy="joined")

    @property
    def percent(self):
        return 100 if self.status == "done" else (int(100 * self.done / self.total) if self.total else 0)

    @property
    def is_active(self):
        return self.status in ("pending", "running")

    def __repr__(self):
        return f"<CertificateBatch {self.id} cohort={self.cohort_id} {self.status} {self.done}/{self.total}>"
