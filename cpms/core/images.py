"""Uploaded images weighed before they are decoded (issue 21).

A PNG of 190 KB can hold 7000 × 7000 pixels, which take 200 MB once decoded. Every upload that decodes an image
(station progress photos, certificate logos and signatures) opens it lazily (Pillow reads only the header),
asks for a reduced decoding when the format has one (JPEG: 1/2, 1/4 or 1/8 with `draft`), then compares
width × height × bytes per pixel with CPMS_IMAGE_MAX_DECODE_MB before any pixel is decoded. A PNG has no reduced
decoding, so its full size counts.
"""
from flask import current_app
from flask_babel import gettext as _

from cpms.core.errors import DomainError


def decode_budget_bytes():
    return current_app.config["IMAGE_MAX_DECODE_MB"] * 1024 * 1024


def reduce_on_decode(image, max_edge):
    """Ask Pillow to decode a JPEG at the smallest 1/2, 1/4 or 1/8 scale still at least `max_edge` on its longest
    side; other formats are left as they are. Changes `image.size` when it applies."""
    if image.format == "JPEG" and max(image.size) > max_edge:
        scale = max_edge / max(image.size)
        image.draft("RGB", (int(image.width * scale) + 1, int(image.height * scale) + 1))
    return image


def check_decode_budget(image, label, field):
    """Refuse, before decoding, an image whose pixels would not fit in the memory budget. A PNG counts 4 bytes a
    pixel (it is converted to RGBA afterwards); others count their bands."""
    bands = 4 if image.format == "PNG" else len(image.getbands())
    budget = decode_budget_bytes()
    if image.width * image.height * bands > budget:
        raise DomainError(_("%(file)s is too large to process (%(width)d × %(height)d pixels): send a picture of "
                            "at most %(mp)d megapixels.", file=label, width=image.width, height=image.height,
                            mp=max(budget // bands // 1_000_000, 1)), field=field)


def decode_bounded(image, label, field, max_edge):
    """Decode an opened (not yet loaded) image reduced when possible and within the memory budget."""
    reduce_on_decode(image, max_edge)
    check_decode_budget(image, label, field)
    image.load()
    return image
