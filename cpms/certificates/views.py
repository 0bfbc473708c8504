"""Certificate pages (/certificates/…), cohort batches, and the public verification page (/verify).

Who does what (tests/certificates/access.py holds the same matrix):
- admins, M&E officers and project officers issue certificates (one at a time or for a whole cohort) and
  re-issue them after a correction, in their area;
- admins and M&E officers revoke (with a reason);
- trainers read the certificates of the cohorts they teach;
- viewers see only the dashboard count;
- anybody, without an account, checks a certificate by its code (rate-limited).
Templates, logos and signatories are for admins (views_design.py).
"""
import os

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select

from cpms.certificates import batches, codes, service
from cpms.certificates.forms import (BATCH_STATUS_LABELS, LANGUAGE_LABELS, STATUS_LABELS, LanguageForm, ReissueForm,
                                     RevokeForm, VerifyForm)
from cpms.certificates.models import Certificate, CertificateBatch
from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.exports import audited_document, download
from cpms.core.pagination import paginate
from cpms.core.permissions import (ADMIN, ME_OFFICER, PROJECT_OFFICER, STAFF_ROLES, get_or_404, public, require_role,
                                   scope_of)
from cpms.extensions import db, limiter
from cpms.training.models import Cohort, Enrolment
from cpms.training.service import can_see_cohort, normalise_matricule

bp = Blueprint("certificates", __name__)
NAVIGATION = [(22, "certificates.certificate_list", _l("Certificates"), STAFF_ROLES)]
ISSUERS = (ADMIN, ME_OFFICER, PROJECT_OFFICER)
REVOKERS = (ADMIN, ME_OFFICER)


@bp.app_context_processor
def labels():
    return {"CERTIFICATE_STATUS_LABELS": STATUS_LABELS, "BATCH_STATUS_LABELS": BATCH_STATUS_LABELS,
            "CERTIFICATE_LANGUAGE_LABELS": LANGUAGE_LABELS}


def trainee_certificates_panel(trainee):
    """The panel on the trainee page of training (slot "training.trainee", declared in __init__.py): the
    trainee's certificates, newest first (one query)."""
    return {"certificates": service.certificates_of_trainee(trainee.id)}


@bp.app_template_global()
def certificates_for_cohort(cohort_id):
    """For the close-out page of the training domain: {enrolment_id: newest certificate} (one query)."""
    return service.cohort_certificates(cohort_id)


def verify_limit():
    return current_app.config["CERTIFICATE_VERIFY_RATE_LIMIT"]


# the web page, the form and the API share one budget per address
verification_limit = limiter.shared_limit(verify_limit, scope="certificate-verification")


def get_certificate_or_404(certificate_id):
    return get_or_404(Certificate, certificate_id, current_user, check=service.can_see_certificate(current_user))


def get_cohort_or_404(cohort_id):
    return get_or_404(Cohort, cohort_id, current_user, check=can_see_cohort(current_user))


def get_batch_or_404(batch_id):
    batch = get_or_404(CertificateBatch, batch_id)
    get_cohort_or_404(batch.cohort_id)
    return batch


# --- lists and pages ---------------------------------------------------------------------------------

@bp.route("/certificates/")
@require_role(*STAFF_ROLES)
def certificate_list():
    args = request.args
    stmt = service.visible_certificates(current_user, scope_of(current_user))
    term = args.get("q", "").strip()
    if term:
        like = f"%{term.lower()}%"
        stmt = stmt.where(or_(func.lower(Certificate.serial).like(like), func.lower(Certificate.holder_name).like(like),
                              Certificate.matricule.like(f"%{normalise_matricule(term)}%")))
    if args.get("status") in STATUS_LABELS:
        stmt = stmt.where(Certificate.status == args["status"])
    cohort_id = args.get("cohort_id", type=int)
    if cohort_id:
        stmt = stmt.where(Certificate.cohort_id == cohort_id)
    page = paginate(stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc()))
    return render_template("certificates/certificate_list.html", page=page, args=args,
                           is_admin=current_user.role == ADMIN)


