"""Evidence of outreach activities: attendance sheets (PDF or photo), photos and materials, checked like station
photos, stored without metadata under the instance folder, served only to those who may read the names."""
import io
import os

from PIL import Image
from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.outreach.models import OutreachEvidence
from tests.helpers.images import gps_exif, image_bytes
from tests.helpers.pdf import pdf_pages, rewritten, scanned_pdf, script_link

PDF = scanned_pdf(2)  # an attendance sheet of two pages, as a scanner writes it


def outreach_files(app):
    folder = os.path.join(app.config["UPLOAD_DIR"], "outreach")
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def send(web, activity, name, content, kind="attendance_sheet"):
    from werkzeug.test import stream_encode_multipart

    from tests.helpers.images import upload
    url = f"/outreach/{activity.id}"
    data = {"csrf_token": web.token(url), "kind": kind, "file": upload(content, name)}
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return web.client.post(f"{url}/evidence", input_stream=stream, content_length=length,
                           content_type=f"multipart/form-data; boundary={boundary}")


def fetch(web, url, **kwargs):
    """A served file, read and closed (files are streamed: the test client would leave them open)."""
    return web.get(url, buffered=True, **kwargs)


def evidence_count():
    return _db.session.scalar(select(func.count()).select_from(OutreachEvidence))


def test_attendance_sheet_and_photo_are_kept_and_served(app, web, login_as, make_activity):
    activity = make_activity()
    login_as("project_officer", "Kasaï-Oriental")
    before = outreach_files(app)
    assert send(web, activity, "feuille.pdf", PDF).status_code == 302
    assert send(web, activity, "IMG_1.JPG", image_bytes(size=(3000, 2000), exif=gps_exif()), "photo").status_code == 302
    rows = _db.session.scalars(select(OutreachEvidence).order_by(OutreachEvidence.id)).all()
    assert [(r.kind, r.content_type) for r in rows] == [("attendance_sheet", "application/pdf"), ("photo", "image/jpeg")]
    assert len(outreach_files(app) - before) == 3  # the PDF, the photo and its thumbnail

    page = web.get(f"/outreach/{activity.id}").get_data(as_text=True)
    assert "Attendance sheet" in page and "PDF, " in page
    pdf = fetch(web, f"/outreach/{activity.id}/evidence/{rows[0].id}")
    assert pdf.data.startswith(b"%PDF-") and pdf_pages(pdf.data) == 2  # its pages, written again
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    photo = fetch(web, f"/outreach/{activity.id}/evidence/{rows[1].id}")
    stored = Image.open(io.BytesIO(photo.data))
    assert max(stored.size) == 2560 and not stored.getexif()  # scaled down, no GPS or camera left

    assert web.post(f"/outreach/{activity.id}/evidence/{rows[0].id}/remove", {}).status_code == 302
    assert evidence_count() == 1 and rows[0].stored_name not in outreach_files(app)


def test_what_is_not_a_sound_pdf_or_picture_is_refused_and_nothing_kept(app, web, login_as, make_activity):
    activity = make_activity()
    login_as("project_officer", "Kasaï-Oriental")
    before = outreach_files(app)
    response = send(web, activity, "chanson.mp3", b"ID3\x03\x00" + b"\x00" * 100, "material")
    assert response.status_code == 422 and "chanson.mp3 could not be read as audio" in response.get_data(as_text=True)
    response = send(web, activity, "chanson.mp3", "Paroles de la chanson".encode(), "material")
    assert response.status_code == 422
    assert "chanson.mp3 is neither a PDF, a JPEG or PNG picture nor an audio file" in response.get_data(as_text=True)
    response = send(web, activity, "coupe.pdf", PDF[:20])
    assert response.status_code == 422 and "could not be read as a PDF" in response.get_data(as_text=True)
    response = send(web, activity, "feuille.pdf", rewritten(PDF, script_link))
    assert response.status_code == 422
    assert "feuille.pdf holds scripts, automatic actions or attached files" in response.get_data(as_text=True)
    bomb = io.BytesIO()
    Image.new("1", (8000, 7000)).save(bomb, "PNG")  # 56 megapixels in a few kB
    response = send(web, activity, "bombe.png", bomb.getvalue(), "photo")
    assert response.status_code == 422 and "too many pixels" in response.get_data(as_text=True)
    assert evidence_count() == 0 and outreach_files(app) == before


def wav_bytes(seconds=1.0, rate=8000):
    import wave
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(1)
        sound.setframerate(rate)
        sound.writeframes(b"\x80" * int(rate * seconds))
    return out.getvalue()


def test_an_audio_material_is_kept_and_played_in_the_page(app, web, login_as, make_activity):
    activity = make_activity()
    login_as("project_officer", "Kasaï-Oriental")
    sound = wav_bytes(2)
    assert send(web, activity, "emission.wav", sound, "material").status_code == 302
    evidence = _db.session.scalar(select(OutreachEvidence))
    assert (evidence.content_type, evidence.size_bytes, evidence.thumbnail_name) == ("audio/wav", len(sound), None)
    page = web.get(f"/outreach/{activity.id}").get_data(as_text=True)
    assert f'<audio controls preload="none" src="/outreach/{activity.id}/evidence/{evidence.id}">' in page
    served = fetch(web, f"/outreach/{activity.id}/evidence/{evidence.id}")
    assert served.data == sound and served.mimetype == "audio/wav"
    assert served.headers["Content-Disposition"].startswith("inline")
    assert "media-src 'self'" in served.headers["Content-Security-Policy"]
    assert served.headers["Accept-Ranges"] == "bytes"


