"""Audio files recognised by their bytes, their length read from the headers when they say it, nothing decoded."""
import io
import struct
import wave

import pytest
from flask_babel import force_locale

from cpms.core.audio import check_audio, sniff_audio
from cpms.core.errors import DomainError


def wav(seconds, rate=8000):
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(b"\x00\x00" * int(rate * seconds))
    return out.getvalue()


def ogg_page(granule, payload):
    return b"OggS\x00\x02" + struct.pack("<q", granule) + b"\x01\x00\x00\x00" * 3 + b"\x01" + bytes([len(payload)]) \
        + payload


def opus(seconds):
    head = ogg_page(0, b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00")
    return head + b"\x00" * 200 + ogg_page(int(seconds * 48_000), b"\x00" * 20)


def m4a(seconds, handler=b"soun", brand=b"M4A "):
    ftyp = struct.pack(">I", 20) + b"ftyp" + brand + b"\x00\x00\x00\x00" + brand
    mvhd = struct.pack(">I", 108) + b"mvhd" + b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000,
                                                                                  int(seconds * 1000)) + b"\x00" * 80
    hdlr = struct.pack(">I", 33) + b"hdlr" + b"\x00" * 8 + handler + b"\x00" * 13
    return ftyp + b"\x00\x00\x00\x08free" + mvhd + hdlr + b"\x00" * 64


def mp3(seconds, kbps_index=9):  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz
    frame = bytes([0xFF, 0xFB, kbps_index << 4, 0x00]) + b"\x00" * 413
    return b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + frame * int(seconds * 128_000 / 8 / 417 + 1)


@pytest.mark.parametrize("data, content_type, seconds", [
    (wav(2), "audio/wav", 2), (opus(95), "audio/ogg", 95), (m4a(61.5), "audio/mp4", 61.5),
    (mp3(3), "audio/mpeg", 3)])
def test_each_format_is_recognised_with_its_length(app, data, content_type, seconds):
    with app.test_request_context():
        audio = check_audio(data, "son")
    assert audio.content_type == content_type
    assert audio.seconds == pytest.approx(seconds, abs=0.1)


@pytest.mark.parametrize("data", [b"%PDF-1.4", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"Bonjour tout le monde"])
def test_what_is_not_audio_is_not_taken_for_audio(data):
    assert sniff_audio(data[:12]) is None


@pytest.mark.parametrize("data, message", [
    (m4a(10, handler=b"vide", brand=b"isom"), "could not be read as audio"),  # an MP4 video
    (m4a(10, brand=b"qt  "), "could not be read as audio"),
    (ogg_page(0, b"\x80theora" + b"\x00" * 40) + b"\x00" * 200, "could not be read as audio"),  # Ogg video
    (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 300, "could not be read as audio"),  # a tag, no sound
    (m4a(4 * 3600), "lasts 240 minutes"),
    (b"RIFF\x00\x00\x00\x00WAVE", "could not be read as audio")])
def test_damaged_video_or_too_long_is_refused(app, data, message):
    with app.test_request_context(), force_locale("en"), pytest.raises(DomainError) as refused:
        check_audio(data, "son")
    assert message in refused.value.message
