"""Rendering certificates: the sandboxed template, its context, the QR code, and the PDF (through core/pdf.py).

The template is administrator-written Jinja, so it runs in `jinja2.sandbox.SandboxedEnvironment` with
autoescaping and receives only plain strings, numbers, lists and dicts. Whatever it links to goes through
the safe URL fetcher of core/pdf.py: data: URLs and our own static files, nothing else.
"""
import base64
import gc
import io
import signal
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from jinja2 import TemplateError
from pypdf import PdfReader

from cpms.certificates.pdf.chunk import chunk_document, page_counts
from cpms.certificates.pdf.sandbox import bounded_environment
from cpms.core.errors import DomainError
from cpms.core.pdf import PDF_BASE_URL, html_to_document, make_fetcher, shared_fonts
from cpms.core.pdf_join import pdf_fragment, split_reader

QR_SCALE = 1  # pixels per module in the embedded PNG: the CSS sizes it, `image-rendering: pixelated` keeps it sharp
_PNG_HEAD = 33  # bytes of a PNG's signature and header chunk (its size and colours): 44 base64 characters
_environment = bounded_environment()  # sandbox.py: no huge strings, lists or loops


def grouped_code(code):
    """ABCD-EFGH-… : the printed form of a verification code, easier to read aloud and to type."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def compile_template(html):
    """The sandboxed Jinja template of a certificate body; DomainError (field "html") when it does not parse."""
    try:
        return _environment.from_string(html)
    except TemplateError as error:
        raise DomainError(_("The template has an error on line %(line)s: %(message)s",
                            line=getattr(error, "lineno", "?"), message=str(error)), field="html") from None


def _qr_style(context):
    """A rule that keeps the QR code's modules sharp however the template sizes it: the PNG has one pixel per module,
    and a viewer smoothing it when enlarged would blur the code. It picks the image by the start of its data URL –
    the PNG's header, which says 'N×N pixels, black and white': the QR code's size, no logo's."""
    uri = context.get("qr_code") or ""
    prefix = "data:image/png;base64,"
    head = len(prefix) + _PNG_HEAD * 4 // 3
    if not uri.startswith(prefix) or len(uri) < head:
        return ""
    return f'<style>img[src^="{uri[:head]}"] {{ image-rendering: pixelated; }}</style>'


def document_html(template, css, context):
    """The whole HTML page of one certificate. A4 landscape comes last, so the template's CSS cannot change it."""
    try:
        body = template.render(context)
    except (TemplateError, OverflowError) as error:  # the sandbox's SecurityError, unknown placeholders, range()
        raise DomainError(_("The template could not be filled in: %(message)s", message=str(error)),
                          field="html") from None
    return (f'<!doctype html><html lang="{context.get("lang", "fr")}"><head><meta charset="utf-8">'
            f"{_qr_style(context)}<style>{css}</style><style>@page {{ size: A4 landscape; }}</style></head>"
            f"<body>{body}</body></html>")


def render_pdf(html, fetcher=None, cache=None, font_config=None):
    """(PDF bytes, number of pages) of a certificate page (see core.pdf.html_to_document for the options)."""
    document = html_to_document(html, fetcher, cache=cache, font_config=font_config)
    return document.write_pdf(), len(document.pages)


_in_render_process = False


def render_process_started(started=None):
    """Initializer of a batch's rendering processes (they do nothing but render_chunk). A process forked from a
    worker inherits its signal handlers: SIGTERM must end it (the pool is terminated that way when the batch
    stops), as it ends a spawned one; and what it inherited is out of the collector's sight from the start.
    `started` (a semaphore) is released once that is so: the pool is handed out only then."""
    global _in_render_process
    _in_render_process = True
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    gc.freeze()
    if started is not None:
        started.release()


