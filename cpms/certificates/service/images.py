"""Logos and signature images for certificates: checked by content, re-encoded as PNG without metadata.

Only PNG and JPEG are accepted (recognised by Pillow from the bytes, never by the file name), weighed against the
memory budget before decoding (cpms/core/images.py); transparency is kept, so a signature scanned on a transparent
background prints cleanly over the certificate.
"""
import io
import os
import warnings

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from cpms.core.errors import DomainError
from cpms.core.images import check_decode_budget, reduce_on_decode

MAX_EDGE = 1200  # plenty for 45 mm at print resolution
MAX_PIXELS = 40_000_000


def prepare_image(file_storage, field):
    """PNG bytes of an uploaded image, or None when no file was sent. Errors name the field to fix."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        return None
    label = os.path.basename(file_storage.filename) or _("The image")
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    data = file_storage.stream.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("The image is larger than %(mb)d MB: send a smaller file.",
                            mb=current_app.config["MAX_UPLOAD_MB"]), field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])  # the header only
            reduce_on_decode(image, MAX_EDGE)
            check_decode_budget(image, label, field)  # CPMS_IMAGE_MAX_DECODE_MB, with the size in the refusal
            if image.width * image.height > MAX_PIXELS:
                raise DomainError(_("The image has too many pixels: send a smaller picture."), field=field)
            image.load()
    except DomainError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError, OSError,
            SyntaxError, ValueError, EOFError):
        raise DomainError(_("The file is not a readable PNG or JPEG image."), field=field) from None
    image = image.convert("RGBA") if image.mode in ("P", "LA", "RGBA", "PA") else image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)  # pixels only: no EXIF, comments or text chunks
    clean.thumbnail((MAX_EDGE, MAX_EDGE))
    buffer = io.BytesIO()
    clean.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
