"""The import pages a domain's views build (no routes here): the upload form and its preview, the confirmation,
and the template file to download. The domain's route checks the role and loads the context (a cohort, a
session) through its access helper, then calls these; the page is templates/core/import.html."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from cpms.core.errors import DomainError
from cpms.core.exports import csv_bytes, download, xlsx_bytes
from cpms.core.forms import render_form, show_error
from cpms.core.imports import base, staging
from cpms.core.imports.forms import ConfirmForm, ImportForm
from cpms.core.jobs import enqueue_job
from cpms.extensions import db


def import_page(kind, context, *, title, crumbs, hint, confirm_url, links=()):
    """The upload form and, after an upload, the preview: problems by row and column, rows to import."""
    form, result = ImportForm(), None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = base.preview(kind, current_user, upload.stream, upload.filename or "", context)
        except DomainError as error:
            show_error(form, error)
            form.refused = True
        finally:
            upload.close()  # the uploaded file is not kept
        db.session.rollback()  # a preview writes nothing
        if result is not None and result.errors:
            form.refused = True  # rows with problems: nothing can be imported yet
    max_mb, max_rows = kind.limits()
    return render_form("core/import.html", form, preview=result, title=title, crumbs=crumbs, hint=hint,
                       confirm_url=confirm_url(result.token) if result and result.token else None,
                       confirm=ConfirmForm(), links=links, direct_rows=staging.DIRECT_ROWS, max_mb=max_mb,
                       max_rows=max_rows)


def confirm_import(kind, context, token, *, done, retry, message=None):
    """Confirm a preview, once. Up to staging.DIRECT_ROWS rows the rows are imported now; a larger file becomes a
    job (the kind's `job_kind`) and the answer is its progress page, which links back to `done`.
    A second confirmation of the same preview imports nothing and shows where the first one is."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("action") == "cancel":
        base.discard(token)
        flash(_("Import cancelled: nothing was saved."), "info")
        return redirect(retry)
    try:
        outcome = base.confirm(kind, current_user, token, context)
    except base.AlreadyConfirmed as error:
        db.session.rollback()
        flash(error.message, "info")
        record = error.record
        return redirect(url_for("jobs.show", job_id=record.job_id) if record and record.job_id else done)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(retry)
    if isinstance(outcome, int):
        flash((message or kind.imported_message)(outcome), "success")
        return redirect(done)
    job = enqueue_job(kind.job_kind, params={"import_id": outcome.id}, owner=current_user, back_url=done)
    outcome.job_id = job.id
    return redirect(url_for("jobs.show", job_id=job.id))


def template_language():
    """The language of a template file: ?lang=fr|en, else the user's."""
    language = request.args.get("lang") or get_locale().language
    return language if language in ("fr", "en") else "en"


def template_download(kind, fmt, language, name, *, sheet, lists=None, examples=()):
    """The empty template of `kind` (its headers in `language`, and `examples` rows) as CSV (semicolons in
    French: French spreadsheets open them so) or XLSX, whose sheet `lists` = (title, header, rows) lists the
    accepted values."""
    header = base.template_headers(kind, language)
    if fmt == "csv":
        return download(csv_bytes(header, list(examples), delimiter=";" if language == "fr" else ","),
                        f"{name}.csv", "csv")
    sheets = {sheet: (header, list(examples))}
    if lists:
        title, list_header, rows = lists
        sheets[title] = (list_header, rows)
    return download(xlsx_bytes(sheets), f"{name}.xlsx", "xlsx")
