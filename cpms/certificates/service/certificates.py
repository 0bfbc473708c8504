"""Issuing, re-issuing and revoking certificates; looking them up; who may see them.

Rules (each refusal says which one failed; the rule book is docs/rules/certificates.md):
- a certificate is issued only once the cohort has ended (the day after its end date; never for a cancelled
  cohort), for an enrolment that completed the course (attendance, final score, vetting where the programme
  requires it, not withdrawn – cpms/training/service/attendance.py `cohort_completion`), and only when the
  course issues certificates;
- the certification date (`certified_on`, printed) is the completion date, the cohort's end date, whenever the
  certificate is issued or printed; `issued_at` is the moment of issue;
- an enrolment has at most one valid certificate; a revoked certificate is not issued again;
- a correction is a re-issue: a new version with a new serial and code, the old one becomes superseded;
- revocation needs a reason. Changes are written to the audit log (Certificate is audited).
"""
import hashlib
from datetime import date

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select

from cpms.certificates.models import LANGUAGES, Certificate, CertificateFile, CertificateProfile, CertificateTemplate
from cpms.certificates.pdf import (
    DEFAULT_CSS,
    DEFAULT_HTML,
    artwork_of,
    certificate_context,
    cohort_context,
    compile_template,
    document_html,
    printed_fields,
    render_pdf,
)
from cpms.certificates.service.codes import format_serial, new_verification_code, normalise_code, reserve_serials
from cpms.core.dashboard import Card, dashboard_provider
from cpms.core.errors import DomainError
from cpms.core.models import utcnow
from cpms.core.pdf import programme_logo_provider, shared_fonts
from cpms.core.permissions import TRAINER
from cpms.extensions import db
from cpms.training.models import Cohort, Enrolment, Trainee, cohort_trainers
from cpms.training.service.attendance import cohort_completion

VERIFY_PATH = "/verify/"
MAX_REASON = 500


# --- templates --------------------------------------------------------------------------------------

def current_template():
    """The newest template version; the default one is created when there is none yet."""
    template = db.session.scalar(select(CertificateTemplate).order_by(CertificateTemplate.version.desc()).limit(1))
    if template is None:
        template = CertificateTemplate(version=1, html=DEFAULT_HTML, css=DEFAULT_CSS, note=_("Default template"))
        db.session.add(template)
        db.session.flush()
    return template


def profile_for(programme_id):
    return db.session.scalar(select(CertificateProfile).where(CertificateProfile.programme_id == programme_id))


@programme_logo_provider
def programme_logos(programme_id):
    """{"programme_logo", "donor_logo"}: the programme's artwork (its certificates' design page) as data URIs, or
    None; for other documents of the programme (minutes, indicator reports)."""
    from cpms.certificates.pdf.render import png_data_uri
    profile = profile_for(programme_id)
    return {"programme_logo": png_data_uri(profile.programme_logo) if profile else None,
            "donor_logo": png_data_uri(profile.donor_logo) if profile else None}


# --- addresses --------------------------------------------------------------------------------------

def public_base_url():
    """Where the verification page is reached from outside: CPMS_BASE_URL, else the address of this request.

    In production the setting is required: a QR code printed with an internal address would never work."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/")
    if current_app.config["CPMS_ENV"] == "production":
        raise DomainError(_("Set CPMS_BASE_URL to the public address of CPMS before issuing certificates: "
                            "the QR code and the printed address point to it."))
    if has_request_context():
        return request.url_root.rstrip("/")
    return f"http://{current_app.config['HOST']}:{current_app.config['PORT']}"


def verification_url(base_url, code):
    return base_url.rstrip("/") + VERIFY_PATH + code


# --- when a certificate is due ----------------------------------------------------------------------

def certification_date(cohort):
    """The certification date of the cohort's certificates: the day the course was completed, its end date."""
    return cohort.end_date


