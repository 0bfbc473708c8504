"""Uploaded images weighed before they are decoded (issue 21).

A PNG of 190 KB can hold 7000 × 7000 pixels, which take 200 MB once decoded. Every upload that decodes an image
(station progress photos, certificate logos and signatures) opens it lazily (Pillow reads only the header),
asks for a reduced decoding when the format has one (JPEG: 1/2, 1/4 or 1/8 with `draft`), then compares
width × height × bytes per pixel with CPMS_IMAGE_MAX_DECODE_MB before any pixel is decoded. A PNG has no reduced
decoding, so its full size counts.

Uploaded photos (station progress reports, equipment deliveries and checks, outreach evidence) all go through
`prepare_photo`: refused unless Pillow recognises a JPEG or PNG in its bytes (the file name and the browser's content
type are ignored), within MAX_UPLOAD_MB, within MAX_PIXELS and the decoding budget, and decoding completely. The
stored copy is a re-encoding of the pixels only, scaled down to MAX_EDGE: EXIF (camera, date, GPS…), comments and
text chunks are not copied. The GPS position is read from EXIF only when the uploader asks for it.

Each domain keeps its files in its own folder under UPLOAD_DIR (`upload_folder`), never under static/, writes them
with `write_photo` (random names, never overwriting), and serves them by a view that checks access.
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

FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
MAX_PIXELS = 50_000_000  # larger pictures are refused (decompression bombs), well above any phone camera
MAX_EDGE = 2560  # stored copies are scaled down to this longest edge: enough on screen, light on a slow link
THUMB_EDGE = 320


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

    Before decoding, the pixels are weighed against the memory budget (check_decode_budget)."""
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


def upload_folder(subfolder, create=True):
    """UPLOAD_DIR/<subfolder>, created when missing (unless `create` is False): one folder per domain."""
    path = os.path.join(current_app.config["UPLOAD_DIR"], subfolder)
    if create:
        os.makedirs(path, exist_ok=True)
    return path


def write_photo(prepared, folder):
    """Write a prepared photo and its thumbnail into `folder` under random names; returns (stored name, thumbnail
    name)."""
    stem = secrets.token_hex(16)
    names = (stem + prepared.extension, stem + "-thumb.jpg")
    for name, data in zip(names, (prepared.data, prepared.thumbnail)):
        with open(os.path.join(folder, name), "xb") as handle:  # "x": never overwrite
            handle.write(data)
    return names


def stored_path(name, folder, *older_folders):
    """Absolute path of a stored file; names come from the database, never from the request. A file written before
    its domain had its own folder is found in an older one; otherwise the path is in `folder`."""
    name = os.path.basename(name)
    for candidate in (folder, *older_folders):
        path = os.path.join(candidate, name)
        if os.path.isfile(path):
            return path
    return os.path.join(folder, name)


def remove_files(names, folder, *older_folders):
    """Remove stored files from `folder` and the older folders they may still be in; missing files are ignored."""
    for name in names:
        for candidate in (folder, *older_folders):
            try:
                os.remove(os.path.join(candidate, os.path.basename(name)))
            except FileNotFoundError:
                pass
