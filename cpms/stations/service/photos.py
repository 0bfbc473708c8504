"""Site photos: checked, re-encoded without metadata and thumbnailed by cpms/core/images.py (prepare_photo), stored
with random names under UPLOAD_DIR/stations/ (never under static/) and served by a view that checks access. The GPS
position is read from EXIF, and kept in the database, only when the uploader asks for it.
"""
from cpms.core import images

SUBFOLDER = "stations"


def photo_dir():
    return images.upload_folder(SUBFOLDER)


def write_photo(prepared):
    """Write a prepared photo and its thumbnail under random names; returns (stored name, thumbnail name)."""
    return images.write_photo(prepared, photo_dir())


def remove_files(names):
    images.remove_files(names, photo_dir())


def file_path(name):
    """Absolute path of a stored file; names come from the database, never from the request."""
    return images.stored_path(name, photo_dir())
