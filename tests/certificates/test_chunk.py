"""A batch's chunk of certificates laid out as ONE document (cpms/certificates/pdf/chunk.py, issue 22): each
certificate's pages must be exactly those of the certificate laid out alone – page count, size, text, drawing
and images – and templates that could carry anything from one certificate to another are laid out one by one."""
import io

import pytest
from pypdf import PdfReader

from cpms.certificates import demo
from cpms.certificates.pdf import (
    Artwork,
    compile_template,
    document_html,
    png_data_uri,
    qr_png,
    render_pdf,
)
from cpms.certificates.pdf import render as render_module
from cpms.certificates.pdf.chunk import chunk_document, safe_css
from cpms.certificates.pdf.defaults import DEFAULT_CSS, DEFAULT_HTML
from cpms.certificates.pdf.render import render_chunk, sample_context
from cpms.core.pdf import PDF_BASE_URL, make_fetcher
from cpms.core.pdf_join import split_pdf
from tests.helpers.pdf import qr_codes

OFFICERS = [  # names and ranks that wrap, one short, and one rank long enough to run a page over (LONG_HTML)
    ("TSHIBANGU-KALALA Mulamba wa Ngalula Jean-Dieudonné Emmanuel Kabasele", "Commissaire supérieur principal "
     "adjoint chargé de la formation continue et de la déontologie"),
    ("ILUNGA Kasongo Marie", ""),
    ("MUKENDI Ngoy wa Kalenga Pierre-Célestin", "Brigadier-chef"),
    ("KABILA Mwamba Anuarite", "Inspecteur principal " * 12),
]
# one line per word of the rank: the long ranks take two or three pages, the others one
LONG_HTML = ("<h1>{{ t.title }}</h1><p class='holder'>{{ holder_name }}</p>"
             "{% for word in rank.split() %}<p class='line'>{{ loop.index }}. {{ word }} – {{ holder_name }}</p>"
             "{% endfor %}<img class='qr' src='{{ qr_code }}' alt=''><p>{{ serial }}</p>")
LONG_CSS = ("@page { margin: 15mm; } body { font-family: 'DejaVu Sans', sans-serif; margin: 0; } "
            "h1 { margin-top: 12mm; font-size: 26pt; } .holder { font-size: 22pt; } .line { margin: 1mm 0 2mm; } "
            ".qr { width: 30mm; image-rendering: pixelated; }")


def _artwork():
    colour, initials, donor, people = demo.PROFILES["PDP-HKT-2016"]
    return Artwork(programme_logo=png_data_uri(demo.programme_logo(colour, initials)),
                   donor_logo=png_data_uri(demo.donor_logo(colour, donor)),
                   signatories=[{"name": name, "title": title, "signature": png_data_uri(demo.signature(n))}
                                for n, (name, title) in enumerate(people)])


def _pages(app, html, css, officers=OFFICERS):
    """The filled-in pages of `officers` with a template, as a batch fills them in."""
    compiled, artwork, pages = compile_template(html), _artwork(), []
    with app.test_request_context():
        for n, (name, rank) in enumerate(officers):
            context = sample_context("fr", artwork)
            url = f"https://cpms.example.org/verify/K7QWMZ4TXH2PLD6NRY3BVCJ5GSFE{n:04d}"
            context.update(holder_name=name, rank=rank, serial=f"CPMS-2016-{n + 1:06d}", verification_url=url,
                           qr_code=png_data_uri(qr_png(url)))
            pages.append((document_html(compiled, css, context), url))
    return pages


def _look(page):
    """What a reader sees on a page: its size, its text, its drawing (content stream) and its images."""
    return ([float(v) for v in page.mediabox], page.extract_text(), page.get_contents().get_data(),
            sorted(image.data for image in page.images))


def _assert_same_as_alone(app, pages, laid_out, qr=True):
    """Each certificate of the chunk has the pages of the certificate rendered alone, and only them. Returns
    ([pages of each], how many certificates the chunk laid out one by one); `laid_out`: the separate_layouts
    fixture."""
    rendered, _fragment = render_chunk([html for html, _url in pages], app.static_folder)
    separately = len(laid_out)
    with app.test_request_context():
        for (html, url), (data, count) in zip(pages, rendered):
            alone, alone_count = render_pdf(html, make_fetcher())
            assert count == alone_count == len(PdfReader(io.BytesIO(data)).pages)
            # alone: every page of a WeasyPrint PDF lists all its images; split_pdf keeps those each page draws
            alone = split_pdf(alone, [alone_count])[0]
            mine, theirs = PdfReader(io.BytesIO(data)).pages, PdfReader(io.BytesIO(alone)).pages
            assert [_look(page) for page in mine] == [_look(page) for page in theirs]
            if qr:
                assert [code for number in range(count) for code in qr_codes(data, number)] == [(url, "M")]
    return [count for _data, count in rendered], separately


@pytest.fixture
def separate_layouts(monkeypatch):
    """Counts the certificates laid out one by one (none when the chunk is laid out as one document)."""
    calls = []
    original = render_module.html_to_document

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(render_module, "html_to_document", counted)
    return calls


