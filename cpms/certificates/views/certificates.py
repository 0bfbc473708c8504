"""Certificates: the list, a certificate's page and frozen PDF, issuing one, re-issuing and revoking."""
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_

from cpms.certificates import service
from cpms.certificates.forms import STATUS_LABELS, KeepForm, ReissueForm, RevokeForm
from cpms.certificates.models import Certificate
from cpms.certificates.views.blueprint import ISSUERS, REVOKERS, bp, get_certificate_or_404, get_cohort_or_404
from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.exports import audited_document, download
from cpms.core.forms import run_action
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, STAFF_ROLES, get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.training.models import Cohort, Enrolment
from cpms.training.service import normalise_matricule


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
    elif args.get("status") == "to_review":
        stmt = stmt.where(Certificate.status == "valid", Certificate.review_flagged_at.is_not(None))
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
                           revoke_form=RevokeForm() if current_user.role in REVOKERS else None,
                           keep_form=KeepForm() if current_user.role in REVOKERS else None)


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
    response = download(data, f"{certificate.serial}.pdf", "pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.serial}.pdf"'
    return response


@bp.route("/certificates/enrolments/<int:enrolment_id>/issue", methods=["POST"])
@require_role(*ISSUERS)
def issue_one(enrolment_id):
    enrolment = get_or_404(Enrolment, enrolment_id)
    cohort = get_cohort_or_404(enrolment.cohort_id)
    return run_action(lambda: service.issue_certificate(current_user, enrolment),
                      lambda certificate: _("Certificate %(serial)s issued to %(name)s.", serial=certificate.serial,
                                            name=certificate.holder_name),
                      lambda certificate: (url_for("certificates.certificate_detail", certificate_id=certificate.id)
                                           if certificate is not None  # refused: back to the cohort
                                           else url_for("certificates.cohort_certificates", cohort_id=cohort.id)))


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["POST"])
@require_role(*ISSUERS)
def reissue(certificate_id):
    certificate = get_certificate_or_404(certificate_id)
    form = ReissueForm()

    def reissue_it():
        if not form.validate_on_submit():
            raise DomainError(" ".join(str(m) for errors in form.errors.values() for m in errors))
        return service.reissue_certificate(current_user, certificate, form.note.data)
    return run_action(reissue_it, lambda new: _("New version %(serial)s issued; %(old)s is superseded.",
                                                serial=new.serial, old=certificate.serial),
                      lambda new: url_for("certificates.certificate_detail",
                                          certificate_id=new.id if new is not None else certificate_id))


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@require_role(*REVOKERS)
def revoke(certificate_id):
    certificate = get_certificate_or_404(certificate_id)
    form = RevokeForm()

    def revoke_it():
        if not form.validate_on_submit():
            raise DomainError(" ".join(str(m) for errors in form.errors.values() for m in errors))
        return service.revoke_certificate(current_user, certificate, form.reason.data)
    return run_action(revoke_it, lambda revoked: _("Certificate %(serial)s revoked.", serial=revoked.serial),
                      url_for("certificates.certificate_detail", certificate_id=certificate_id))


@bp.route("/certificates/<int:certificate_id>/keep", methods=["POST"])
@require_role(*REVOKERS)
def keep(certificate_id):
    """End the review of a flagged certificate by keeping it, with the reason."""
    certificate = get_certificate_or_404(certificate_id)
    form = KeepForm()

    def keep_it():
        if not form.validate_on_submit():
            raise DomainError(" ".join(str(m) for errors in form.errors.values() for m in errors))
        return service.reviews.keep_certificate(current_user, certificate, form.note.data)
    return run_action(keep_it, lambda kept: _("Certificate %(serial)s kept after review.", serial=kept.serial),
                      url_for("certificates.certificate_detail", certificate_id=certificate_id))
