"""The shared reader of uploaded tables (cpms/core/tabular.py) and the store of previews waiting for
confirmation (cpms/core/pending.py)."""
import io
import os
import time
from datetime import datetime

import pytest
from openpyxl import Workbook

from cpms.core import pending
from cpms.core.errors import DomainError
from cpms.core.tabular import cell_text, fold, read_rows
from tests.conftest import english


def rows(data, **kwargs):
    return [list(r) for r in read_rows(io.BytesIO(data), **kwargs)]


def test_csv_encodings_and_delimiters():
    assert rows("\ufeffNom;Prénom\nKabongo;Thérèse\n".encode()) == [["Nom", "Prénom"], ["Kabongo", "Thérèse"]]
    assert rows("Nom\tPrénom\r\nKabongo\tJoël\r\n".encode()) == [["Nom", "Prénom"], ["Kabongo", "Joël"]]
    latin = "Nom,Prénom\nKabongo,Thérèse\n".encode("cp1252")
    assert rows(latin, fallback_encoding="cp1252")[1] == ["Kabongo", "Thérèse"]
    assert rows("a;b\n\"x;y\";z\n".encode(), fallback_encoding="cp1252") == [["a", "b"], ["x;y", "z"]]


def test_streamed_csv_must_be_utf8_and_files_must_be_tables(app):
    with english(app):
        with pytest.raises(DomainError, match="not UTF-8"):
            rows("Nom\nThérèse\n".encode("cp1252"))
        with pytest.raises(DomainError, match="The file is empty"):
            rows(b"")
        with pytest.raises(DomainError, match="not a CSV or XLSX file"):
            rows(b"\x00\x01\x02binary", fallback_encoding="cp1252")
        with pytest.raises(DomainError, match=r"too large \(0.0 MB\): the limit is 0.001 MB"):
            rows(b"a,b\n" * 300, max_bytes=1048)
        with pytest.raises(DomainError, match="type .docx are not accepted"):
            read_rows(io.BytesIO(b"a"), "letter.docx", extensions=("csv", "xlsx"))


def test_xlsx_rows_keep_types_and_cells_read_as_text():
    workbook = Workbook()
    workbook.active.append(["Matricule", "Né le", "Score"])
    workbook.active.append([13000001, datetime(1988, 5, 17), 12.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    header, row = rows(buffer.getvalue())
    assert header == ["Matricule", "Né le", "Score"]
    assert [cell_text(v) for v in row] == ["13000001", "1988-05-17", "12.5"]
    assert cell_text(datetime(2016, 4, 4, 8, 30)) == "2016-04-04T08:30:00"
    assert fold(" Date de naissance ") == fold("date-de-NAISSANCE") == "datedenaissance"


def test_pending_previews_belong_to_their_owner_and_expire(app):
    class Actor:
        def __init__(self, id):
            self.id = id

    with english(app):
        token = pending.save("test-pending", Actor(1), {"rows": [1, 2]})
        assert pending.load("test-pending", token, Actor(1)) == {"rows": [1, 2]}
        with pytest.raises(DomainError, match="expired"):
            pending.load("test-pending", token, Actor(2))
        with pytest.raises(DomainError, match="expired"):
            pending.load("test-pending", "../../etc/passwd", Actor(1))
        path = pending.path_for("test-pending", token)
        assert oct(os.stat(path).st_mode & 0o777) == "0o600"
        old = time.time() - pending.DEFAULT_MAX_AGE - 60
        os.utime(path, (old, old))
        with pytest.raises(DomainError, match="expired"):
            pending.load("test-pending", token, Actor(1))
        pending.save("test-pending", Actor(1), {})  # a new preview sweeps the stale ones
        assert not os.path.exists(path)
