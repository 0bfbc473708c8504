"""PDF rendering with WeasyPrint: one place, one safe URL fetcher.

WeasyPrint would otherwise read file:// URLs and reach internal hosts. Our fetcher serves only
`data:` URLs and the application's own static files; everything else is refused (and listed in
`refused`, for tests and logs). Templates link static files with url_for('static', ...), which
resolves against PDF_BASE_URL.
"""
import gc
import logging
import mimetypes
import os
import select
import signal
import threading
import time
from contextlib import contextmanager

from flask import current_app, render_template
from werkzeug.security import safe_join

log = logging.getLogger("cpms.pdf")
PDF_BASE_URL = "https://cpms.invalid/"
_STATIC_PREFIX = PDF_BASE_URL + "static/"


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        def __init__(self, static_folder):
            super().__init__(allowed_protocols={"data", "https"}, allow_redirects=False)
            self.static_folder = static_folder
            self.refused = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(_STATIC_PREFIX):
                relative = url[len(_STATIC_PREFIX):].split("?", 1)[0].split("#", 1)[0]
                path = safe_join(self.static_folder, relative)
                if path and os.path.isfile(path):
                    with open(path, "rb") as handle:
                        body = handle.read()
                    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
            self.refused.append(url)
            log.warning("PDF rendering refused to fetch %s", url[:200])
            raise ValueError(f"refused: {url[:200]}")

    return SafeFetcher


def make_fetcher(static_folder=None):
    """The safe fetcher; `static_folder` lets a worker process without an application context use it."""
    return _fetcher_class()(static_folder or current_app.static_folder)


_fonts = threading.local()


def shared_fonts(key):
    """This thread's WeasyPrint font set-up (FontConfiguration), kept while `key` stays the same.

    A new set-up per render costs time and grows the process by some 0.2 MB a page that is not given back.
    The key names what the fonts depend on: the app's own templates (no @font-face) share APP_FONTS; a
    certificate batch or template version (maybe with its own @font-face rules) brings a new key, which
    starts a new set-up."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_fonts, "key", None) != key:
        _fonts.key, _fonts.config = key, FontConfiguration()
    return _fonts.config


APP_FONTS = ("app",)


def html_to_document(html, fetcher=None, cache=None, font_config=None):
    """The laid-out WeasyPrint document of an HTML string (`.pages`, `.write_pdf()`), fetched safely.

    For many renders in one thread: `cache`, a dict, lets them decode the images they share once, and
    `font_config` (weasyprint.text.fonts.FontConfiguration) lets them share one font set-up – a new one per
    render costs time and memory that is not all given back."""
    from weasyprint import HTML

    fetcher = fetcher or make_fetcher()
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).render(cache=cache, font_config=font_config)


_pause_lock = threading.Lock()
_pauses = {"depth": 0, "was_enabled": False}


def _pause():
    """Under _pause_lock: one more render under way; the collector off while any is."""
    if _pauses["depth"] == 0:
        _pauses["was_enabled"] = gc.isenabled()
        gc.disable()
    _pauses["depth"] += 1


def _resume():
    with _pause_lock:
        _pauses["depth"] -= 1
        if _pauses["depth"] == 0 and _pauses["was_enabled"]:
            gc.enable()


def _forget_renders_after_fork():
    """In a forked child: none of the parent's renders is under way there (the lock may have been copied taken)."""
    global _pause_lock
    _pause_lock = threading.Lock()
    _pauses["depth"] = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_renders_after_fork)


@contextmanager
def no_render_under_way():
    """Yields whether no render of this process (html_to_pdf, html_to_pdfs_in_parallel) is under way, and none can
    start until the block ends: processes forked inside it do not inherit the locks of fontconfig, Pango or cairo
    taken by a render in another thread (a child could otherwise wait on one for ever)."""
    with _pause_lock:
        yield _pauses["depth"] == 0


@contextmanager
def collections_paused():
    """No automatic garbage collection inside: a render builds hundreds of thousands of live objects (boxes, styles,
    text layouts), and the collector, triggered by their number, walked them again and again – about a quarter of
    the CPU time of a 450-row sign-in sheet (issue 22). The render's garbage is no larger for it (its boxes stay
    alive until it ends anyway); it is collected afterwards, as usual. Process-wide, so nested and concurrent
    renders count: collection resumes when the last one ends (and only if it was on before the first)."""
    with _pause_lock:
        _pause()
    try:
        yield
    finally:
        _resume()


def html_to_pdf(html, fetcher=None, font_config=None):
    """Bytes of the PDF for an HTML string, fetching nothing but data: URLs and our static files."""
    with collections_paused():
        return html_to_document(html, fetcher, font_config=font_config).write_pdf()


