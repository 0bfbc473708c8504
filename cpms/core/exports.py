"""CSV and XLSX exports, formula-safe: a text cell that starts with =, +, -, @, tab or carriage
return is prefixed with an apostrophe, so a spreadsheet never runs it as a formula.

Numbers, dates and booleans are written as such (XLSX keeps numbers as numbers).
"""
import csv
import io
from datetime import date, datetime

from flask import Response

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


def xlsx_bytes(sheets):
    """An XLSX workbook from {sheet title: (header, rows)}; written in streaming (write-only) mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=_sheet_title(title))
        bold = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=neutralise(str(name)))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
                "pdf": "application/pdf", "zip": "application/zip"}[kind]
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
