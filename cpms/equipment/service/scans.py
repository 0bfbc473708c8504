"""The signed receipt's scan as a PDF (a scanner's or a phone scanning app's file), checked before it is kept.

Within MAX_UPLOAD_MB and MAX_SCAN_PAGES pages, checked and written again by cpms.core.scans (recognised by its
bytes, not encrypted, nothing in it that can act or carry another file). The view serves it as an attachment with
Content-Type application/pdf, so that the browser downloads it rather than opening it in the page.
"""
import os
import secrets

from flask import current_app
from flask_babel import gettext as _

from cpms.core.errors import DomainError
from cpms.core.images import limit_bytes
from cpms.core.scans import check_pdf, looks_like_pdf

PICTURE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG, PNG: the photo path checks them further
MAX_SCAN_PAGES = 20  # a receipt of 200 items is a few pages; a larger file is something else


def looks_like_picture(head):
    return head.startswith(PICTURE_MAGIC)


def prepare_scan(upload, label):
    """Check an uploaded PDF and write its pages again in memory; DomainError (field "photo") names what to fix."""
    limit = limit_bytes()
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("%(file)s is larger than the %(mb)d MB limit: scan it at a lower resolution.",
                            file=label, mb=current_app.config["MAX_UPLOAD_MB"]), field="photo")
    if not looks_like_pdf(data):
        raise DomainError(_("%(file)s is not a PDF, JPEG or PNG file.", file=label), field="photo")
    return check_pdf(data, label, field="photo", max_pages=MAX_SCAN_PAGES,
                     too_many_pages=_("%(file)s has %(pages)d pages: a receipt's scan has at most %(max)d."),
                     active=_("%(file)s holds scripts, automatic actions or attached files, which are not accepted: "
                              "scan the signed paper again, or send a photo of it."))


def write_scan(prepared, folder):
    """Write a checked PDF under a random name into `folder` (the equipment photos'); returns the stored name."""
    name = secrets.token_hex(16) + ".pdf"
    with open(os.path.join(folder, name), "xb") as handle:  # "x": never overwrite
        handle.write(prepared.data)
    return name