def cohort_has_ended(cohort, today=None):
    """True once the cohort's last day is over (checked here too, whatever cohort_completion says)."""
    return cohort.status != "cancelled" and cohort.end_date < (today or date.today())


def not_due_reason(cohort, today=None):
    """Why no certificate of this cohort may be issued yet, or None once it has ended."""
    from flask_babel import format_date
    if cohort.status == "cancelled":
        return _("the cohort %(name)s was cancelled", name=cohort.name)
    if not cohort_has_ended(cohort, today):
        return _("the cohort ends on %(date)s; certificates are issued once it has ended",
                 date=format_date(cohort.end_date, "long"))
    return None


def ensure_due(cohort, today=None):
    """Refuse (DomainError) while the cohort has not ended."""
    reason = not_due_reason(cohort, today)
    if reason:
        raise DomainError(_("No certificates for %(name)s yet: %(reason)s.", name=cohort.name, reason=reason))


# --- eligibility ------------------------------------------------------------------------------------

def latest_certificates(enrolment_ids):
    """{enrolment_id: newest Certificate} in one query."""
    if not enrolment_ids:
        return {}
    newest = (select(Certificate.enrolment_id, func.max(Certificate.version).label("version"))
              .where(Certificate.enrolment_id.in_(list(enrolment_ids))).group_by(Certificate.enrolment_id).subquery())
    rows = db.session.scalars(select(Certificate).join(newest, (newest.c.enrolment_id == Certificate.enrolment_id)
                                                       & (newest.c.version == Certificate.version)))
    return {c.enrolment_id: c for c in rows}


def refusal(cohort, completion, latest, today=None):
    """Why an enrolment cannot get a (first) certificate now, or None. `completion` from cohort_completion."""
    due = not_due_reason(cohort, today)
    if due:
        return due
    if not cohort.course.issues_certificate:
        return _("the course %(code)s does not issue certificates", code=cohort.course.code)
    if not completion.completed:
        return _("not completed: %(reasons)s", reasons="; ".join(completion.reasons))
    if latest is not None and latest.status == "revoked":
        return _("certificate %(serial)s was revoked; a revoked certificate is not issued again", serial=latest.serial)
    if latest is not None:
        return _("certificate %(serial)s is already issued", serial=latest.serial)
    return None


def _completion_of(enrolment, cohort):
    return next(row for row in cohort_completion(cohort) if row.enrolment.id == enrolment.id)


# --- issue, re-issue, revoke ------------------------------------------------------------------------

def _make_certificate(actor, enrolment, trainee, cohort, *, number, base_url, template=None, artwork=None,
                      previous=None, note="", batch_id=None):
    """Render and store one certificate (the serial number is drawn by the caller). Returns the flushed row."""
    template = template or current_template()
    lang = cohort.certificate_language if cohort.certificate_language in LANGUAGES else "fr"
    if artwork is None:
        artwork = artwork_of(profile_for(cohort.programme_id))
    serial = format_serial(cohort.end_date.year, number)
    code = new_verification_code()
    url = verification_url(base_url, code)
    issued_at = utcnow()
    printed = printed_fields(trainee, cohort, lang)
    context = certificate_context(printed, cohort_context(cohort, lang, artwork), serial=serial, code=code, url=url,
                                  issued_on=issued_at.date(), replaces_serial=previous.serial if previous else "")
    data, pages = render_pdf(document_html(compile_template(template.html), template.css, context),
                             font_config=shared_fonts(("template", template.id)))
    return store_certificate(actor, enrolment.id, enrolment.trainee_id, cohort, printed, lang=lang, template=template, serial=serial,
                             code=code, url=url, issued_at=issued_at, data=data, pages=pages, previous=previous,
                             note=note, batch_id=batch_id)


