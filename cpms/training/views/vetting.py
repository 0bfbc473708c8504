"""Vetting submission batches: the overview, a new batch, the nominee list, and the import of the decisions.
Only admins, project officers and M&E officers see vetting."""
import re
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from cpms.core.audit import record_event
from cpms.core.exports import audited_document, csv_bytes, download, xlsx_bytes
from cpms.core.forms import render_form, save_form
from cpms.core.imports.views import confirm_import, import_page
from cpms.core.pagination import paginate
from cpms.core.permissions import require_role, scope_of
from cpms.extensions import db
from cpms.geo.service import commune_choices
from cpms.training import service
from cpms.training.forms import VettingBatchForm
from cpms.training.imports.vetting import VettingResultsImport, nominee_table
from cpms.training.service import vetting
from cpms.training.views.blueprint import MANAGERS, VETTING_READERS, bp, get_cohort_or_404


def _batch_form(form):
    scope = scope_of(current_user)
    form.cohort_id.choices = [(0, "—")] + [(c.id, c.name) for c in db.session.scalars(
        service.visible_cohorts(current_user, scope))]
    form.commune_id.choices = [(0, "—")] + commune_choices(scope)
    if not form.submitted_on.data and request.method == "GET":
        form.submitted_on.data = date.today()
    return form


def _overview(form):
    scope = scope_of(current_user)
    reference = request.args.get("batch", "").strip()
    records = paginate(vetting.batch_records(scope, reference), scalars=False) if reference else None
    context = {"counts": vetting.status_counts(scope), "batches": vetting.batches(scope), "reference": reference,
               "records": records}
    if current_user.role not in MANAGERS:  # they read the batches but do not submit any
        return render_template("training/vetting_overview.html", form=None, **context)
    return render_form("training/vetting_overview.html", form, **context)


@bp.route("/vetting")
@require_role(*VETTING_READERS)
def vetting_overview():
    return _overview(_batch_form(VettingBatchForm()))


@bp.route("/vetting/batches", methods=["POST"])
@require_role(*MANAGERS)
def vetting_batch_create():
    form = _batch_form(VettingBatchForm())
    left_out = {}

    def create(form):
        cohort = get_cohort_or_404(form.cohort_id.data) if form.cohort_id.data else None
        nominees, missed = vetting.create_batch(
            scope_of(current_user), reference=form.batch_reference.data,
            submitted_on=form.submitted_on.data, cohort=cohort, commune_id=form.commune_id.data or None,
            specialty=form.specialty.data, matricules=re.split(r"[\s,;]+", form.matricules.data or ""))
        left_out.update(missed)
        return nominees
    reference = form.batch_reference.data or ""
    saved = save_form(form, create,
                      lambda nominees: _("%(n)d nominees recorded as pending in batch %(ref)s. Download the list below.",
                                         n=len(nominees), ref=reference.strip()),
                      lambda _nominees: url_for("training.vetting_overview", batch=" ".join(reference.split())))
    if saved is None:
        return _overview(form)
    for reason, matricules in left_out.items():
        flash(_("Left out (%(reason)s): %(list)s", reason=reason, list=", ".join(matricules[:50])
                + (" …" if len(matricules) > 50 else "")), "info")
    return saved


@bp.route("/vetting/nominees.<any(csv, xlsx):fmt>")
@require_role(*VETTING_READERS)
@audited_document
def vetting_nominees_export(fmt):
    reference = request.args.get("batch", "").strip()
    records = db.session.execute(vetting.batch_records(scope_of(current_user), reference)).all()
    if not reference or not records:
        flash(_("No nominee in batch %(ref)s in your area.", ref=reference or "—"), "error")
        return redirect(url_for("training.vetting_overview"))
    header, rows = nominee_table(records, get_locale().language)
    record_event("export", entity="vettings", detail=f"nominee list {reference[:60]} ({len(rows)} rows, {fmt})")
    filename = "vetting-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", reference).strip("-") or "batch") + f".{fmt}"
    if fmt == "csv":
        return download(csv_bytes(header, rows, delimiter=";" if get_locale().language == "fr" else ","), filename, "csv")
    return download(xlsx_bytes({reference: (header, rows)}), filename, "xlsx")


@bp.route("/vetting/results", methods=["GET", "POST"])
@require_role(*MANAGERS)
def vetting_results_import():
    return import_page(VettingResultsImport(scope_of(current_user)), None, title=_("Import vetting results"),
                       crumbs=[(_("Vetting"), url_for("training.vetting_overview"))],
                       hint=_("The nominee list with its columns Vetting status, Decision date, Expires on and Notes "
                              "filled in; Matricule and Vetting status are required. Each row updates the trainee's "
                              "submission in the batch named in Batch reference (or else the latest one)."),
                       confirm_url=lambda token: url_for("training.vetting_results_confirm", token=token))


@bp.route("/vetting/results/<token>", methods=["POST"])
@require_role(*MANAGERS)
def vetting_results_confirm(token):
    return confirm_import(VettingResultsImport(scope_of(current_user)), None, token,
                          done=url_for("training.vetting_overview"), retry=url_for("training.vetting_results_import"),
                          message=lambda n: _("%(n)d vetting results recorded.", n=n))