def render_chunk(htmls, static_folder, batch_key=None, fragment_number=None):
    """([(PDF bytes, number of pages)] of several certificates, fragment); runs in the batch's worker processes,
    without an application context. The chunk is laid out as ONE document when its template allows it (chunk.py:
    each certificate's pages are then those it has laid out alone, the template's style sheet parsed and its styles
    computed once for the chunk), otherwise each certificate on its own, exactly as render_pdf lays it out. Either
    way the chunk is written as ONE PDF, then split into a file per certificate (join.split_reader): writing a PDF
    – fonts subset and embedded, images compressed – is paid once per chunk instead of once per certificate
    (issue 22). The logos and signatures, the same on every page, are decoded once per chunk.
    `fragment_number` (an object number): the chunk's pages are also returned as a fragment of the cohort's
    combined PDF (join.pdf_fragment, the same pages and fonts as the files), numbered from it – the scheduler
    appends it without reading the files again; None when not asked for or too large for its range."""
    if not htmls:
        return [], None
    if _in_render_process:
        # what is left is long-lived (modules, fonts, the previous chunk's garbage already collected): out of the
        # collector's sight, so that the collection below walks this chunk's objects only, not the whole heap
        # (a full collection per chunk cost about a quarter of the rendering)
        gc.freeze()
    cache, fonts, fetcher = {}, shared_fonts(("batch", batch_key)), make_fetcher(static_folder)
    document, counts = _laid_out_together(htmls, fetcher, cache, fonts)
    if document is None:  # each certificate laid out on its own, the pages written together
        documents = [html_to_document(html, fetcher, cache=cache, font_config=fonts) for html in htmls]
        counts = [len(document.pages) for document in documents]
        document = documents[0].copy([page for document in documents for page in document.pages])
        del documents
    combined = document.write_pdf()
    del document
    reader = PdfReader(io.BytesIO(combined))
    files = split_reader(reader, counts)
    fragment = pdf_fragment(reader, fragment_number) if fragment_number is not None else None
    del reader
    gc.collect()  # WeasyPrint's layout leaves reference cycles behind: free them chunk by chunk
    return list(zip(files, counts)), fragment


def _laid_out_together(htmls, fetcher, cache, fonts):
    """(the chunk laid out as ONE document, the number of pages of each certificate), or (None, None) when the
    template does not allow it (chunk.py)."""
    joined = chunk_document(htmls, PDF_BASE_URL, fetcher) if len(htmls) > 1 else None
    if joined is None:
        return None, None
    document = joined[0].render(cache=cache, font_config=fonts)
    counts = page_counts(document, joined[1])
    return (document, counts) if counts is not None else (None, None)


def png_data_uri(data):
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii") if data else None