def store_certificate(actor, enrolment_id, trainee_id, cohort, printed, *, lang, template, serial, code, url, issued_at,
                      data, pages, previous=None, note="", batch_id=None):
    """Write a rendered certificate and its frozen PDF (flushed, not committed). The certification date is the
    cohort's completion date, whenever this is called."""
    certificate = _certificate_row(actor, enrolment_id, trainee_id, cohort, printed, lang=lang, template=template,
                                   serial=serial, code=code, url=url, issued_at=issued_at, previous=previous,
                                   note=note, batch_id=batch_id)
    db.session.add(certificate)
    db.session.flush()
    db.session.add(_file_row(certificate, data, pages))
    db.session.flush()
    return certificate


def store_certificates(actor, cohort, issued, *, lang, template, batch_id=None):
    """store_certificate() for several first issues at once (a batch's chunk), in two flushes for them all rather
    than two each. `issued`: dicts with the keys enrolment_id, trainee_id, printed, serial, code, url, issued_at,
    data and pages. Returns the flushed rows, in order."""
    certificates = [_certificate_row(actor, item["enrolment_id"], item["trainee_id"], cohort, item["printed"],
                                     lang=lang, template=template, serial=item["serial"], code=item["code"],
                                     url=item["url"], issued_at=item["issued_at"], batch_id=batch_id)
                    for item in issued]
    db.session.add_all(certificates)
    db.session.flush()
    db.session.add_all([_file_row(certificate, item["data"], item["pages"])
                        for certificate, item in zip(certificates, issued)])
    db.session.flush()
    return certificates


def _certificate_row(actor, enrolment_id, trainee_id, cohort, printed, *, lang, template, serial, code, url, issued_at,
                     previous=None, note="", batch_id=None):
    return Certificate(certified_on=certification_date(cohort),
        serial=serial, verification_code=code, verification_url=url, enrolment_id=enrolment_id,
        trainee_id=trainee_id, cohort_id=cohort.id, province_id=cohort.province_id,
        commune_id=cohort.commune_id, version=(previous.version + 1) if previous else 1,
        previous_id=previous.id if previous else None, template_id=template.id, status="valid", language=lang,
        holder_name=printed.holder_name, matricule=printed.matricule, course_title=printed.course_title,
        start_date=printed.start_date, end_date=printed.end_date, hours=printed.hours, issued_at=issued_at,
        issued_by_id=getattr(actor, "id", None), correction_note=note, batch_id=batch_id)


def _file_row(certificate, data, pages):
    return CertificateFile(certificate_id=certificate.id, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                           pages=pages, data=data)


def issue_certificate(actor, enrolment, base_url=None):
    """Issue the certificate of one completed enrolment. Refused, saying why: the course issues none, the
    enrolment is not completed (with the reasons), a certificate exists already, or it was revoked."""
    cohort = db.session.get(Cohort, enrolment.cohort_id)
    trainee = db.session.get(Trainee, enrolment.trainee_id)
    ensure_due(cohort)
    latest = latest_certificates([enrolment.id]).get(enrolment.id)
    reason = refusal(cohort, _completion_of(enrolment, cohort), latest)
    if reason:
        raise DomainError(_("No certificate for %(name)s: %(reason)s.", name=trainee.full_name, reason=reason))
    base_url = base_url or public_base_url()
    number = reserve_serials(cohort.end_date.year)[0]
    return _make_certificate(actor, enrolment, trainee, cohort, number=number, base_url=base_url)


