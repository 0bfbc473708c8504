"""Issue 21, finding 1: an XLSX is checked before parsing (unpacked part sizes, shared strings, row width, row
count), so a small file cannot cost minutes and gigabytes. The hostile files are built here, in memory."""
import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from cpms.core.errors import DomainError
from cpms.core.tabular import read_rows
from tests.conftest import english


def _xlsx_with(sheet_xml=None, shared_strings=None):
    """A valid small workbook whose first sheet or shared strings are replaced by the given XML."""
    book = Workbook()
    book.active.append(["name", "rank"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and sheet_xml is not None:
                data = sheet_xml
            target.writestr(item.filename, data)
        if shared_strings is not None:
            target.writestr("xl/sharedStrings.xml", shared_strings)
    out.seek(0)
    return out


def _sheet(rows):
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    return head + b"".join(rows) + b"</sheetData></worksheet>"


def test_a_row_of_a_million_cells_is_refused_before_parsing(app):
    wide = b'<row r="1">' + b'<c t="n"><v>1</v></c>' * 1_000_000 + b"</row>"
    upload = _xlsx_with(sheet_xml=_sheet([wide]))
    assert len(upload.getvalue()) < 200_000  # small on the wire
    started = time.monotonic()
    with english(app), pytest.raises(DomainError, match="Row 1 of the sheet has more than 500 cells"):
        list(read_rows(upload, "wide.xlsx"))
    assert time.monotonic() - started < 5


def test_shared_strings_that_unpack_to_30_mb_are_refused(app):
    strings = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               b"<si><t>" + b"a" * 30_000_000 + b"</t></si></sst>")
    upload = _xlsx_with(shared_strings=strings)
    with english(app), pytest.raises(DomainError, match="xl/sharedStrings.xml.*the limit is 20 MB"):
        list(read_rows(upload, "strings.xlsx"))


def test_too_many_rows_are_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "XLSX_MAX_ROWS", 1000)
    upload = _xlsx_with(sheet_xml=_sheet([b'<row r="%d"><c><v>1</v></c></row>' % n for n in range(1, 1500)]))
    with english(app), pytest.raises(DomainError, match="more than 1,000 rows"):
        list(read_rows(upload, "long.xlsx"))


def test_an_ordinary_workbook_still_reads(app):
    with english(app):
        assert list(read_rows(_xlsx_with(), "plain.xlsx")) == [["name", "rank"]]
