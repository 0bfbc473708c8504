"""Site photos: checked by content, re-encoded without metadata, stored with random names, thumbnailed.

An upload is refused unless Pillow recognises a JPEG or PNG in its bytes (the file name and the browser's
content type are ignored), it is within MAX_UPLOAD_MB, and it decodes completely. The stored copy is a
re-encoding of the pixels only: EXIF (camera, date, GPS…), comments and text chunks are not copied. The
GPS position is read from EXIF, and kept in the database, only when the uploader asks for it.

Files live under UPLOAD_DIR/stations/ (never under static/) and are served by a view that checks access.
"""
import io
import os
import secrets
import warnings
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from cpms.core.errors import DomainError
from cpms.core.images import decode_bounded

FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
MAX_PIXELS = 50_000_000  # larger pictures are refused (decompression bombs), well above any phone camera
MAX_EDGE = 2560  # stored copies are scaled down to this longest edge: enough on screen, light on a slow link
THUMB_EDGE = 320
SUBFOLDER = "stations"


@dataclass
class PreparedPhoto:
    """A checked photo, re-encoded in memory, ready to be written."""

    data: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int
    latitude: float | None = None
    longitude: float | None = None


def limit_bytes():
    return current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def photo_dir():
    path = os.path.join(current_app.config["UPLOAD_DIR"], SUBFOLDER)
    os.makedirs(path, exist_ok=True)
    return path


def _read_limited(stream, label):
    limit = limit_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("%(file)s is larger than the %(mb)d MB limit: send a smaller photo.",
                            file=label, mb=current_app.config["MAX_UPLOAD_MB"]), field="photos")
    if not data:
        raise DomainError(_("%(file)s is empty.", file=label), field="photos")
    return data


def _open_checked(data, label):
    """Open and fully decode the image; refuse anything that is not a sound JPEG or PNG.

    Before decoding, the pixels are weighed against a memory budget (cpms/core/images.py)."""
    not_an_image = _("%(file)s is not a JPEG or PNG photo. Only JPEG and PNG files are accepted.", file=label)
    damaged = _("%(file)s is damaged or incomplete: it could not be read as a photo.", file=label)
    too_big = _("%(file)s has too many pixels: send a picture of at most %(mp)d megapixels.", file=label,
                mp=MAX_PIXELS // 1_000_000)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(too_big, field="photos")
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            # weighed against CPMS_IMAGE_MAX_DECODE_MB, decoded reduced when a JPEG is larger than the stored copy;
            # load() also finds a truncated file, which verify() does not
            decode_bounded(image, label, "photos", MAX_EDGE)
    except UnidentifiedImageError:
        raise DomainError(not_an_image, field="photos") from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise DomainError(too_big, field="photos") from None
    except DomainError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError):
        raise DomainError(damaged, field="photos") from None
    if image.format not in FORMATS:
        raise DomainError(not_an_image, field="photos")
    return image


def _degrees(value, ref):
    degrees, minutes, seconds = (float(part) for part in value)
    decimal = degrees + minutes / 60 + seconds / 3600
    return -decimal if ref in ("S", "W") else decimal


def gps_position(image):
    """(latitude, longitude) from the EXIF GPS block, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        latitude = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        longitude = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return round(latitude, 6), round(longitude, 6)


def _encode(image, fmt):
    """Pixels only: a fresh image carries no EXIF, ICC, comments or text chunks into the file."""
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def prepare_photo(file_storage, keep_gps=False):
    """Check one uploaded file and re-encode it in memory. Errors: too large, not JPEG/PNG, damaged."""
    label = os.path.basename(file_storage.filename or "") or _("The photo")
    data = _read_limited(file_storage.stream, label)
    image = _open_checked(data, label)
    fmt = image.format
    latitude, longitude = gps_position(image) if keep_gps else (None, None)
    upright = ImageOps.exif_transpose(image)  # the orientation tag goes with the metadata: apply it first
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    if upright.mode == "P":
        clean.putpalette(upright.getpalette())
    clean.thumbnail((MAX_EDGE, MAX_EDGE))
    thumb = clean.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
    content_type, extension = FORMATS[fmt]
    return PreparedPhoto(data=_encode(clean, fmt), thumbnail=_encode(thumb, "JPEG"), content_type=content_type,
                         extension=extension, width=clean.width, height=clean.height,
                         latitude=latitude, longitude=longitude)


def write_photo(prepared):
    """Write a prepared photo and its thumbnail under random names; returns (stored name, thumbnail name)."""
    folder = photo_dir()
    stem = secrets.token_hex(16)
    names = (stem + prepared.extension, stem + "-thumb.jpg")
    for name, data in zip(names, (prepared.data, prepared.thumbnail)):
        with open(os.path.join(folder, name), "xb") as handle:  # "x": never overwrite
            handle.write(data)
    return names


def remove_files(names):
    folder = photo_dir()
    for name in names:
        try:
            os.remove(os.path.join(folder, name))
        except FileNotFoundError:
            pass


def file_path(name):
    """Absolute path of a stored file; names come from the database, never from the request."""
    return os.path.join(photo_dir(), os.path.basename(name))
