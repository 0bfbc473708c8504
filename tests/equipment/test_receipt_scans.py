"""The signed receipt's scan as a PDF: recognised by its bytes, bounded in size and pages, refused when it holds
scripts or attached files, kept as its pages written again, and served as a download in the area only."""

import pytest
from sqlalchemy import func, select
from werkzeug.test import stream_encode_multipart

from cpms.equipment.models import EquipmentPhoto
from cpms.extensions import db as _db
from tests.helpers.images import image_bytes, stored_files, upload
from tests.helpers.pdf import pdf_pages, rewritten, scanned_pdf, script_link


def send(web, page_url, action_url, fields):
    data = {"csrf_token": web.token(page_url), **fields}
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return web.client.post(action_url, input_stream=stream, content_length=length,
                           content_type=f"multipart/form-data; boundary={boundary}")


def receipt(data, name="recu_signe.pdf"):
    return {"kind": "signed_receipt", "photo": upload(data, name, "application/pdf")}


def photo_count():
    return _db.session.scalar(select(func.count()).select_from(EquipmentPhoto))


def test_a_scanned_pdf_is_kept_as_its_pages_and_downloaded_in_the_area_only(app, web, login_as, make_delivery):
    delivery = make_delivery()
    officer = login_as("project_officer", "Kasaï-Oriental")
    page_url = f"/equipment/deliveries/{delivery.id}"
    before = stored_files(app, "equipment")
    # bytes after the end of the file (here a script for a browser that would sniff it) do not survive
    response = send(web, page_url, f"{page_url}/photos", receipt(scanned_pdf() + b"\n<script>alert(1)</script>\n"))
    assert response.status_code == 302
    photo = _db.session.scalar(select(EquipmentPhoto))
    assert (photo.content_type, photo.page_count, photo.thumbnail_name, photo.uploaded_by_id) == (
        "application/pdf", 2, None, officer.id)
    assert stored_files(app, "equipment") - before == {photo.stored_name}
    assert "PDF scan: 2 pages" in web.get(page_url).get_data(as_text=True)

    served = web.get(f"/equipment/photos/{photo.id}")
    assert served.status_code == 200 and served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"] == f'attachment; filename="equipment-receipt-scan-{photo.id}.pdf"'
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert pdf_pages(served.data) == 2 and b"<script>" not in served.data
    assert web.get(f"/equipment/photos/{photo.id}/thumbnail").status_code == 404

    web.post("/logout", page="/account")
    login_as("project_officer", "Haut-Katanga")
    assert web.get(f"/equipment/photos/{photo.id}").status_code == 404
    web.post("/logout", page="/account")
    login_as("project_officer", "Kasaï-Oriental")
    assert web.post(f"/equipment/photos/{photo.id}/remove", {}).status_code == 302
    assert photo_count() == 0 and stored_files(app, "equipment") == before


@pytest.mark.parametrize("name, data, message", [
    ("recu.pdf", b"<html><body>Re\xc3\xa7u</body></html>", "recu.pdf is not a PDF, JPEG or PNG file"),
    ("recu.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF",
     "could not be read as a PDF"),
    ("recu.pdf", "javascript", "holds scripts, automatic actions or attached files"),
    ("recu.pdf", "attachment", "holds scripts, automatic actions or attached files"),
    ("recu.pdf", "encrypted", "protected by a password"),
    ("recu.pdf", "many pages", "has 21 pages"),
    ("recu.pdf", "oversized", "larger than the 1 MB limit"),
])
def test_what_is_not_a_sound_scan_is_refused_and_nothing_kept(app, web, login_as, make_delivery, name, data,
                                                              message, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)  # restored afterwards: the app is shared by later tests
    made = {"javascript": lambda: rewritten(scanned_pdf(), script_link),
            "attachment": lambda: rewritten(scanned_pdf(), lambda w: w.add_attachment("liste.exe", b"MZ\x90\x00")),
            "encrypted": lambda: rewritten(scanned_pdf(), lambda w: w.encrypt("secret")),
            "many pages": lambda: scanned_pdf(pages=21),
            "oversized": lambda: scanned_pdf(pages=1) + b"%" + b"0" * (1024 * 1024)}
    data = made[data]() if isinstance(data, str) else data
    delivery = make_delivery()
    login_as("project_officer", "Kasaï-Oriental")
    page_url = f"/equipment/deliveries/{delivery.id}"
    before = stored_files(app, "equipment")
    response = send(web, page_url, f"{page_url}/photos", receipt(data, name))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert photo_count() == 0 and stored_files(app, "equipment") == before


def test_a_pdf_is_a_receipt_only_and_a_picture_named_pdf_is_a_picture(app, web, login_as, make_delivery):
    delivery = make_delivery()
    login_as("project_officer", "Kasaï-Oriental")
    page_url = f"/equipment/deliveries/{delivery.id}"
    response = send(web, page_url, f"{page_url}/photos",
                    {"kind": "photo", "photo": upload(scanned_pdf(), "radios.pdf", "application/pdf")})
    assert response.status_code == 422 and "radios.pdf is not a JPEG or PNG photo" in response.get_data(as_text=True)
    # recognised by its bytes, not its name: a JPEG called .pdf is kept as a JPEG
    assert send(web, page_url, f"{page_url}/photos", receipt(image_bytes(), "recu.pdf")).status_code == 302
    assert _db.session.scalar(select(EquipmentPhoto.content_type)) == "image/jpeg"