def html_to_pdfs_in_parallel(htmls, font_config=None):
    """[(PDF bytes, number of pages)] of several HTML strings, each a document of its own, rendered at the same
    time: the first in this process, each of the others in a child process forked for it (on 2 cores, a document
    drawn in two halves takes about half the wall time; together they take a little more CPU time). The children
    only render and write: they inherit WeasyPrint already imported and its fonts found, and leave with os._exit,
    touching none of this process's connections. Where os.fork is missing, all are rendered here, one after the
    other. Raises RuntimeError if a child failed (its error is logged)."""
    static_folder = current_app.static_folder
    if not hasattr(os, "fork"):
        return [_render_counted(html, static_folder, font_config) for html in htmls]
    # Fork only when no other render of this process is under way, and while none can start (the lock is held
    # until the children exist): a child forked while another thread is inside WeasyPrint's libraries (fontconfig,
    # Pango and cairo keep locks of their own) could inherit one of their locks taken and wait for ever. The
    # scheduler runs jobs in threads; a render beside another is drawn here, part after part.
    with _pause_lock:
        alone = _pauses["depth"] == 0
        _pause()  # the children inherit it: no collector walking (and copying) the parent's pages
        children = []
        try:
            for html in htmls[1:] if alone else ():
                children.append(_fork_render(html, static_folder, font_config))
        except OSError:  # no process to be had (memory, limits): the parts drawn here
            log.warning("no process could be forked to render a PDF part: rendered in this one")
            for pid, read_fd in children:
                _child_output(pid, read_fd)
            children, alone = [], False
    try:
        if not alone:
            return [_render_counted(html, static_folder, font_config) for html in htmls]
        try:
            results = [_render_counted(htmls[0], static_folder, font_config)]
        finally:
            outputs = [_child_output(pid, read_fd) for pid, read_fd in children]
    finally:
        _resume()
    for output in outputs:
        if output is None:
            raise RuntimeError("a PDF rendering process failed")
        pages, data = int.from_bytes(output[:4], "big"), output[4:]
        results.append((data, pages))
    return results


def _render_counted(html, static_folder, font_config):
    document = html_to_document(html, make_fetcher(static_folder), font_config=font_config)
    return document.write_pdf(), len(document.pages)


def _fork_render(html, static_folder, font_config):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, send the page count and the PDF down the pipe, leave without cleaning up
        status = 1
        try:
            os.close(read_fd)
            data, pages = _render_counted(html, static_folder, font_config)
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(pages.to_bytes(4, "big"))
                pipe.write(data)
            status = 0
        except BaseException:  # noqa: BLE001 – whatever it was, the parent must hear of it, not a second app
            log.exception("PDF rendering process failed")
        finally:
            os._exit(status)
    os.close(write_fd)
    return pid, read_fd


PARALLEL_TIMEOUT = 300  # seconds a rendering child may take before it is killed (a stuck child must not hang a job)


def _child_output(pid, read_fd):
    """What a child sent (None if it failed or took longer than PARALLEL_TIMEOUT), once it has ended (reaped: no
    zombie left)."""
    chunks, deadline = [], time.monotonic() + PARALLEL_TIMEOUT
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            ready, _w, _x = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                log.error("PDF rendering process %d took more than %d s: killed", pid, PARALLEL_TIMEOUT)
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return None
            chunk = pipe.read(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    output = b"".join(chunks)
    _pid, status = os.waitpid(pid, 0)
    return output if os.waitstatus_to_exitcode(status) == 0 and len(output) >= 4 else None


def render_pdf(template_name, **context):
    """Render a Jinja template (templates/<domain>/*.html) to PDF bytes, with this thread's shared font set-up."""
    return html_to_pdf(render_template(template_name, **context), font_config=shared_fonts(APP_FONTS))


# --- a programme's artwork for its documents --------------------------------------------------------------------

_LOGO_PROVIDERS = []


def programme_logo_provider(func):
    """Register func(programme_id) -> {"programme_logo", "donor_logo"} (data URIs or None): the domain that keeps a
    programme's artwork (certificates, on its design page) lends it to other documents (minutes, indicator reports)
    without them importing it."""
    _LOGO_PROVIDERS.append(func)
    return func


def programme_logos(programme_id):
    """{"programme_logo", "donor_logo"} of a programme, from the first provider that has them (None each otherwise)."""
    for provider in _LOGO_PROVIDERS:
        logos = provider(programme_id)
        if logos and any(logos.values()):
            return logos
    return {"programme_logo": None, "donor_logo": None}
