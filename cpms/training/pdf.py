"""The printable sign-in sheet of a session (templates/training/signin_sheet_pdf.html).

A large sheet is drawn in two parts at the same time, one per core (core.pdf.html_to_pdfs_in_parallel), and the
parts joined (core.pdf_join): on 2 cores a 450-officer sheet takes about half the wall time (issue 22). Its pages
must be the pages of the sheet drawn whole – the same rows on each page, "page n / N" at the foot – so the
parts follow a page plan: a row is one line high (8.5 mm) unless a name or a rank wraps onto a third line, so a
page holds at most FIRST_PAGE_ROWS rows under the facts, PAGE_ROWS on the following pages. The first part holds
whole pages at that fill, so its rows may not be taller (rows_of_one_height: a long rank, "Commissaire supérieur
principal", takes three lines) – one such row fits in what a following page leaves free –, or the sheet is drawn
whole; if the first part needs more pages than
planned all the same (longer facts), the plan did not hold and the sheet is drawn whole instead. The second part starts on a new page, numbered on; if its page count
differs from the plan's guess (where the trainer's signature line falls), both parts are drawn again with the
right total, which then holds (the total's digits move no row). If a part cannot be drawn apart (no os.fork, a
child that failed), the sheet is drawn whole.
"""
import io
import logging
import math
from collections import Counter
from dataclasses import dataclass
from html import escape

from flask import render_template
from flask_babel import get_locale
from pypdf import PdfReader

from cpms.core.pdf import APP_FONTS, html_to_document, html_to_pdfs_in_parallel, render_pdf, shared_fonts
from cpms.core.pdf_join import PdfConcatenator
from cpms.training.service import attendance

log = logging.getLogger("cpms.training.pdf")
TEMPLATE = "training/signin_sheet_pdf.html"
FIRST_PAGE_ROWS = 23  # one-line rows that fit under the title and the facts (tests/training: checked)
PAGE_ROWS = 29  # one-line rows that fit on each following page, under the repeated header
SIGNATURE_ROWS = 2  # the room the trainer's signature line takes below the last row, in rows
PARALLEL_MIN_PAGES = 4  # below this, a second process would not pay for itself


@dataclass
class Part:
    """What the template needs to draw part of the sheet: its first page and row numbers, the sheet's total."""
    first_page: int
    first_row: int
    pages: int
    enrolled: int
    last: bool


def planned_pages(rows, first_page_rows=PAGE_ROWS):
    """Pages that `rows` one-line rows and the signature line take, from a page holding `first_page_rows`."""
    if rows <= first_page_rows:
        return 1 if rows <= first_page_rows - SIGNATURE_ROWS else 2
    rest = rows - first_page_rows
    pages = 1 + math.ceil(rest / PAGE_ROWS)
    on_last = rest - PAGE_ROWS * (pages - 2)
    return pages + (on_last > PAGE_ROWS - SIGNATURE_ROWS)


def render_signin_sheet(session, lang=None, rows=None):
    """The PDF (bytes) of a session's sign-in sheet: every trainee enrolled that day, in `lang`."""
    rows = attendance.register(session, with_rank=True) if rows is None else rows
    context = {"session": session, "cohort": session.cohort, "lang": lang or get_locale().language}
    total = planned_pages(len(rows), FIRST_PAGE_ROWS)
    if total >= PARALLEL_MIN_PAGES:
        pdf = _render_in_two_parts(rows, total, context)
        if pdf is not None:
            return pdf
    return render_pdf(TEMPLATE, rows=rows, **context)


# the width of the text in the rank and name columns (the template's widths less padding and half borders), and the
# height of two lines: a row stays 8.5 mm high as long as each of its cells takes two lines at most
RANK_TEXT_MM, NAME_TEXT_MM, TWO_LINES_MM = 29.9, 35.8, 8.4  # (30 and 35.9 mm measured: a little less, to be safe)
SHORT_NAME = 28  # characters: a name this long or shorter takes two lines at most in its column
# a page after the first keeps 5.5 mm below its 29 rows, and a row of three lines is 3.1 mm taller: one fits
TALL_ROWS_PER_PAGE = 1
_fits = {}  # (text, width) -> whether it takes two lines at most; ranks are few, long names rare


