"""Issue 21, finding 7: a small PNG of 7000 × 7000 pixels is refused before it is decoded; a large JPEG is
decoded reduced, so a phone photo still passes."""
import io
import tracemalloc

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from cpms.core.errors import DomainError
from cpms.stations.service.photos import prepare_photo
from tests.conftest import english


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
