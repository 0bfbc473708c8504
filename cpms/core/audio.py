"""Audio files sent as evidence or material (MP3, Ogg/Opus or Vorbis, M4A, WAV): recognised by their bytes, never
by their name or the browser's content type, and bounded.

The caller reads at most MAX_UPLOAD_MB (cpms.core.images.limit_bytes) and hands the bytes here. The
duration is read from the container's headers when it can be (WAV's byte rate, Ogg's last granule position, MP4's
movie header, a constant-bitrate MP3's first frame) and refused beyond MAX_AUDIO_MINUTES; nothing is decoded.
Every scan is bounded by the size of the file, already capped. Files are kept as sent (audio carries no GPS).

`send_media` serves a stored file (after the view's access checks) with HTTP conditional and range requests: a
phone's player asks for `Range: bytes=…` and cannot seek, or on some browsers play, without `206 Partial Content`
and `Accept-Ranges: bytes`.
"""
import os
from dataclasses import dataclass

from flask import abort, send_file
from flask_babel import gettext as _

from cpms.core.errors import DomainError

MAX_AUDIO_MINUTES = 180
MIN_AUDIO_BYTES = 128
MAX_WAV_CHUNKS = 64
M4A_BRANDS = (b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"dash")
MP3_BITRATES = {  # kbit/s by bitrate index, Layer III, for MPEG-1 and for MPEG-2/2.5
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
EXTENSIONS = {"audio/mpeg": ".mp3", "audio/ogg": ".ogg", "audio/mp4": ".m4a", "audio/wav": ".wav"}


@dataclass(frozen=True)
class Audio:
    content_type: str
    extension: str
    seconds: float | None  # None when the headers do not say


def _mp3_frame_at(data, offset):
    """True when a plausible MPEG audio frame header starts at `offset`."""
    if offset + 4 > len(data):
        return False
    b1, b2 = data[offset + 1], data[offset + 2]
    return (data[offset] == 0xFF and (b1 & 0xE0) == 0xE0 and (b1 >> 3) & 3 != 1 and (b1 >> 1) & 3 != 0
            and (b2 >> 4) != 0xF and (b2 >> 2) & 3 != 3)


def _id3_end(data):
    """Where the frames start after an ID3v2 tag (its size is 'synchsafe': 7 bits a byte)."""
    if not data.startswith(b"ID3") or len(data) < 10:
        return 0
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | (byte & 0x7F)
    return 10 + size + (10 if data[5] & 0x10 else 0)


def sniff_audio(head):
    """The content type of an audio file from its first 12 bytes, or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    if head.startswith(b"ID3") or _mp3_frame_at(head, 0):
        return "audio/mpeg"
    return None


def _wav_seconds(data):
    offset, byte_rate, data_size = 12, None, None
    for _chunk in range(MAX_WAV_CHUNKS):
        if offset + 8 > len(data):
            break
        chunk_id, size = data[offset:offset + 4], int.from_bytes(data[offset + 4:offset + 8], "little")
        if chunk_id == b"fmt " and size >= 16 and offset + 20 <= len(data):
            byte_rate = int.from_bytes(data[offset + 16:offset + 20], "little")
        elif chunk_id == b"data":
            data_size = min(size, len(data) - offset - 8)
            break
        offset += 8 + size + (size & 1)
    if not byte_rate or data_size is None:
        return None
    return data_size / byte_rate


def _ogg_seconds(data):
    first_page = data[:512]
    if b"OpusHead" in first_page:
        rate = 48_000
    elif (start := first_page.find(b"\x01vorbis")) >= 0 and start + 16 <= len(first_page):
        rate = int.from_bytes(first_page[start + 12:start + 16], "little")
    else:
        raise ValueError("an Ogg file without Opus or Vorbis audio (a video, or damaged)")
    last = data.rfind(b"OggS", max(0, len(data) - 65_536))
    if last < 0 or last + 14 > len(data) or not rate:
        return None
    granule = int.from_bytes(data[last + 6:last + 14], "little")
    return None if granule >= 2 ** 63 else granule / rate


def _mp4_seconds(data):
    if data[8:12] not in M4A_BRANDS:
        raise ValueError("an MP4 brand that is not audio")
    if _has_video_track(data):
        raise ValueError("an MP4 video")
    at = data.find(b"mvhd")
    if at < 0:
        return None
    version, body = data[at + 4], at + 8
    if version == 1:
        timescale = int.from_bytes(data[body + 16:body + 20], "big")
        duration = int.from_bytes(data[body + 20:body + 28], "big")
    else:
        timescale = int.from_bytes(data[body + 8:body + 12], "big")
        duration = int.from_bytes(data[body + 12:body + 16], "big")
    return duration / timescale if timescale else None


def _has_video_track(data):
    """A handler box ("hdlr") of type "vide" marks a video track."""
    at = data.find(b"hdlr")
    while at >= 0:
        if data[at + 12:at + 16] == b"vide":
            return True
        at = data.find(b"hdlr", at + 4)
    return False


def _mp3_seconds(data):
    start = _id3_end(data)
    for offset in range(start, min(start + 4096, len(data) - 4)):  # some encoders pad after the tag
        if _mp3_frame_at(data, offset):
            break
    else:
        raise ValueError("no MPEG audio frame")
    header = data[offset:offset + 4]
    if (header[1] >> 1) & 3 != 1 or any(tag in data[offset:offset + 200] for tag in (b"Xing", b"VBRI")):
        return None  # not Layer III, or a variable bitrate: the first frame does not tell the length
    kbps = MP3_BITRATES[(header[1] >> 3) & 3 == 3][header[2] >> 4]
    return (len(data) - offset) * 8 / (kbps * 1000) if kbps else None


READERS = {"audio/wav": _wav_seconds, "audio/ogg": _ogg_seconds, "audio/mp4": _mp4_seconds,
           "audio/mpeg": _mp3_seconds}


def check_audio(data, label):
    """The Audio of `data` (already within the size limit), or a DomainError saying what is wrong."""
    content_type = sniff_audio(data[:12])
    if content_type is None:
        raise DomainError(_("%(file)s is not an audio file (MP3, Ogg/Opus, M4A or WAV).", file=label), field="file")
    try:
        if len(data) < MIN_AUDIO_BYTES:
            raise ValueError("too short")
        seconds = READERS[content_type](data)
    except (ValueError, IndexError):
        raise DomainError(_("%(file)s could not be read as audio: it is damaged, incomplete or a video. Send an "
                            "MP3, Ogg/Opus, M4A or WAV sound file.", file=label), field="file") from None
    if seconds is not None and seconds > MAX_AUDIO_MINUTES * 60:
        raise DomainError(_("%(file)s lasts %(minutes)d minutes: audio files are limited to %(max)d minutes. "
                            "Send an extract.", file=label, minutes=round(seconds / 60), max=MAX_AUDIO_MINUTES),
                          field="file")
    return Audio(content_type, EXTENSIONS[content_type], seconds)


def send_media(path, mimetype, download_name, inline=True):
    """The stored file at `path` (a name from the database, never from the request) as a response that answers
    range and conditional requests (206, 304, 416; Accept-Ranges, ETag, Last-Modified), shown in the page
    (`inline`) or downloaded. 404 when the file is missing. Call it only after the access checks."""
    if not os.path.isfile(path):
        abort(404)
    return send_file(path, mimetype=mimetype, conditional=True, etag=True, max_age=None,
                     download_name=download_name, as_attachment=not inline)
