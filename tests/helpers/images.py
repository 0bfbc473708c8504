"""Test pictures: JPEG and PNG bytes, EXIF with a GPS position, uploads, the stored files."""
import io
import os

from PIL import Image
from werkzeug.datastructures import FileStorage


def image_bytes(fmt="JPEG", size=(64, 48), colour=(200, 120, 40), exif=None, **save_options):
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    if exif is not None:
        save_options["exif"] = exif
    image.save(buffer, fmt, **save_options)
    return buffer.getvalue()


def gps_exif(latitude=(6, 7, 30), lat_ref="S", longitude=(23, 36, 0), lon_ref="E"):
    """EXIF with a camera model and a GPS position (default: Mbuji-Mayi, 6°07'30"S 23°36'E)."""
    from PIL import ExifTags
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Field Phone 3"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = lat_ref
    gps[ExifTags.GPS.GPSLatitude] = tuple(float(v) for v in latitude)
    gps[ExifTags.GPS.GPSLongitudeRef] = lon_ref
    gps[ExifTags.GPS.GPSLongitude] = tuple(float(v) for v in longitude)
    return exif


def upload(data, filename="photo.jpg", content_type="image/jpeg"):
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def stored_files(app, subfolder="stations"):
    folder = os.path.join(app.config["UPLOAD_DIR"], subfolder)
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def png_bomb(size=(7000, 7000)):
    """A PNG of one grey: 49 megapixels in about 190 KB, 196 MB once decoded as RGBA (issue 21, finding 7)."""
    buffer = io.BytesIO()
    Image.new("L", size, 200).save(buffer, "PNG")
    return buffer.getvalue()


def count_decodes(monkeypatch):
    """A list that grows by one each time Pillow decodes the pixels of an opened file."""
    from PIL import ImageFile
    decodes = []
    real_load = ImageFile.ImageFile.load

    def load(image):
        decodes.append(image.size)
        return real_load(image)
    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return decodes