def test_the_default_template_is_laid_out_as_one_document_with_each_page_as_alone(app, separate_layouts):
    pages = _pages(app, DEFAULT_HTML, DEFAULT_CSS, OFFICERS[:3])
    assert "TSHIBANGU-KALALA" in pages[0][0]
    assert _assert_same_as_alone(app, pages, separate_layouts) == ([1, 1, 1], 0)  # 0: one document


def test_certificates_of_several_pages_keep_their_own_pages_in_a_chunk(app, separate_layouts):
    counts, separately = _assert_same_as_alone(app, _pages(app, LONG_HTML, LONG_CSS), separate_layouts)
    assert counts[1] == counts[2] == 1 and counts[3] >= 2 and len(set(counts)) > 1 and separately == 0


def test_markup_left_open_by_one_certificate_does_not_reach_the_next(app, separate_layouts):
    """Each page is parsed on its own: an unclosed <div> or <b> of one certificate (here, after a short rank)
    does not wrap or embolden the next one, as it would if the chunk were parsed as one HTML text."""
    html = DEFAULT_HTML.replace("{% if rank %} · {{ rank }}{% endif %}",
                                "{% if rank %} · {{ rank }}{% else %}<div><b>{% endif %}")
    pages = _pages(app, html, DEFAULT_CSS, OFFICERS[:3])
    assert _assert_same_as_alone(app, pages, separate_layouts) == ([1, 1, 1], 0)


@pytest.mark.parametrize("html, css", [
    # a page counter in the page's margin: the second certificate would print "2"
    ("<p>{{ holder_name }}</p>", "@page { @bottom-center { content: 'page ' counter(page) } }"),
    # a fixed element is drawn on every page of a document: every certificate would carry the first one's name
    ("<p>{{ serial }}</p><div class='stamp'>{{ holder_name }}</div>", ".stamp { position: fixed; top: 0; }"),
    # the first page of a document only
    ("<p>{{ holder_name }}</p>", "@page :first { margin-top: 60mm; }"),
    # a margin on body would only apply to the chunk's first page
    ("<p>{{ holder_name }}</p>", "body { margin: 25mm; }"),
    # a counter running through the document
    ("<p class='n'>{{ holder_name }}</p>", ".n::before { counter-increment: n; content: counter(n) '. '; }"),
])
def test_a_template_that_could_carry_over_is_laid_out_certificate_by_certificate(app, separate_layouts, html, css):
    pages = _pages(app, html, css, OFFICERS[:3])
    assert _assert_same_as_alone(app, pages, separate_layouts, qr=False) == ([1, 1, 1], 3)


@pytest.mark.parametrize("css", [
    "body > .frame { color: red; }", ".a + .b { color: red; }", ".a ~ .b { color: red; }", "p:first-child { }",
    "* { margin: 0; }", "[id] { color: red; }", "@media print { p { color: red; } }", "@import url(x.css);",
    "h1 { string-set: title content(); }", ".x { break-before: right; }", ".x { page: cover; }",
    "p { position: FIXED; }", "body { height: 100mm; }", "html { padding: 1mm; }", "body .a { content: counter(x); }",
    "@page { @top-left { content: 'x'; } }", "@page cover { margin: 0; }", "cpms-chunk-certificate { margin: 9mm; }",
    "p { float: footnote; }", "p:nth-child(2) { }", "svg|a { }",
])
def test_the_check_refuses_what_could_see_the_wrapper_or_another_certificate(css):
    assert not safe_css(css)


def test_the_check_accepts_the_default_template_and_plain_rules():
    assert safe_css(DEFAULT_CSS) and safe_css(LONG_CSS)
    assert safe_css('body, html { margin: 0; padding: 0 0; font: 11pt serif; background: #fff; } '
                    'td.name, .a .b #c img[src^="data:"] { position: absolute; left: 0; break-before: page; }')


@pytest.mark.parametrize("body", [
    "<style>p { color: red; }</style><p>x</p>", "<p id='top'>x</p>", "<a name='top'>x</a>",
    "<a href='#top'>x</a>", "<p style='position: fixed'>x</p>", "<link rel='stylesheet' href='x.css'>",
])
def test_bodies_with_style_sheets_anchors_or_unsafe_styles_are_not_joined(app, body):
    pages = [page for page, _url in _pages(app, "<p>{{ holder_name }}</p>" + body, "", OFFICERS[:2])]
    assert chunk_document(pages, PDF_BASE_URL, make_fetcher(app.static_folder)) is None
    plain = [page for page, _url in _pages(app, "<p style='color: red'>{{ holder_name }}</p>", "", OFFICERS[:2])]
    assert chunk_document(plain, PDF_BASE_URL, make_fetcher(app.static_folder)) is not None


def test_pages_with_different_heads_are_not_joined(app):
    """Another language, or another QR code size, changes the head: such pages are not joined."""
    pages = [page for page, _url in _pages(app, "<p>{{ holder_name }}</p>", "", OFFICERS[:2])]
    other = pages[1].replace('lang="fr"', 'lang="en"', 1)
    assert chunk_document([pages[0], other], PDF_BASE_URL, make_fetcher(app.static_folder)) is None