def test_a_phone_seeks_in_an_audio_material_with_range_requests(app, web, login_as, make_activity):
    """A phone's player asks for part of the file (Range) and must get 206 with just those bytes, to seek or play;
    a range past the end is refused (416); the access checks still apply to partial requests."""
    activity = make_activity()
    login_as("project_officer", "Kasaï-Oriental")
    sound = wav_bytes(2)
    assert send(web, activity, "emission.wav", sound, "material").status_code == 302
    url = f"/outreach/{activity.id}/evidence/{_db.session.scalar(select(OutreachEvidence.id))}"
    part = fetch(web, url, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.data == sound[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(sound)}" and part.mimetype == "audio/wav"
    tail = fetch(web, url, headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.data == sound[-100:]
    assert fetch(web, url, headers={"Range": f"bytes={len(sound) + 10}-"}).status_code == 416
    whole = fetch(web, url)
    assert whole.status_code == 200 and whole.data == sound
    assert fetch(web, url, headers={"If-None-Match": whole.headers["ETag"]}).status_code == 304
    web.post("/logout", page="/account")
    login_as("viewer", "Kasaï-Oriental")
    assert fetch(web, url, headers={"Range": "bytes=0-99"}).status_code == 403
    web.post("/logout", page="/account")
    login_as("project_officer", "Haut-Katanga")
    assert fetch(web, url, headers={"Range": "bytes=0-99"}).status_code == 404


def test_an_audio_file_too_long_is_refused(app, web, login_as, make_activity):
    activity = make_activity()
    login_as("project_officer", "Kasaï-Oriental")
    before = outreach_files(app)
    riff = bytearray(wav_bytes(1.5))  # 12,000 bytes of sound…
    riff[28:32] = (1).to_bytes(4, "little")  # …at a byte a second: 200 minutes
    response = send(web, activity, "longue.wav", bytes(riff), "material")
    assert response.status_code == 422 and "longue.wav lasts" in response.get_data(as_text=True)
    assert evidence_count() == 0 and outreach_files(app) == before


def test_viewers_see_the_reach_but_not_names_or_evidence(app, web, login_as, make_activity):
    from cpms.outreach import service
    from tests.helpers.images import upload
    activity = make_activity()
    service.add_civilian(activity, name="Mama Bahati", organisation="", category="womens_group", sex="F")
    evidence = service.add_evidence(None, activity, kind="photo", upload=upload(image_bytes()))
    _db.session.commit()
    login_as("viewer", "Kasaï-Oriental")
    page = web.get(f"/outreach/{activity.id}").get_data(as_text=True)
    assert "Atelier de confiance" in page and "1 women and 0 men" in page
    assert "group</td><td class=\"num\">1</td><td class=\"num\">0</td>" in page  # women's group: 1 woman
    assert "Mama Bahati" not in page and "/evidence/" not in page and "shown to project and M&E officers only" in page
    assert fetch(web, f"/outreach/{activity.id}/evidence/{evidence.id}").status_code == 403
    web.post("/logout", page="/account")
    login_as("me_officer", "Kasaï-Oriental")
    assert fetch(web, f"/outreach/{activity.id}/evidence/{evidence.id}/thumbnail").status_code == 200
    web.post("/logout", page="/account")
    login_as("me_officer", "Haut-Katanga")
    assert fetch(web, f"/outreach/{activity.id}/evidence/{evidence.id}").status_code == 404


def test_retention_anonymises_names_and_deletes_attendance_sheets(app, make_activity, make_trainee):
    from datetime import datetime, timezone

    import time_machine

    from cpms.outreach import service
    from cpms.outreach.models import OutreachParticipant
    from cpms.privacy.service.retention import apply_retention
    from tests.helpers.images import upload
    activity = make_activity()  # 3–7 October 2016
    service.add_civilian(activity, name="Mama Bahati", organisation="Femmes de Masisi", category="womens_group",
                         sex="F")
    sheet = service.add_evidence(None, activity, kind="attendance_sheet", upload=upload(PDF, "feuille.pdf"))
    service.add_evidence(None, activity, kind="photo", upload=upload(image_bytes()))
    _db.session.commit()
    assert sheet.stored_name in outreach_files(app)
    with time_machine.travel(datetime(2021, 10, 8, tzinfo=timezone.utc)):  # five years and a day after the last day
        done = apply_retention()
        _db.session.commit()
    assert done["outreach_participant"] == 2  # the name and the attendance sheet
    participant = _db.session.scalar(select(OutreachParticipant))
    assert participant.name != "Mama Bahati" and participant.sex == "F" and participant.category == "womens_group"
    assert [e.kind for e in _db.session.scalars(select(OutreachEvidence))] == ["photo"]
    assert sheet.stored_name not in outreach_files(app)


def test_a_file_over_the_limit_is_refused_by_name(app, web, login_as, make_activity, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)  # as the app sets it from MAX_UPLOAD_MB
    activity = make_activity()
    login_as("project_officer", "Kasaï-Oriental")
    big = PDF + b"0" * (1024 * 1024)  # just over 1 MB: the form's room lets the file's check answer
    response = send(web, activity, "gros.pdf", big)
    assert response.status_code == 422 and "gros.pdf is larger than the 1 MB limit" in response.get_data(as_text=True)
    assert evidence_count() == 0