def reissue_certificate(actor, certificate, note, base_url=None):
    """Re-issue after a correction (e.g. a misspelt name, corrected in the trainee record first): a new
    version with a new serial and code, printed from the current record; the old one becomes superseded."""
    note = (note or "").strip()
    if certificate.status != "valid":
        raise DomainError(_("Only a valid certificate can be re-issued; %(serial)s is %(status)s.",
                            serial=certificate.serial, status=status_label(certificate.status)))
    if not note:
        raise DomainError(_("Say what was corrected: the note is kept with the new version."), field="note")
    if len(note) > MAX_REASON:
        raise DomainError(_("The note may have at most %(n)d characters.", n=MAX_REASON), field="note")
    enrolment = db.session.get(Enrolment, certificate.enrolment_id)
    cohort = db.session.get(Cohort, enrolment.cohort_id)
    ensure_due(cohort)
    completion = _completion_of(enrolment, cohort)
    if not completion.completed:
        raise DomainError(_("No new version: the enrolment is no longer completed (%(reasons)s). Revoke the "
                            "certificate instead if it must not stand.", reasons="; ".join(completion.reasons)))
    base_url = base_url or public_base_url()
    number = reserve_serials(cohort.end_date.year)[0]
    certificate.status, certificate.superseded_at = "superseded", utcnow()
    db.session.flush()  # the old version stops being valid before the new one is written (one valid per enrolment)
    trainee = db.session.get(Trainee, enrolment.trainee_id)
    return _make_certificate(actor, enrolment, trainee, cohort, number=number, base_url=base_url,
                             previous=certificate, note=note)


def revoke_certificate(actor, certificate, reason):
    """Revoke a valid certificate; the reason is required and kept (never shown on the public page)."""
    reason = (reason or "").strip()
    if certificate.status != "valid":
        raise DomainError(_("Only a valid certificate can be revoked; %(serial)s is %(status)s.",
                            serial=certificate.serial, status=status_label(certificate.status)))
    if not reason:
        raise DomainError(_("Give the reason for the revocation."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("The reason may have at most %(n)d characters.", n=MAX_REASON), field="reason")
    actor_id = getattr(actor, "id", None)  # read before the changes: loading it could flush them half-made
    with db.session.no_autoflush:
        certificate.status, certificate.revoked_at = "revoked", utcnow()
        certificate.revoked_by_id, certificate.revocation_reason = actor_id, reason
    db.session.flush()
    return certificate


def set_certificate_language(cohort, lang):
    if lang not in LANGUAGES:
        raise DomainError(_("Choose French or English."), field="language")
    cohort.certificate_language = lang
    db.session.flush()


def status_label(status):
    return {"valid": _("valid"), "superseded": _("superseded"), "revoked": _("revoked")}.get(status, status)


# --- lookups and access -----------------------------------------------------------------------------

def find_by_code(raw):
    """The certificate with this verification code (typed or scanned), or None."""
    code = normalise_code(raw)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.verification_code == code))


def visible_certificates(user, scope):
    """Certificates of cohorts held in the user's area or of trainees from it; trainers: their cohorts only."""
    stmt = select(Certificate).join(Trainee, Trainee.id == Certificate.trainee_id)
    if user.role == TRAINER:
        stmt = stmt.where(exists().where(cohort_trainers.c.cohort_id == Certificate.cohort_id,
                                         cohort_trainers.c.user_id == user.id))
    elif not scope.is_national:
        stmt = stmt.where(or_(scope.filter(Certificate.province_id, Certificate.commune_id),
                              scope.filter(Trainee.province_id, Trainee.commune_id)))
    return stmt


def can_see_certificate(user):
    def check(certificate, scope):
        if user.role == TRAINER:
            return db.session.scalar(select(exists().where(cohort_trainers.c.cohort_id == certificate.cohort_id,
                                                           cohort_trainers.c.user_id == user.id)))
        if scope.allows(certificate.province_id, certificate.commune_id):
            return True
        trainee = db.session.get(Trainee, certificate.trainee_id)
        return scope.allows(trainee.province_id, trainee.commune_id)
    return check


def versions_of(certificate):
    """Every certificate of the same enrolment, newest first."""
    return db.session.scalars(select(Certificate).where(Certificate.enrolment_id == certificate.enrolment_id)
                              .order_by(Certificate.version.desc())).all()


def pdf_of(certificate):
    return db.session.scalar(select(CertificateFile.data).where(CertificateFile.certificate_id == certificate.id))