def rows_of_one_height(rows, lang):
    """Whether every row of the sheet keeps the one-line height the page plan counts on. A long rank ("Commissaire
    supérieur principal") takes three lines in its column: measured once per process and text, by drawing each
    such text alone on a page of the column's width and two lines' height (more than one page: too tall)."""
    texts = {((trainee.rank.name_fr if lang == "fr" else trainee.rank.name_en), RANK_TEXT_MM)
             for _enrolment, trainee, _status in rows if trainee.rank}
    texts |= {(trainee.full_name, NAME_TEXT_MM) for _enrolment, trainee, _status in rows
              if len(trainee.full_name) > SHORT_NAME}
    for width in {width for text, width in texts if (text, width) not in _fits}:
        unknown = sorted(text for text, w in texts if w == width and (text, w) not in _fits)
        if len(_fits) > 10_000:
            _fits.clear()
        _fits.update(((text, width), fits) for text, fits in zip(unknown, _fit_in_two_lines(unknown, width)))
    return all(_fits[key] for key in texts)


def _fit_in_two_lines(texts, width):
    html = (f"<style>@page {{ size: {width}mm {TWO_LINES_MM}mm; margin: 0 }} body {{ margin: 0; font-family: "
            "'DejaVu Sans', sans-serif; font-size: 9.5pt } div { break-before: page; orphans: 1; widows: 1 }</style>"
            + "".join(f"<div id='t{n}'>{escape(text)}</div>" for n, text in enumerate(texts)))
    pages_of = Counter(anchor for page in html_to_document(html, font_config=shared_fonts(APP_FONTS)).pages
                       for anchor in page.anchors)
    return [pages_of[f"t{n}"] <= 1 for n in range(len(texts))]


def _render_in_two_parts(rows, total, context):
    """The sheet drawn as two parts in parallel and joined; None when the page plan did not hold."""
    # this process also builds both parts' HTML, forks and joins: it takes a little less than half the pages
    first_pages = max(1, round(total * 0.45))
    split = FIRST_PAGE_ROWS + PAGE_ROWS * (first_pages - 1)
    rows_of_one_height(rows, context["lang"])  # every text not yet measured, in one document; then looked up per row
    tall = [not rows_of_one_height([row], context["lang"]) for row in rows]
    pages = [tall[:FIRST_PAGE_ROWS]] + [tall[start:start + PAGE_ROWS] for start in range(FIRST_PAGE_ROWS, split, PAGE_ROWS)]
    if any(pages[0]) or any(sum(page) > TALL_ROWS_PER_PAGE for page in pages[1:]):
        return None  # too tall a page before the seam: the first part's pages would end elsewhere
    # the second part is laid out as the rest of the sheet drawn whole would be: a taller row there only moves where
    # its own pages end (a row of three lines takes about 1.4 one-line rows), which its page count guesses
    second_pages = planned_pages(len(rows) - split + math.ceil(0.4 * sum(tall[split:])))
    fonts = shared_fonts(APP_FONTS)
    for _attempt in range(2):
        total = first_pages + second_pages
        htmls = [render_template(TEMPLATE, rows=rows[:split], **context,
                                 part=Part(1, 0, total, len(rows), last=False)),
                 render_template(TEMPLATE, rows=rows[split:], **context,
                                 part=Part(first_pages + 1, split, total, len(rows), last=True))]
        try:
            (first, first_count), (second, second_count) = html_to_pdfs_in_parallel(htmls, fonts)
        except RuntimeError:
            log.warning("sign-in sheet: a part could not be drawn apart: drawn whole")
            return None
        if first_count != first_pages:
            log.info("sign-in sheet: %d rows took %d pages, not %d: drawn whole", split, first_count, first_pages)
            return None
        if second_count == second_pages:
            out, reader = io.BytesIO(), PdfReader(io.BytesIO(first))
            joined = PdfConcatenator(out)
            joined.add_pages(reader)
            joined.add(second)
            joined.close(like=reader)  # the sheet's title and language
            return out.getvalue()
        log.info("sign-in sheet: its second part took %d pages, not %d: drawn again", second_count, second_pages)
        second_pages = second_count
    return None
