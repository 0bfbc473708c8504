"""A cohort's certificates and whole-cohort batches: the cohort page, its certificate language, a batch
queued, its progress and its files (one PDF, one ZIP)."""
import os

from flask import Response, abort, jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cpms.certificates import service
from cpms.certificates.forms import BATCH_STATUS_LABELS, LANGUAGE_LABELS, LanguageForm
from cpms.certificates.models import CertificateBatch
from cpms.certificates.service import batches
from cpms.certificates.views.blueprint import ISSUERS, bp, get_batch_or_404, get_cohort_or_404
from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.exports import audited_document
from cpms.core.forms import run_action
from cpms.core.permissions import STAFF_ROLES, require_role
from cpms.extensions import db
from cpms.training.service.attendance import cohort_completion


@bp.route("/certificates/cohorts/<int:cohort_id>")
@require_role(*STAFF_ROLES)
def cohort_certificates(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    rows = cohort_completion(cohort)
    latest = service.cohort_certificates(cohort.id)
    recent = db.session.scalars(select(CertificateBatch).where(CertificateBatch.cohort_id == cohort.id)
                                .order_by(CertificateBatch.id.desc()).limit(5)).all()
    return render_template("certificates/cohort_certificates.html", cohort=cohort, rows=rows, latest=latest,
                           batches=recent, can_issue=current_user.role in ISSUERS,
                           not_due=service.not_due_reason(cohort),
                           language_form=LanguageForm(language=cohort.certificate_language))


@bp.route("/certificates/cohorts/<int:cohort_id>/language", methods=["POST"])
@require_role(*ISSUERS)
def cohort_language(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    form = LanguageForm()

    def set_language():
        if not form.validate_on_submit():
            raise DomainError(_("Choose French or English."))
        service.set_certificate_language(cohort, form.language.data)
    return run_action(set_language, lambda _done: _("New certificates of this cohort will be in %(language)s.",
                                                     language=LANGUAGE_LABELS[cohort.certificate_language]),
                      url_for("certificates.cohort_certificates", cohort_id=cohort.id))


@bp.route("/certificates/cohorts/<int:cohort_id>/batches", methods=["POST"])
@require_role(*ISSUERS)
def batch_create(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    return run_action(lambda: batches.request_batch(current_user, cohort),
                      _("The certificates are being prepared in the background; this page shows the progress."),
                      lambda batch: (url_for("certificates.batch_detail", batch_id=batch.id) if batch is not None
                                     else url_for("certificates.cohort_certificates", cohort_id=cohort.id)))


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
