"""Issue 21, finding 7: a small PNG of 7000 × 7000 pixels is refused before it is decoded; a large JPEG is
decoded reduced, so a phone photo still passes. Station progress photos and certificate logos and signatures
(every upload that decodes an image) go through the same budget (cpms/core/images.py)."""
import io
import tracemalloc

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from cpms.certificates.service.images import prepare_image
from cpms.core.errors import DomainError
from cpms.core.images import prepare_photo
from tests.conftest import english
from tests.helpers.images import count_decodes, png_bomb, upload


def _upload(image, fmt, name):
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    buffer.seek(0)
    return FileStorage(stream=buffer, filename=name), len(buffer.getvalue())


def test_a_small_png_of_49_megapixels_is_refused_before_decoding(app):
    upload, size = _upload(Image.new("L", (7000, 7000), 200), "PNG", "bomb.png")
    assert size < 300_000  # tiny on the wire
    tracemalloc.start()
    try:
        with english(app), pytest.raises(DomainError, match=r"bomb.png is too large to process \(7000 × 7000"):
            prepare_photo(upload)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024


def test_a_large_jpeg_is_decoded_reduced_and_kept(app):
    upload, _size = _upload(Image.new("RGB", (6000, 4500), (90, 120, 60)), "JPEG", "field.jpg")
    with english(app):
        photo = prepare_photo(upload)
    assert max(photo.width, photo.height) <= 2560


def test_the_budget_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_MAX_DECODE_MB", 1)
    upload, _size = _upload(Image.new("RGB", (1200, 1000), (1, 2, 3)), "PNG", "wide.png")
    with english(app), pytest.raises(DomainError, match="at most 1 megapixels"):
        prepare_photo(upload)


def test_a_certificate_logo_of_49_megapixels_is_refused_before_decoding(app, monkeypatch):
    decodes = count_decodes(monkeypatch)
    with english(app), pytest.raises(DomainError, match=r"logo.png is too large to process \(7000 × 7000 pixels\): "
                                                        r"send a picture of at most 16 megapixels") as refused:
        prepare_image(upload(png_bomb(), "logo.png", "image/png"), "donor_logo")
    assert refused.value.field == "donor_logo" and decodes == []


def test_a_large_jpeg_signature_is_decoded_reduced(app, monkeypatch):
    decodes = count_decodes(monkeypatch)
    upload_, _size = _upload(Image.new("RGB", (6000, 4500), (250, 250, 250)), "JPEG", "signature.jpg")
    with english(app):
        data = prepare_image(upload_, "signatories-0-signature")
    assert set(decodes) == {(1500, 1125)}  # decoded at 1/4, never at full size
    assert Image.open(io.BytesIO(data)).size == (1200, 900)
