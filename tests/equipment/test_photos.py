"""Photos of deliveries (the signed receipt's scan, the items handed over) and of condition checks: checked like
station photos, stored without metadata, no file left by a refused request."""
import io

from PIL import Image
from sqlalchemy import func, select
from werkzeug.test import stream_encode_multipart

from cpms.equipment import service
from cpms.equipment.models import EquipmentCheck, EquipmentPhoto
from cpms.extensions import db as _db
from tests.helpers.images import gps_exif, image_bytes, stored_files, upload


def send(web, page_url, action_url, fields):
    data = {"csrf_token": web.token(page_url), **fields}
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return web.client.post(action_url, input_stream=stream, content_length=length,
                           content_type=f"multipart/form-data; boundary={boundary}")


def photo_count():
    return _db.session.scalar(select(func.count()).select_from(EquipmentPhoto))


def test_the_signed_receipt_is_kept_without_metadata_and_served_in_the_area_only(app, web, login_as, make_delivery):
    delivery = make_delivery()
    login_as("project_officer", "Kasaï-Oriental")
    page_url = f"/equipment/deliveries/{delivery.id}"
    assert "No signed receipt or photo yet" in web.get(page_url).get_data(as_text=True)
    before = stored_files(app, "equipment")
    response = send(web, page_url, f"{page_url}/photos",
                    {"kind": "signed_receipt", "photo": upload(image_bytes(size=(3000, 2000), exif=gps_exif()),
                                                               "recu_signe.jpg")})
    assert response.status_code == 302
    assert len(stored_files(app, "equipment") - before) == 2  # the picture and its thumbnail
    photo = _db.session.scalar(select(EquipmentPhoto))
    page = web.get(page_url).get_data(as_text=True)
    assert "The signed receipt (scan or photo)" in page and f"/equipment/photos/{photo.id}/thumbnail" in page
    served = web.get(f"/equipment/photos/{photo.id}")
    stored = Image.open(io.BytesIO(served.data))
    assert served.mimetype == "image/jpeg" and max(stored.size) == 2560 and not stored.getexif()

    assert web.post(f"/equipment/photos/{photo.id}/remove", {}).status_code == 302
    assert photo_count() == 0 and photo.stored_name not in stored_files(app, "equipment")


def test_what_is_not_a_sound_picture_is_refused_and_nothing_kept(app, web, login_as, make_delivery):
    delivery = make_delivery()
    login_as("project_officer", "Kasaï-Oriental")
    page_url = f"/equipment/deliveries/{delivery.id}"
    before = stored_files(app, "equipment")
    response = send(web, page_url, f"{page_url}/photos", {"kind": "signed_receipt",
                                                          "photo": upload(b"%PDF-1.4 not a picture", "recu.jpg")})
    assert response.status_code == 422 and "recu.jpg" in response.get_data(as_text=True)
    bomb = io.BytesIO()
    Image.new("1", (8000, 7000)).save(bomb, "PNG")  # 56 megapixels in a few kB
    response = send(web, page_url, f"{page_url}/photos", {"kind": "photo", "photo": upload(bomb.getvalue(), "b.png")})
    assert response.status_code == 422 and "too many pixels" in response.get_data(as_text=True)
    assert photo_count() == 0 and stored_files(app, "equipment") == before


def test_a_check_keeps_its_photo_and_a_refused_check_leaves_no_file(app, web, login_as, make_delivery):
    delivery = make_delivery()
    item = service.delivery_items(delivery)[0]
    login_as("project_officer", "Kasaï-Oriental")
    page_url = f"/equipment/items/{item.id}"
    before = stored_files(app, "equipment")
    response = send(web, page_url, f"{page_url}/checks", {"checked_on": "2016-01-01", "condition": "damaged",
                                                          "note": "Antenne cassée",
                                                          "photo": upload(image_bytes(), "antenne.jpg")})
    assert response.status_code == 422 and "before the delivery day" in response.get_data(as_text=True)
    assert stored_files(app, "equipment") == before and photo_count() == 0
    response = send(web, page_url, f"{page_url}/checks", {"checked_on": "2017-06-01", "condition": "damaged",
                                                          "note": "Antenne cassée",
                                                          "photo": upload(image_bytes(), "antenne.jpg")})
    assert response.status_code == 302
    check_id = _db.session.scalar(select(EquipmentCheck.id))
    photo = _db.session.scalar(select(EquipmentPhoto))
    assert photo.check_id == check_id and photo.delivery_id is None
    assert f"/equipment/photos/{photo.id}/thumbnail" in web.get(page_url).get_data(as_text=True)
    assert web.get(f"/equipment/photos/{photo.id}/thumbnail").mimetype == "image/jpeg"


def test_photos_have_their_own_folder_and_those_kept_with_the_stations_are_still_found(app, web, login_as,
                                                                                      make_delivery):
    """New equipment photos go to UPLOAD_DIR/equipment/, not the stations' folder; a photo written there before
    equipment had its own folder is still served and, when removed, its files go."""
    import os

    delivery = make_delivery()
    new = service.add_photo(None, upload=upload(image_bytes()), delivery=delivery)
    old = service.add_photo(None, upload=upload(image_bytes(size=(50, 40))), delivery=delivery, kind="signed_receipt")
    _db.session.commit()
    names = {new.stored_name, new.thumbnail_name, old.stored_name, old.thumbnail_name}
    assert names <= stored_files(app, "equipment") and not names & stored_files(app, "stations")
    folder = app.config["UPLOAD_DIR"]
    os.makedirs(os.path.join(folder, "stations"), exist_ok=True)
    for name in (old.stored_name, old.thumbnail_name):  # as an earlier version stored it
        os.replace(os.path.join(folder, "equipment", name), os.path.join(folder, "stations", name))
    with open(os.path.join(folder, "stations", old.stored_name), "rb") as handle:
        kept = handle.read()
    login_as("project_officer", "Kasaï-Oriental")
    served = web.get(f"/equipment/photos/{old.id}")
    assert served.status_code == 200 and served.data == kept
    assert web.get(f"/equipment/photos/{old.id}/thumbnail").mimetype == "image/jpeg"
    assert web.get(f"/equipment/photos/{new.id}").status_code == 200
    assert web.post(f"/equipment/photos/{old.id}/remove", {}).status_code == 302
    assert not {old.stored_name, old.thumbnail_name} & (stored_files(app, "stations") | stored_files(app, "equipment"))
    assert new.stored_name in stored_files(app, "equipment")
