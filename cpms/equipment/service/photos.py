"""Photos of deliveries (the items handed over, the signed receipt's scan) and of condition checks.

They go through core's safe path for photos (cpms.core.images): recognised by their bytes (JPEG or
PNG only), within MAX_UPLOAD_MB, the pixel count and decoding budget weighed before decoding, re-encoded without
metadata (no EXIF, no GPS), scaled down, thumbnailed, stored with random names under UPLOAD_DIR/equipment/ (older
ones may still be under UPLOAD_DIR/stations/, where they were written before equipment had its folder) and served
only by an equipment view that checks role and area. The signed receipt's scan may be a PDF instead (scans.py).
Files are written before the request commits: the view removes them if it fails (photo_files), and removes a
deleted photo's files only after it committed.
"""
import os

from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.core import images
from cpms.core.errors import DomainError
from cpms.core.images import prepare_photo
from cpms.core.scans import looks_like_pdf
from cpms.equipment.models import EquipmentPhoto
from cpms.equipment.service.scans import looks_like_picture, prepare_scan, write_scan
from cpms.extensions import db

MAX_PHOTOS = 12  # per delivery or check: a few pages of a receipt and the items, not an album


def add_photo(actor, *, upload, delivery=None, check=None, kind="photo"):
    """Check one uploaded picture and keep it with a delivery or a check; the signed receipt may also be a PDF,
    recognised by its bytes (cpms.equipment.service.scans). Refused: no file, not a sound JPEG or PNG (or PDF, for
    the receipt), too large, more than MAX_PHOTOS, a signed receipt anywhere but on a delivery."""
    if kind not in ("photo", "signed_receipt") or (kind == "signed_receipt" and delivery is None):
        raise DomainError(_("Choose what the photo shows."), field="kind")
    if upload is None or not getattr(upload, "filename", ""):
        raise DomainError(_("Choose a photo to send."), field="photo")
    owner = EquipmentPhoto.delivery_id == delivery.id if delivery is not None else EquipmentPhoto.check_id == check.id
    if db.session.scalar(select(func.count()).where(owner)) >= MAX_PHOTOS:
        raise DomainError(_("At most %(max)d photos are kept here; remove one first.", max=MAX_PHOTOS),
                          field="photo")
    owners = {"delivery_id": getattr(delivery, "id", None), "check_id": getattr(check, "id", None), "kind": kind,
              "uploaded_by_id": getattr(actor, "id", None)}
    if kind == "signed_receipt":
        head = upload.stream.read(16)
        upload.stream.seek(0)
        label = os.path.basename(upload.filename) or _("The file")
        if looks_like_pdf(head):
            scan = prepare_scan(upload, label)
            photo = EquipmentPhoto(**owners, stored_name=write_scan(scan, photo_dir()), thumbnail_name=None,
                                   content_type="application/pdf", size_bytes=len(scan.data), page_count=scan.pages)
            db.session.add(photo)
            db.session.flush()
            return photo
        if not looks_like_picture(head):
            raise DomainError(_("%(file)s is not a PDF, JPEG or PNG file.", file=label), field="photo")
    try:
        prepared = prepare_photo(upload)
    except DomainError as error:  # the photo checks name the station form's field
        raise DomainError(error.message, field="photo") from None
    stored, thumbnail = write_photo(prepared)
    photo = EquipmentPhoto(**owners, stored_name=stored, thumbnail_name=thumbnail, content_type=prepared.content_type,
                           size_bytes=len(prepared.data))
    db.session.add(photo)
    db.session.flush()
    return photo


def photo_files(photo):
    return [name for name in (photo.stored_name, photo.thumbnail_name) if name]


def delivery_photos(delivery):
    return db.session.scalars(select(EquipmentPhoto).where(EquipmentPhoto.delivery_id == delivery.id)
                              .order_by(EquipmentPhoto.kind.desc(), EquipmentPhoto.id)).all()


def check_photos(check_ids):
    """{check_id: [photo]} in one query."""
    if not check_ids:
        return {}
    photos = {}
    for photo in db.session.scalars(select(EquipmentPhoto).where(EquipmentPhoto.check_id.in_(check_ids))
                                    .order_by(EquipmentPhoto.id)):
        photos.setdefault(photo.check_id, []).append(photo)
    return photos


def remove_photo(photo):
    """Delete the row; the files go once the request has committed (the caller removes photo_files)."""
    db.session.delete(photo)
    db.session.flush()


# --- The folder ---------------------------------------------------------------------------------------------------
# The checks are core's (cpms/core/images.py, prepare_photo). Equipment photos have their own folder,
# UPLOAD_DIR/equipment/. Those written before it existed stay in the stations' folder, where they
# are still found and removed: stored names are random file names, not paths, so nothing in the database changes,
# and no file is moved (a move outside the database's transaction could be half done, or miss a copy of the
# uploads kept on another disk).
SUBFOLDER = "equipment"
OLD_SUBFOLDER = "stations"


def photo_dir():
    return images.upload_folder(SUBFOLDER)


def write_photo(prepared):
    """Write a prepared photo and its thumbnail under random names; returns (stored name, thumbnail name)."""
    return images.write_photo(prepared, photo_dir())


def file_path(name):
    """Absolute path of a stored file (in the equipment folder, or in the stations' for older photos)."""
    return images.stored_path(name, photo_dir(), images.upload_folder(OLD_SUBFOLDER, create=False))


def remove_files(names):
    images.remove_files(names, photo_dir(), images.upload_folder(OLD_SUBFOLDER, create=False))
