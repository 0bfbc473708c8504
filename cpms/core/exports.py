"""CSV and XLSX exports, formula-safe: a text cell that starts with =, +, -, @, tab or carriage
return is prefixed with an apostrophe, so a spreadsheet never runs it as a formula.

Numbers, dates and booleans are written as such (XLSX keeps numbers as numbers).
"""
import csv
import io
from datetime import date, datetime

from flask import Response
from flask_babel import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(header, rows, delimiter=","):
    """UTF-8 CSV with a byte-order mark (Excel then reads accents correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(_plain(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return "" if value is None else value


def xlsx_bytes(sheets, *, title=None, subject=None, title_block=(), widths=None, formats=None, readme=None):
    """An XLSX workbook from {sheet title: (header, rows)}; written in streaming (write-only) mode.

    For a document handed over as it is (a donor's report): `title` and `subject` become the file's properties;
    `title_block` [(label, value)] is written above each sheet's header (then a blank line); the header row stays
    frozen; `widths` {column index: width in characters}; `formats` {column index: number format, or a function of
    the row giving one}; `readme` (header, rows) becomes a first sheet of definitions and sources."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "CPMS"
    if title:
        workbook.properties.title = str(title)[:250]
    if subject:
        workbook.properties.subject = str(subject)[:250]
    block = list(title_block)
    if readme:
        _xlsx_sheet(workbook, _("Read me"), readme[0], readme[1], {0: 14, 1: 40, 2: 70, 3: 40}, None, block)
    for sheet_title, (header, rows) in sheets.items():
        _xlsx_sheet(workbook, sheet_title, header, rows, widths, formats, block)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_sheet(workbook, sheet_title, header, rows, widths, formats, block):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    bold = Font(bold=True)
    for index, width in (widths or {}).items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    if header:
        sheet.freeze_panes = f"A{len(block) + (2 if block else 1) + 1}"
    for label, value in block:
        label_cell = WriteOnlyCell(sheet, value=neutralise(str(label)))
        label_cell.font = bold
        sheet.append([label_cell, _xlsx_value(value)])
    if block:
        sheet.append([])
    if header:
        cells = [WriteOnlyCell(sheet, value=neutralise(str(name))) for name in header]
        for cell in cells:
            cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="top")
        sheet.append(cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row, index, value, formats) for index, value in enumerate(row)])


def _xlsx_cell(sheet, row, index, value, formats):
    from openpyxl.cell import WriteOnlyCell
    fmt = (formats or {}).get(index)
    fmt = fmt(row) if callable(fmt) else fmt
    if not fmt or not isinstance(value, (int, float)) or isinstance(value, bool):
        return _xlsx_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


def _xlsx_value(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # XLSX has no time zones; ours are UTC
    return neutralise(value)


def _sheet_title(title):
    cleaned = "".join("-" if c in '[]:*?/\\' else c for c in str(title))
    return cleaned[:31] or "Sheet"


def download(data, filename, kind):
    mimetype = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "pdf": "application/pdf", "zip": "application/zip",
                "json": "application/json"}[kind]
    response = Response(data, content_type=mimetype)  # as given: `mimetype=` would add a second charset
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- what an export holds: declared on the view, checked by tests/security ------------------------
#
# Every view that answers a file declares what it holds (tests fail for an undeclared one):
# - aggregate_export: figures only (counts, rates, budgets) – may be open to viewers;
# - document_export(entity): a document about one object (minutes, a certificate) – audited;
# - personal_export(entity): rows about people – asks for a reason first, audited with the reason.
# Put the declaration below @require_role.

EXPORT_KINDS = ("aggregate", "document", "personal")
MIN_REASON_LENGTH = 10


def aggregate_export(view):
    view._cpms_export = "aggregate"
    return view


def audited_document(view):
    """Marks a view that answers one document and writes its own `export` audit entry (with detail that
    the generic decorator cannot know, e.g. a certificate's serial)."""
    view._cpms_export = "document"
    return view


def _audit_export(entity, reason=None):
    from flask import request

    from cpms.core.audit import record_event

    filters = "&".join(f"{k}={v}" for k, v in request.args.items(multi=True) if k != "reason")
    detail = request.path + (f"?{filters}" if filters else "") + (f" – reason: {reason}" if reason else "")
    record_event("export", entity=entity, detail=detail[:500])


def document_export(entity):
    """An audited download of one document (e.g. a meeting's minutes)."""
    from functools import wraps

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            response = view(*args, **kwargs)
            if response.status_code == 200:
                _audit_export(entity)
            return response

        wrapped._cpms_export = "document"
        return wrapped
    return decorator


def personal_export(entity):
    """Ask for a stated reason before a personal-data export; audit the export with the reason.

    Without a reason (at least MIN_REASON_LENGTH characters) the view answers a short form that sends the
    same request again with `reason=`; with one, the file is produced and an `export` audit entry records
    who, what, with which filters and why.
    """
    from functools import wraps

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from flask import render_template, request
            from flask_babel import gettext as _

            reason = " ".join(request.args.get("reason", "").split())[:300]
            if len(reason) < MIN_REASON_LENGTH:
                error = _("Say in a few words why you need this export (at least %(n)d characters).",
                          n=MIN_REASON_LENGTH) if "reason" in request.args else None
                keep = [(key, value) for key, value in request.args.items(multi=True) if key != "reason"]
                return render_template("core/export_reason.html", keep=keep, error=error, reason=reason), \
                    422 if error else 200
            response = view(*args, **kwargs)
            if response.status_code == 200:
                _audit_export(entity, reason)
            return response

        wrapped._cpms_export = "personal"
        return wrapped
    return decorator