@bp.route("/certificates/<int:certificate_id>")
@require_role(*STAFF_ROLES)
def certificate_detail(certificate_id):
    certificate = get_certificate_or_404(certificate_id)
    cohort = db.session.get(Cohort, certificate.cohort_id)
    return render_template("certificates/certificate_detail.html", certificate=certificate, cohort=cohort,
                           versions=service.versions_of(certificate),
                           reissue_form=ReissueForm() if current_user.role in ISSUERS else None,
                           revoke_form=RevokeForm() if current_user.role in REVOKERS else None)


@bp.route("/certificates/<int:certificate_id>/certificate.pdf")
@require_role(*STAFF_ROLES)
@audited_document
def certificate_pdf(certificate_id):
    """The frozen PDF, byte for byte as it was issued."""
    certificate = get_certificate_or_404(certificate_id)
    data = service.pdf_of(certificate)
    if data is None:
        abort(404)
    record_event("export", entity="certificates", entity_id=certificate.id, detail=f"PDF {certificate.serial}")
    db.session.commit()
    response = download(data, f"{certificate.serial}.pdf", "pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.serial}.pdf"'
    return response


@bp.route("/certificates/enrolments/<int:enrolment_id>/issue", methods=["POST"])
@require_role(*ISSUERS)
def issue_one(enrolment_id):
    enrolment = get_or_404(Enrolment, enrolment_id)
    cohort = get_cohort_or_404(enrolment.cohort_id)
    try:
        certificate = service.issue_certificate(current_user, enrolment)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("certificates.cohort_certificates", cohort_id=cohort.id))
    db.session.commit()
    flash(_("Certificate %(serial)s issued to %(name)s.", serial=certificate.serial, name=certificate.holder_name),
          "success")
    return redirect(url_for("certificates.certificate_detail", certificate_id=certificate.id))


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["POST"])
@require_role(*ISSUERS)
def reissue(certificate_id):
    certificate = get_certificate_or_404(certificate_id)
    form = ReissueForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(" ".join(str(m) for errors in form.errors.values() for m in errors))
        new = service.reissue_certificate(current_user, certificate, form.note.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("certificates.certificate_detail", certificate_id=certificate_id))
    db.session.commit()
    flash(_("New version %(serial)s issued; %(old)s is superseded.", serial=new.serial, old=certificate.serial), "success")
    return redirect(url_for("certificates.certificate_detail", certificate_id=new.id))


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@require_role(*REVOKERS)
def revoke(certificate_id):
    certificate = get_certificate_or_404(certificate_id)
    form = RevokeForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(" ".join(str(m) for errors in form.errors.values() for m in errors))
        service.revoke_certificate(current_user, certificate, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Certificate %(serial)s revoked.", serial=certificate.serial), "success")
    return redirect(url_for("certificates.certificate_detail", certificate_id=certificate_id))


# --- cohorts and batches -----------------------------------------------------------------------------

@bp.route("/certificates/cohorts/<int:cohort_id>")
@require_role(*STAFF_ROLES)
def cohort_certificates(cohort_id):
    from cpms.training.attendance import cohort_completion
    cohort = get_cohort_or_404(cohort_id)
    rows = cohort_completion(cohort)
    latest = service.cohort_certificates(cohort.id)
    recent = db.session.scalars(select(CertificateBatch).where(CertificateBatch.cohort_id == cohort.id)
                                .order_by(CertificateBatch.id.desc()).limit(5)).all()
    return render_template("certificates/cohort_certificates.html", cohort=cohort, rows=rows, latest=latest,
                           batches=recent, can_issue=current_user.role in ISSUERS,
                           language_form=LanguageForm(language=cohort.certificate_language))


@bp.route("/certificates/cohorts/<int:cohort_id>/language", methods=["POST"])
@require_role(*ISSUERS)
def cohort_language(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    form = LanguageForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Choose French or English."))
        service.set_certificate_language(current_user, cohort, form.language.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("New certificates of this cohort will be in %(language)s.",
                language=LANGUAGE_LABELS[cohort.certificate_language]), "success")
    return redirect(url_for("certificates.cohort_certificates", cohort_id=cohort.id))


@bp.route("/certificates/cohorts/<int:cohort_id>/batches", methods=["POST"])
@require_role(*ISSUERS)
def batch_create(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    try:
        batch = batches.request_batch(current_user, cohort)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("certificates.cohort_certificates", cohort_id=cohort.id))
    db.session.commit()
    flash(_("The certificates are being prepared in the background; this page shows the progress."), "success")
    return redirect(url_for("certificates.batch_detail", batch_id=batch.id))


@bp.route("/certificates/batches/<int:batch_id>")
@require_role(*STAFF_ROLES)
def batch_detail(batch_id):
    batch = get_batch_or_404(batch_id)
    return render_template("certificates/batch_detail.html", batch=batch, cohort=batch.cohort)


@bp.route("/certificates/batches/<int:batch_id>/status")
@require_role(*STAFF_ROLES)
def batch_status(batch_id):
    """Progress for the batch page's script: {status, stage, done, total, percent, label}."""
    batch = get_batch_or_404(batch_id)
    return jsonify({"status": batch.status, "stage": batch.stage, "done": batch.done, "total": batch.total,
                    "percent": batch.percent, "issued": batch.issued, "to_issue": batch.to_issue,
                    "label": str(BATCH_STATUS_LABELS[batch.status]), "error": batch.error})


def _send_batch_file(batch, name, kind):
    if batch.status != "done" or not name:
        abort(404)
    path = batches.batch_file(name)
    if not os.path.isfile(path):
        abort(404)
    record_event("export", entity="certificate_batches", entity_id=batch.id, detail=f"{kind} of cohort {batch.cohort_id}")
    db.session.commit()

    def chunks():  # streamed from the file, opened only when the body is sent: a large ZIP never sits in memory
        with open(path, "rb") as handle:
            while block := handle.read(256 * 1024):
                yield block

    response = Response(chunks(), mimetype={"pdf": "application/pdf", "zip": "application/zip"}[kind])
    response.headers["Content-Length"] = str(os.path.getsize(path))
    response.headers["Content-Disposition"] = (f'attachment; filename="certificates-{batches.slug(batch.cohort.name)}'
                                               f'.{kind}"')
    return response


@bp.route("/certificates/batches/<int:batch_id>/certificates.pdf")
@require_role(*STAFF_ROLES)
@audited_document
def batch_pdf(batch_id):
    batch = get_batch_or_404(batch_id)
    return _send_batch_file(batch, batch.pdf_name, "pdf")


@bp.route("/certificates/batches/<int:batch_id>/certificates.zip")
@require_role(*STAFF_ROLES)
@audited_document
def batch_zip(batch_id):
    batch = get_batch_or_404(batch_id)
    return _send_batch_file(batch, batch.zip_name, "zip")


# --- public verification ---------------------------------------------------------------------------

@bp.route("/verify")
@public
@verification_limit
def verify_form():
    form = VerifyForm(request.args)
    if request.args.get("code") is not None and form.validate():
        typed = form.code.data.strip()
        return redirect(url_for("certificates.verify", code=codes.normalise_code(typed) or typed))
    return _public(render_template("certificates/verify_form.html", form=form))


@bp.route("/verify/<code>")
@public
@verification_limit
def verify(code):
    """What the certificate itself shows and its status; nothing else about the officer."""
    certificate = service.find_by_code(code)
    status = 200 if certificate is not None else 404
    return _public(render_template("certificates/verify.html", certificate=certificate, code=code,
                                   form=VerifyForm(formdata=None)), status)


def _public(body, status=200):
    response = Response(body, status=status) if isinstance(body, str) else body
    response.headers["Cache-Control"] = "no-store"  # the status may change: never serve an old answer
    response.headers["X-Robots-Tag"] = "noindex"
    return response


from cpms.certificates import views_design  # noqa: E402,F401  (admin pages of the same blueprint)
