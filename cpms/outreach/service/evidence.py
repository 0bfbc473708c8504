"""Evidence of outreach activities: attendance sheets' scans, photos and materials, through the photos' safe upload path
(cpms/core/images.py).

A JPEG or PNG goes through the same checks as a site photo – recognised by its bytes, within MAX_UPLOAD_MB, the
pixel count and the decoding budget (CPMS_IMAGE_MAX_DECODE_MB) weighed before decoding, decoded completely – and
is stored re-encoded without metadata (no EXIF, no GPS: an attendance sheet's photo must not tell where it was
taken), scaled down, with a thumbnail. A PDF is checked and written again by cpms.core.scans (within MAX_UPLOAD_MB
and MAX_EVIDENCE_PDF_PAGES, not encrypted, nothing in it that can act or carry another file); it is served as a
download, never shown inline. An audio material (MP3, Ogg/Opus,
M4A, WAV) goes through cpms.core.audio (recognised by its bytes, within MAX_UPLOAD_MB and, when its headers say,
MAX_AUDIO_MINUTES) and is kept as sent, played in the page. Anything else is refused. Files live under UPLOAD_DIR/outreach/ with random names, never under static/.
"""
import os
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.core.audio import check_audio, sniff_audio
from cpms.core.errors import DomainError
from cpms.core.images import limit_bytes, prepare_photo
from cpms.core.scans import check_pdf
from cpms.extensions import db
from cpms.outreach.models import EVIDENCE_KINDS, OutreachEvidence

SUBFOLDER = "outreach"
MAX_EVIDENCE_PER_ACTIVITY = 30
MAX_EVIDENCE_PDF_PAGES = 200  # an attendance sheet is a few pages, a training booklet a few dozen


def evidence_dir():
    path = os.path.join(current_app.config["UPLOAD_DIR"], SUBFOLDER)
    os.makedirs(path, exist_ok=True)
    return path


def file_path(name):
    """Absolute path of a stored file; names come from the database, never from the request."""
    return os.path.join(evidence_dir(), os.path.basename(name))


def _write(data, extension):
    name = secrets.token_hex(16) + extension
    with open(file_path(name), "xb") as handle:  # "x": never overwrite
        handle.write(data)
    return name


def remove_files(names):
    for name in names:
        try:
            os.remove(file_path(name))
        except FileNotFoundError:
            pass


SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "image", b"\x89PNG\r\n\x1a\n": "image"}


def _sniff(stream):
    """"pdf", "image", "audio" or None from the file's first bytes (the name and the browser's content type are
    ignored)."""
    head = stream.read(12)
    stream.seek(0)
    kind = next((kind for signature, kind in SIGNATURES.items() if head.startswith(signature)), None)
    return kind or ("audio" if sniff_audio(head) else None)


def _read_whole(file_storage, label):
    data = file_storage.stream.read(limit_bytes() + 1)
    if len(data) > limit_bytes():
        raise DomainError(_("%(file)s is larger than the %(mb)d MB limit: send a smaller file.", file=label,
                            mb=current_app.config["MAX_UPLOAD_MB"]), field="file")
    return data


def _read_pdf(file_storage, label):
    return check_pdf(_read_whole(file_storage, label), label, field="file", max_pages=MAX_EVIDENCE_PDF_PAGES).data


def _stored_files(file_storage):
    """(stored name, thumbnail name or None, content type, size) of a checked upload, written to disk."""
    label = os.path.basename(file_storage.filename or "") or _("The file")
    kind = _sniff(file_storage.stream)
    if kind is None:
        raise DomainError(_("%(file)s is neither a PDF, a JPEG or PNG picture nor an audio file (MP3, Ogg/Opus, M4A, "
                            "WAV): only these are accepted.", file=label), field="file")
    if kind == "pdf":
        data = _read_pdf(file_storage, label)
        return _write(data, ".pdf"), None, "application/pdf", len(data)
    if kind == "audio":
        data = _read_whole(file_storage, label)
        audio = check_audio(data, label)
        return _write(data, audio.extension), None, audio.content_type, len(data)
    try:
        photo = prepare_photo(file_storage)
    except DomainError as error:  # the photo checks name their own form's field
        raise DomainError(error.message, field="file") from None
    stored = _write(photo.data, photo.extension)
    return stored, _write(photo.thumbnail, "-thumb.jpg"), photo.content_type, len(photo.data)


def add_evidence(actor, activity, *, kind, upload):
    """Check one uploaded file and keep it as evidence of the activity. Refused: no file, an unknown kind, more than
    MAX_EVIDENCE_PER_ACTIVITY files, a file that is not a sound JPEG, PNG, PDF or audio file or is too large. The files are
    written before the request commits: the caller removes them if it fails (evidence_files)."""
    if kind not in EVIDENCE_KINDS:
        raise DomainError(_("Choose what the file is."), field="kind")
    if upload is None or not getattr(upload, "filename", ""):
        raise DomainError(_("Choose a file to send."), field="file")
    held = db.session.scalar(select(func.count()).where(OutreachEvidence.activity_id == activity.id))
    if held >= MAX_EVIDENCE_PER_ACTIVITY:
        raise DomainError(_("An activity keeps at most %(max)d files; remove one first.",
                            max=MAX_EVIDENCE_PER_ACTIVITY), field="file")
    stored, thumbnail, content_type, size = _stored_files(upload)
    evidence = OutreachEvidence(activity_id=activity.id, kind=kind, stored_name=stored, thumbnail_name=thumbnail,
                                content_type=content_type, size_bytes=size, uploaded_by_id=getattr(actor, "id", None))
    db.session.add(evidence)
    db.session.flush()
    return evidence


def evidence_files(evidence):
    return [name for name in (evidence.stored_name, evidence.thumbnail_name) if name]


def activity_evidence(activity):
    return db.session.scalars(select(OutreachEvidence).where(OutreachEvidence.activity_id == activity.id)
                              .order_by(OutreachEvidence.kind, OutreachEvidence.id)).all()


def remove_evidence(evidence):
    """Delete the row; the files go once the request has committed (the caller removes evidence_files)."""
    db.session.delete(evidence)
    db.session.flush()
