"""The signed receipt's scan as a PDF (a scanner's or a phone scanning app's file), checked before it is kept.

Recognised by its bytes (it starts with "%PDF-"; the file's name and the browser's type are not trusted), within
MAX_UPLOAD_MB, parsed with pypdf, not encrypted, at most MAX_SCAN_PAGES pages, and refused when anything in it can
act or carry another file: JavaScript, automatic actions (open or page actions), launch or submit actions, attached
or embedded files, rich media, XFA forms. What is kept is not the upload but its pages written again by pypdf (no
document-level metadata, nothing appended after the end of the file). The view serves it as an attachment with
Content-Type application/pdf, so that the browser downloads it rather than opening it in the page.
"""
import io
import os
import secrets
import warnings
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from cpms.core.errors import DomainError
from cpms.core.images import limit_bytes

PDF_MAGIC = b"%PDF-"
PICTURE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG, PNG: the photo path checks them further
MAX_SCAN_PAGES = 20  # a receipt of 200 items is a few pages; a larger file is something else
MAX_OBJECTS = 20_000  # objects walked in search of active content; a scan has a few per page
# names that make a PDF act (scripts, actions run on opening or on a page) or carry other files
ACTIVE = frozenset({"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/SubmitForm", "/ImportData", "/GoToR",
                    "/GoToE", "/EmbeddedFile", "/EmbeddedFiles", "/FileAttachment", "/RichMedia", "/XFA", "/Sound",
                    "/Movie"})


@dataclass
class PreparedScan:
    data: bytes
    pages: int


def looks_like_pdf(head):
    return head.startswith(PDF_MAGIC)


def looks_like_picture(head):
    return head.startswith(PICTURE_MAGIC)


def _active_content(reader):
    """True when an object reachable from the file's trailer names active content (as a key or a value)."""
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
            return True  # too intricate to vouch for: refused like active content
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


def prepare_scan(upload, label):
    """Check an uploaded PDF and write its pages again in memory; DomainError (field "photo") names what to fix."""
    limit = limit_bytes()
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("%(file)s is larger than the %(mb)d MB limit: scan it at a lower resolution.",
                            file=label, mb=current_app.config["MAX_UPLOAD_MB"]), field="photo")
    if not looks_like_pdf(data):
        raise DomainError(_("%(file)s is not a PDF, JPEG or PNG file.", file=label), field="photo")
    damaged = _("%(file)s is damaged or incomplete: it could not be read as a PDF.", file=label)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about the small faults it repairs
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise DomainError(_("%(file)s is protected by a password: send it without protection.",
                                    file=label), field="photo")
            pages = len(reader.pages)
            if pages == 0:
                raise DomainError(damaged, field="photo")
            if pages > MAX_SCAN_PAGES:
                raise DomainError(_("%(file)s has %(pages)d pages: a receipt's scan has at most %(max)d.",
                                    file=label, pages=pages, max=MAX_SCAN_PAGES), field="photo")
            if _active_content(reader):
                raise DomainError(_("%(file)s holds scripts, automatic actions or attached files, which are not "
                                    "accepted: scan the signed paper again, or send a photo of it.", file=label),
                                  field="photo")
            writer = PdfWriter()
            for page in reader.pages:
                writer.add_page(page)
            out = io.BytesIO()
            writer.write(out)
    except DomainError:
        raise
    except Exception:  # pypdf raises many kinds of errors on a broken file; all mean the same to the user
        raise DomainError(damaged, field="photo") from None
    return PreparedScan(data=out.getvalue(), pages=pages)


def write_scan(prepared, folder):
    """Write a checked PDF under a random name into `folder` (the equipment photos'); returns the stored name."""
    name = secrets.token_hex(16) + ".pdf"
    with open(os.path.join(folder, name), "xb") as handle:  # "x": never overwrite
        handle.write(prepared.data)
    return name