def certificates_of_trainee(trainee_id):
    return db.session.scalars(select(Certificate).where(Certificate.trainee_id == trainee_id)
                              .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()


def cohort_certificates(cohort_id):
    """{enrolment_id: newest Certificate} of a cohort, in one query."""
    newest = (select(Certificate.enrolment_id, func.max(Certificate.version).label("version"))
              .where(Certificate.cohort_id == cohort_id).group_by(Certificate.enrolment_id).subquery())
    rows = db.session.scalars(select(Certificate).join(newest, (newest.c.enrolment_id == Certificate.enrolment_id)
                                                       & (newest.c.version == Certificate.version)))
    return {c.enrolment_id: c for c in rows}


@dashboard_provider(per_user=True)  # its cards: SQL figures of the user's area (and day)
def certificate_cards(user, scope):
    """Valid certificates in the user's area (a count only: viewers see it too)."""
    from flask_babel import lazy_gettext as _l

    from cpms.core.permissions import VIEWER
    # SQL figures (scalar subqueries) are counted by core with the page's other cards, in one statement
    # viewers, and anyone who sees the whole country but a trainer: counted on the certificates alone
    # (visible_certificates() joins the officers for the area filter; at national scope that join only tripled
    # the time of the count)
    if user.role == VIEWER:
        valid = select(func.count()).select_from(Certificate).where(
            Certificate.status == "valid", scope.filter(Certificate.province_id, Certificate.commune_id))
        return [Card(_l("Valid certificates"), valid.scalar_subquery())]
    if scope.is_national and user.role != TRAINER:
        # with those to review (admins, M&E officers) in the same pass over the certificates
        valid, flagged = db.session.execute(
            select(func.count(), func.count().filter(Certificate.review_flagged_at.is_not(None)))
            .select_from(Certificate).where(Certificate.status == "valid",
                                            scope.filter(Certificate.province_id, Certificate.commune_id))).one()
        return [Card(_l("Valid certificates"), valid, "certificates.certificate_list")] + _review_card(user, scope,
                                                                                                       flagged)
    if user.role == TRAINER:
        # the trainer's cohorts alone decide: counted on the certificates, without visible_certificates()' join
        # on the officers (which only the area filter of other roles needs; it took 60 % more time), and from the
        # trainer's cohorts through the certificates' cohort index – with EXISTS per certificate SQLite read every
        # certificate of the country (6.6 → 0.7 ms at province scale)
        count = select(func.count()).select_from(Certificate).where(
            Certificate.status == "valid",
            Certificate.cohort_id.in_(select(cohort_trainers.c.cohort_id).where(cohort_trainers.c.user_id == user.id))
        ).scalar_subquery()
        return [Card(_l("Valid certificates"), count, "certificates.certificate_list")]
    stmt = visible_certificates(user, scope).where(Certificate.status == "valid").with_only_columns(Certificate.id)
    count = select(func.count()).select_from(stmt.subquery()).scalar_subquery()
    return [Card(_l("Valid certificates"), count, "certificates.certificate_list")] + _review_card(user, scope)


def _review_card(user, scope, count=None):
    """For those who revoke or keep them (admins, M&E officers): the certificates to review, when there are any
    (`count`: already counted in the area)."""
    from flask_babel import lazy_gettext as _l

    from cpms.core.permissions import ADMIN, ME_OFFICER
    if user.role not in (ADMIN, ME_OFFICER):
        return []
    if count is None:  # a SQL figure: the card is shown only when there are some
        count = select(func.count()).select_from(Certificate).where(
            Certificate.status == "valid", Certificate.review_flagged_at.is_not(None),
            scope.filter(Certificate.province_id, Certificate.commune_id)).scalar_subquery()
    elif not count:
        return []
    return [Card(_l("Certificates to review"), count, "certificates.certificate_list",
                 note=_l("Flagged after issue: revoke or keep each one"), shown=bool)]
