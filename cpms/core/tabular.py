"""Reading uploaded tables: CSV (comma, semicolon or tab; UTF-8 with or without BOM, optionally Latin-1 /
Windows-1252 as spreadsheets save it in French) or XLSX (read-only, streamed).

Files are recognised by their content, not their name. Errors are DomainErrors on the field `file`,
with a message that says what to do.
"""
import csv
import io
import os
import re
import unicodedata
import zipfile
from datetime import date, datetime
from itertools import chain

from flask import current_app
from flask_babel import gettext as _

from cpms.core.errors import DomainError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97–2003 (.xls) and other OLE documents
DELIMITERS = (",", ";", "\t")


def fold(text):
    """Lower case, no accents, no spaces or punctuation: for matching headers, labels and place names."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return "".join(c for c in text if c.isalnum())


def cell_text(value):
    """A cell as text: whole floats without '.0', dates as ISO (a date at midnight as YYYY-MM-DD), trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def upload_size(stream):
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def read_rows(stream, filename="", *, fallback_encoding=None, max_bytes=None, extensions=None):
    """Rows (lists of values, the header first) of a CSV or XLSX upload, as an iterator.

    `fallback_encoding` (e.g. "cp1252"): a CSV that is not UTF-8 is read in that encoding; the whole file
    is then read at once, so use it only with `max_bytes`. Without it, CSV is streamed and must be UTF-8.
    `extensions`: the accepted file name endings (e.g. ("csv", "txt", "xlsx")), when a name is given.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extensions and extension and extension not in extensions:
        raise DomainError(_("Files of type .%(ext)s are not accepted: upload a CSV or XLSX file.", ext=extension[:10]),
                          field="file")
    size = upload_size(stream)
    if size == 0:
        raise DomainError(_("The file is empty."), field="file")
    if max_bytes is not None and size > max_bytes:
        raise DomainError(_("The file is too large (%(size)s MB): the limit is %(mb)s MB. Split it into smaller files.",
                            size=f"{size / 1048576:.1f}", mb=f"{round(max_bytes / 1048576, 3):g}"), field="file")
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(XLSX_MAGIC):
        return _xlsx_rows(stream)
    if head.startswith(OLE_MAGIC):
        raise DomainError(_("Old Excel files (.xls) are not accepted: save the file as XLSX or CSV."), field="file")
    if head.startswith(b"%PDF"):
        raise DomainError(_("This is not a CSV or XLSX file."), field="file")
    if fallback_encoding:
        return _csv_rows_in_memory(stream.read(), fallback_encoding)
    return _csv_rows(stream)


XLSX_LIMITS = {  # config key: default; every limit is a CPMS_* setting of the auth domain
    "XLSX_MAX_PART_MB": 50, "XLSX_MAX_SHARED_STRINGS_MB": 20, "XLSX_MAX_COLUMNS": 500, "XLSX_MAX_ROWS": 1_000_000}
_XML_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s>/]")


def _xlsx_limit(key):
    return current_app.config.get(key, XLSX_LIMITS[key]) if current_app else XLSX_LIMITS[key]


def check_xlsx(stream):
    """Refuse, before any parsing, an XLSX whose parts unpack too large or whose first sheet has too many rows
    or too wide a row (a 155 KB file can hold a row of 3,000,000 cells). The sizes are the ones the archive
    declares, which zipfile also enforces while unpacking; rows and cells are counted by a byte scan."""
    try:
        archive = zipfile.ZipFile(stream)
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DomainError(_("This XLSX file cannot be read: export the data again as CSV or XLSX."), field="file")
    part_limit = _xlsx_limit("XLSX_MAX_PART_MB") * 1048576
    strings_limit = _xlsx_limit("XLSX_MAX_SHARED_STRINGS_MB") * 1048576
    for part in parts:
        limit = strings_limit if part.filename.lower().endswith("sharedstrings.xml") else part_limit
        if part.file_size > limit:
            raise DomainError(_("This XLSX file unpacks to %(size)s MB in one part (%(part)s); the limit is %(mb)s "
                                "MB. Remove unused rows, columns and formatting, or save it as CSV.",
                                size=f"{part.file_size / 1048576:.0f}", part=part.filename[:60],
                                mb=f"{limit / 1048576:g}"), field="file")
    sheets = sorted(part.filename for part in parts if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", part.filename))
    if sheets:
        _scan_sheet(archive, min(sheets, key=lambda name: int(re.sub(r"\D", "", name))))
    stream.seek(0)


def _scan_sheet(archive, name):
    max_rows, max_columns = _xlsx_limit("XLSX_MAX_ROWS"), _xlsx_limit("XLSX_MAX_COLUMNS")
    rows = cells = 0
    tail = b""
    with archive.open(name) as sheet:
        while chunk := sheet.read(1 << 20):
            data = tail + chunk
            keep = max(len(data) - 64, 0)  # a tag starting in the last bytes is counted with the next chunk
            for match in _XML_TAG.finditer(data):
                if match.start() >= keep:
                    break
                if match.group(1) == b"row":
                    rows, cells = rows + 1, 0
                    if rows > max_rows:
                        raise DomainError(_("The sheet has more than %(n)s rows: split the file into smaller ones.",
                                            n=f"{max_rows:,}"), field="file")
                else:
                    cells += 1
                    if cells > max_columns:
                        raise DomainError(_("Row %(row)s of the sheet has more than %(n)s cells: delete the unused "
                                            "columns, or save the sheet as CSV.", row=rows, n=max_columns),
                                          field="file")
            tail = data[keep:]
    # the last 64 bytes hold at most one closing tag; they cannot add a row or cell worth refusing


def _xlsx_rows(stream):
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    check_xlsx(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError, TypeError):
        raise DomainError(_("This XLSX file cannot be read: export the data again as CSV or XLSX."), field="file")

    def rows():
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()
    return rows()


def _delimiter(first_line):
    return max(DELIMITERS, key=first_line.count)


def _csv_rows(stream):
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError:
        raise DomainError(_("The file is not UTF-8 text: export it again as CSV (UTF-8) or XLSX."), field="file")
    if "\x00" in first:
        raise DomainError(_("This is not a CSV or XLSX file."), field="file")
    delimiter = _delimiter(first)

    def rows():
        try:
            yield from csv.reader(chain([first], text), delimiter=delimiter)
        except UnicodeDecodeError:
            raise DomainError(_("The file is not UTF-8 text: export it again as CSV (UTF-8) or XLSX."), field="file")
        except csv.Error as error:
            raise DomainError(_("The CSV file is malformed: %(error)s", error=str(error)), field="file")
        finally:
            text.detach()  # the stream stays its owner's to close; no text wrapper is left behind unclosed
    return rows()


def _csv_rows_in_memory(data, fallback_encoding):
    if b"\x00" in data[:4096]:
        raise DomainError(_("This is not a CSV or XLSX file."), field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode(fallback_encoding)
        except UnicodeDecodeError:
            text = data.decode("latin-1")  # cp1252 leaves five bytes undefined; Latin-1 reads any byte
    first = text.split("\n", 1)[0]

    def rows():
        try:
            yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
        except csv.Error as error:
            raise DomainError(_("The CSV file is malformed: %(error)s", error=str(error)), field="file")
    return rows()