def qr_png(url):
    """The QR code of `url` as a 1-bit PNG, one module = QR_SCALE pixels, no quiet zone (the CSS adds the margin). One
    pixel per module: the smallest image to draw and embed (a ninth of the scheduler's work per certificate went
    into an 8-pixel-per-module PNG); document_html keeps it sharp when enlarged.
    Encoded by zxing-cpp (libzint inside): the standard mask selection – the 8 patterns scored for large blocks and
    finder-like runs – in C++ takes about 0.4 ms, where segno's pure Python took about 5 of its 6.3 ms per code, the
    largest share of a batch's own work (issue 22). zxing-cpp is also the reader the tests decode the codes with."""
    import zxingcpp
    from PIL import Image

    matrix = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=QR_SCALE, add_quiet_zones=False)  # 0 (dark) or 255 (light), one byte per pixel
    height, width = matrix.shape
    picture = Image.frombytes("L", (width, height), bytes(memoryview(matrix))).convert("1", dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def long_date(value, lang):
    """29 mars 2016 / 29 March 2016 (British order, as in the programme's donor reports)."""
    return format_date(value, "long", locale="en_GB" if lang == "en" else lang)


@dataclass
class Artwork:
    """A programme's logos and signatories, ready for the template (images as data: URLs)."""

    programme_logo: str | None = None
    donor_logo: str | None = None
    signatories: list = field(default_factory=list)


def artwork_of(profile):
    if profile is None:
        return Artwork()
    return Artwork(programme_logo=png_data_uri(profile.programme_logo), donor_logo=png_data_uri(profile.donor_logo),
                   signatories=[{"name": s.name, "title": s.title, "signature": png_data_uri(s.signature)}
                                for s in profile.signatories])


def wording(lang):
    """The fixed wording of a certificate in its own language (not the reader's)."""
    with force_locale(lang):
        return {"title": _("Certificate of training"), "certify": _("This is to certify that"),
                "completed": _("has successfully completed the course"), "matricule": _("Service number"),
                "serial": _("Certificate no."), "code": _("Verification code"),
                "verify_at": _("Check this certificate at"), "issued_on": _("issued on"),
                "certified_on": _("Certified on"),
                "replaces": _("replaces")}


def dates_text(start, end, lang):
    with force_locale(lang):
        return _("from %(start)s to %(end)s", start=long_date(start, lang), end=long_date(end, lang))


def hours_text(hours, lang):
    with force_locale(lang):
        return ngettext("%(num)d hour", "%(num)d hours", hours)


@dataclass
class Printed:
    """What a certificate prints about the officer and the course; frozen on the Certificate row."""

    holder_name: str
    matricule: str
    rank: str
    course_title: str
    start_date: date
    end_date: date
    hours: int


def printed_fields(trainee, cohort, lang):
    rank = ""
    if trainee.rank is not None:
        rank = trainee.rank.name_fr if lang == "fr" else trainee.rank.name_en
    return Printed(holder_name=trainee.full_name, matricule=trainee.matricule, rank=rank,
                   course_title=cohort.course.title(lang), start_date=cohort.start_date, end_date=cohort.end_date,
                   hours=cohort.course.hours)


def cohort_context(cohort, lang, artwork):
    """The part of the template's values shared by every certificate of a cohort (computed once per batch)."""
    course = cohort.course
    return {
        "lang": lang, "t": wording(lang), "course_title": course.title(lang),
        "start_date": long_date(cohort.start_date, lang), "end_date": long_date(cohort.end_date, lang),
        "dates": dates_text(cohort.start_date, cohort.end_date, lang),
        # the certification date: the completion date (the cohort's end date), whenever the page is printed
        "certified_on": long_date(cohort.end_date, lang),
        "hours": course.hours, "hours_text": hours_text(course.hours, lang),
        "training_centre": cohort.training_centre or "", "place": cohort.commune.city.name,
        "programme_name": cohort.programme.name, "donors": cohort.programme.donors or "",
        "programme_logo": artwork.programme_logo, "donor_logo": artwork.donor_logo,
        "signatories": artwork.signatories,
    }


def certificate_context(printed, shared, *, serial, code, url, issued_on, replaces_serial=""):
    """Everything a template may print (see defaults.PLACEHOLDERS); plain values only, for the sandbox.
    `shared` comes from cohort_context()."""
    lang = shared["lang"]
    return {
        **shared,
        "holder_name": printed.holder_name, "matricule": printed.matricule, "rank": printed.rank,
        "serial": serial, "verification_code": grouped_code(code), "verification_url": url,
        "qr_code": png_data_uri(qr_png(url)), "issued_on": long_date(issued_on, lang),
        "replaces_serial": replaces_serial or "",
    }


def sample_context(lang, artwork=None, base_url="https://cpms.example.org"):
    """Invented values for the template preview: a long name, to show how the layout copes."""
    from types import SimpleNamespace

    code = "K7QWMZ4TXH2PLD6NRY3BVCJ5GSFE7A2Q"
    course = SimpleNamespace(hours=600, title=lambda lang: ("Police de proximité – formation de base" if lang == "fr"
                                                           else "Community policing – basic course"))
    cohort = SimpleNamespace(course=course, start_date=date(2016, 3, 29), end_date=date(2016, 8, 28),
                             training_centre="Centre de formation de Mbuji-Mayi",
                             commune=SimpleNamespace(city=SimpleNamespace(name="Mbuji-Mayi")),
                             programme=SimpleNamespace(name="Police de proximité – Mbuji-Mayi 2015–2020",
                                                       donors="INL, Canada"))
    printed = Printed(holder_name="TSHIBANGU-KALALA Mulamba wa Ngalula Jean-Dieudonné", matricule="13004567",
                      rank="Brigadier-chef" if lang == "fr" else "Chief brigadier", course_title=course.title(lang),
                      start_date=cohort.start_date, end_date=cohort.end_date, hours=course.hours)
    return certificate_context(printed, cohort_context(cohort, lang, artwork or Artwork()), serial="CPMS-2016-000123",
                               code=code, url=f"{base_url.rstrip('/')}/verify/{code}", issued_on=date(2016, 9, 15),
                               replaces_serial="CPMS-2016-000045")
