"""The shared PDF renderer fetches nothing from outside; exports are formula-safe."""
import gc
import io
import os

import pytest
from openpyxl import load_workbook

from cpms.core import pdf
from cpms.core.exports import csv_bytes, xlsx_bytes
from cpms.core.pdf import (
    APP_FONTS,
    collections_paused,
    html_to_pdf,
    html_to_pdfs_in_parallel,
    make_fetcher,
    shared_fonts,
)
from tests.helpers.pdf import pdf_text


def test_pdf_renders_own_static_files_and_refuses_everything_else(app):
    html = """<html><head><link rel="stylesheet" href="/static/css/app.css">
      <link rel="attachment" href="file:///etc/passwd"></head>
      <body><h1>Kabongo Tshibangu &lt;link rel=attachment href=file:///etc/passwd&gt;</h1>
      <img src="file:///etc/hostname"><img src="http://127.0.0.1:9/internal.png">
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
      </body></html>"""
    with app.test_request_context():
        fetcher = make_fetcher()
        data = html_to_pdf(html, fetcher=fetcher)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Kabongo Tshibangu" in text and "file:///etc/passwd" in text  # printed as text, not fetched
    assert "root:" not in text
    assert set(fetcher.refused) >= {"file:///etc/passwd", "file:///etc/hostname", "http://127.0.0.1:9/internal.png"}
    assert not any("static/css/app.css" in url for url in fetcher.refused)


def test_pdfs_of_a_thread_share_one_font_set_up_and_each_prints_its_own_text(app):
    fonts = shared_fonts(APP_FONTS)
    assert shared_fonts(APP_FONTS) is fonts  # kept from one PDF to the next (a new one per PDF leaks memory)
    with app.test_request_context():
        first = html_to_pdf("<p>Procès-verbal de la réunion du CLSP de Bipemba</p>", font_config=fonts)
        second = html_to_pdf("<p><b>Indicator report</b> – Kananga, 2016</p>", font_config=shared_fonts(APP_FONTS))
    assert "Procès-verbal de la réunion du CLSP de Bipemba" in pdf_text(first)
    assert "Indicator report – Kananga, 2016" in pdf_text(second)
    assert shared_fonts(("batch", 1)) is not fonts  # another key (a certificate batch) gets its own set-up


def test_the_collector_pauses_while_pdfs_render_and_resumes_after_the_last(app):
    assert gc.isenabled()
    with collections_paused():
        with collections_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer render still runs
    assert gc.isenabled()


def test_pdfs_rendered_in_parallel_come_back_in_order_with_their_page_counts(app):
    with app.test_request_context():
        results = html_to_pdfs_in_parallel(["<p>Bipemba</p>", "<p>Kananga</p><p style='break-before: page'>Tshikapa</p>"])
    assert [pages for _data, pages in results] == [1, 2]
    assert "Bipemba" in pdf_text(results[0][0]) and "Tshikapa" in pdf_text(results[1][0])
    assert gc.isenabled()


def test_beside_another_render_or_without_a_process_the_parts_are_drawn_here(app, monkeypatch):
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(pdf.os, "fork", lambda: forks.append(1) or real_fork())
    parts = ["<p>Bipemba</p>", "<p>Kananga</p><p style='break-before: page'>Tshikapa</p>"]
    with app.test_request_context():
        with collections_paused():  # another thread's render under way: forking could inherit its libraries' locks
            results = html_to_pdfs_in_parallel(parts)
        assert forks == [] and [pages for _data, pages in results] == [1, 2]

        def no_process():
            raise OSError(11, "Resource temporarily unavailable")
        monkeypatch.setattr(pdf.os, "fork", no_process)
        results = html_to_pdfs_in_parallel(parts)
    assert [pages for _data, pages in results] == [1, 2] and "Tshikapa" in pdf_text(results[1][0])
    assert gc.isenabled()


def test_a_failed_rendering_process_is_reported_and_reaped(app, monkeypatch):
    parent, render = os.getpid(), pdf._render_counted

    def fails_in_the_child(*args):
        if os.getpid() != parent:
            raise ValueError("broken")
        return render(*args)

    forked, real_fork = [], os.fork

    def fork():
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(pdf, "_render_counted", fails_in_the_child)
    monkeypatch.setattr(pdf.os, "fork", fork)
    with app.test_request_context(), pytest.raises(RuntimeError):
        html_to_pdfs_in_parallel(["<p>Bipemba</p>", "<p>Kananga</p>"])
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)  # reaped: no zombie left behind (other tests' children may still run)


def test_csv_neutralises_formulas_and_keeps_accents():
    data = csv_bytes(["Nom", "Note"], [["=HYPERLINK(\"http://x\")", 12.5], ["@SUM(A1)", -3], ["Ngalula Mbuyi", None],
                                         ["-2+3", "\tcmd"]])
    text = data.decode("utf-8")
    assert text.startswith("\ufeffNom,Note")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'-2+3" in text and "'\tcmd" in text
    assert ",-3\r\n" in text  # numbers stay numbers
    assert "Ngalula Mbuyi," in text


def test_xlsx_keeps_numbers_and_neutralises_text_formulas():
    data = xlsx_bytes({"Par sexe": (["Sexe", "Nombre"], [["F", 12], ["=1+1", 3.5]])})
    sheet = load_workbook(io.BytesIO(data))["Par sexe"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Sexe", "Nombre")
    assert rows[1] == ("F", 12) and isinstance(rows[1][1], int)
    assert rows[2][0] == "'=1+1" and rows[2][1] == 3.5


def test_a_rendered_pdf_leaves_no_progress_lines_in_the_log(app, caplog):
    """WeasyPrint logs seven INFO steps per document: a certificate batch filled `make run`'s output with
    thousands of lines. Its warnings still show."""
    import logging

    from cpms.core.pdf import html_to_pdf
    with app.app_context(), caplog.at_level(logging.INFO):
        data = html_to_pdf("<p>Feuille d'émargement</p>")
    assert data.startswith(b"%PDF")
    assert not [record for record in caplog.records if record.name.startswith("weasyprint.progress")]
    assert logging.getLogger("weasyprint.progress").getEffectiveLevel() == logging.WARNING
