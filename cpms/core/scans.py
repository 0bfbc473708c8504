"""Uploaded PDFs (a receipt's scan, an attendance sheet, a report given as evidence), checked before they are kept.

A PDF is recognised by its bytes (it starts with "%PDF-"; the file's name and the browser's type are not trusted),
parsed with pypdf, must not be encrypted, has at most `max_pages` pages, and is refused when anything in it can act
or carry another file: JavaScript, automatic actions (open or page actions), launch or submit actions, attached or
embedded files, rich media, XFA forms. What is kept is not the upload but its pages written again by pypdf (no
document-level metadata, nothing appended after the end of the file). The walk over the file's objects is bounded
(MAX_OBJECTS), and so is its size (the caller reads at most MAX_UPLOAD_MB). The views serve such files as
attachments (the browser downloads them rather than opening them in the page), with `nosniff` (core/setup.py).

Used by equipment (receipt scans), outreach (evidence of an activity) and indicators (evidence of a value).
"""
import io
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from cpms.core.errors import DomainError

PDF_MAGIC = b"%PDF-"
MAX_OBJECTS = 20_000  # objects walked in search of active content; a scan has a few per page
# names that make a PDF act (scripts, actions run on opening or on a page) or carry other files
ACTIVE = frozenset({"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/SubmitForm", "/ImportData", "/GoToR",
                    "/GoToE", "/EmbeddedFile", "/EmbeddedFiles", "/FileAttachment", "/RichMedia", "/XFA", "/Sound",
                    "/Movie"})


@dataclass
class CheckedPdf:
    data: bytes  # the pages written again by pypdf
    pages: int


def looks_like_pdf(head):
    return head.startswith(PDF_MAGIC)


def has_active_content(reader):
    """True when an object reachable from the file's trailer names active content (as a key or a value), or when the
    file has more objects than MAX_OBJECTS (too intricate to vouch for)."""
    seen, stack, walked = set(), [reader.trailer], 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        walked += 1
        if walked > MAX_OBJECTS:
            return True
        if isinstance(obj, DictionaryObject):
            for name, value in obj.items():
                if name in ACTIVE:
                    return True
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
        elif isinstance(obj, NameObject) and obj in ACTIVE:
            return True
    return False


def check_pdf(data, label, *, field, max_pages, too_many_pages=None, active=None):
    """The PDF `data` (bytes, already bounded in size) checked and written again: CheckedPdf. Refused with a
    DomainError on `field` that names the file (`label`) and what to do. `too_many_pages` and `active` replace the
    general messages where a domain can say better what to send (they are formatted with file, pages, max)."""
    damaged = _("%(file)s is damaged or incomplete: it could not be read as a PDF.", file=label)
    if not looks_like_pdf(data):
        raise DomainError(damaged, field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about the small faults it repairs
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise DomainError(_("%(file)s is protected by a password: send it without protection.",
                                    file=label), field=field)
            pages = len(reader.pages)
            if pages == 0:
                raise DomainError(damaged, field=field)
            if pages > max_pages:
                message = too_many_pages or _("%(file)s has %(pages)d pages: at most %(max)d are accepted.")
                raise DomainError(message % {"file": label, "pages": pages, "max": max_pages}, field=field)
            if has_active_content(reader):
                message = active or _("%(file)s holds scripts, automatic actions or attached files, which are not "
                                      "accepted: print it again to a plain PDF and send that.")
                raise DomainError(message % {"file": label}, field=field)
            writer = PdfWriter()
            for page in reader.pages:
                writer.add_page(page)
            out = io.BytesIO()
            writer.write(out)
    except DomainError:
        raise
    except Exception:  # pypdf raises many kinds of errors on a broken file; all mean the same to the user
        raise DomainError(damaged, field=field) from None
    return CheckedPdf(data=out.getvalue(), pages=pages)
