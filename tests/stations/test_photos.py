"""Site photos: checked by content, limited in size, stripped of metadata, stored with random names under the
instance folder, thumbnailed, and served only to users allowed to see the project."""
import io
import os
import re
from datetime import date

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.stations.models import Photo, ProgressReport
from tests.conftest import english
from tests.helpers.images import count_decodes, gps_exif, image_bytes, png_bomb, stored_files, upload


def report_form(**overrides):
    data = {"report_date": "2016-06-01", "physical_progress": "40", "narrative": "Walls at two metres.",
            "problems": ""}
    data.update(overrides)
    return data


def post_report(web, project, files, **overrides):
    """Post the report form as multipart, encoded in memory: the test client would spool a large body to a
    temporary file that it never closes (a ResourceWarning, hence an error here)."""
    from werkzeug.test import stream_encode_multipart
    url = f"/construction/{project.id}/reports/new"
    data = report_form(**overrides)
    data["csrf_token"] = web.token(url)
    data["photos"] = [upload(content, name) for name, content in files]
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return web.client.post(url, input_stream=stream, content_length=length,
                           content_type=f"multipart/form-data; boundary={boundary}")


def saved_counts():
    return (_db.session.scalar(select(func.count()).select_from(ProgressReport)),
            _db.session.scalar(select(func.count()).select_from(Photo)))


def test_a_report_with_photos_is_stored_stripped_and_thumbnailed(app, web, client, login_as, make_project):
    project = make_project()
    login_as("project_officer", "Kasaï-Oriental")
    before = stored_files(app)
    big = image_bytes(size=(3000, 2000), exif=gps_exif())
    png = image_bytes("PNG", size=(40, 30), pnginfo=None)
    response = post_report(web, project, [("IMG_0042.JPG", big), ("plan.png", png)])
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    photos = _db.session.scalars(select(Photo).order_by(Photo.id)).all()
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    assert (photos[0].width, photos[0].height) == (2560, 1707)  # scaled down to the longest edge
    assert photos[0].latitude is None and photos[0].longitude is None  # GPS not kept unless asked
    new_files = stored_files(app) - before
    assert len(new_files) == 4
    for photo in photos:
        assert re.fullmatch(r"[0-9a-f]{32}\.(jpg|png)", photo.stored_name)  # random, nothing from the upload
        assert {photo.stored_name, photo.thumbnail_name} <= new_files
    upload_dir = os.path.realpath(app.config["UPLOAD_DIR"])
    assert upload_dir.startswith(os.path.realpath(app.instance_path))

    served = client.get(f"/construction/photos/{photos[0].id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "no-store"
    image = Image.open(io.BytesIO(served.get_data()))
    assert len(image.getexif()) == 0 and b"Field Phone" not in served.get_data()
    thumb = Image.open(io.BytesIO(client.get(f"/construction/photos/{photos[0].id}/thumbnail").get_data()))
    assert max(thumb.size) == 320

    page = client.get(f"/construction/{project.id}").get_data(as_text=True)
    assert f"/construction/photos/{photos[1].id}/thumbnail" in page and "Walls at two metres." in page


def test_gps_is_kept_only_when_asked(app, web, login_as, make_project):
    project = make_project()
    login_as("project_officer", "Kasaï-Oriental")
    response = post_report(web, project, [("site.jpg", image_bytes(exif=gps_exif()))], keep_gps="y")
    assert response.status_code == 302
    photo = _db.session.scalar(select(Photo))
    assert (photo.latitude, photo.longitude) == (-6.125, 23.6)
    with open(os.path.join(app.config["UPLOAD_DIR"], "stations", photo.stored_name), "rb") as handle:
        assert len(Image.open(handle).getexif()) == 0  # the position is in the database, not in the file


@pytest.mark.parametrize(("name", "content", "message"), [
    ("photo.jpg", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,"
                  b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;", "is not a JPEG or PNG photo"),
    ("report.jpg", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "is not a JPEG or PNG photo"),
    ("bitmap.png", None, "is not a JPEG or PNG photo"),  # a BMP renamed .png (filled in below)
    ("broken.jpg", None, "is damaged or incomplete"),  # a truncated JPEG (filled in below)
    ("empty.jpg", b"", "is empty"),
])
def test_bad_photos_are_refused_with_a_clear_message_and_nothing_saved(app, web, login_as, make_project,
                                                                       name, content, message):
    if name == "bitmap.png":
        content = image_bytes("BMP")
    if name == "broken.jpg":
        content = image_bytes(size=(400, 300))[:600]
    project = make_project()
    login_as("project_officer", "Kasaï-Oriental")
    before = stored_files(app)
    response = post_report(web, project, [("good.jpg", image_bytes()), (name, content)])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert name in html and message in html
    assert saved_counts() == (0, 0) and stored_files(app) == before


def test_an_oversized_photo_is_refused_by_name_and_nothing_saved(app, web, login_as, make_project):
    project = make_project()
    login_as("project_officer", "Kasaï-Oriental")
    before = stored_files(app)
    limit = app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    padded = image_bytes() + b"\0" * limit  # a real JPEG, one limit too long
    response = post_report(web, project, [("huge.jpg", padded)])
    assert response.status_code == 422
    assert "huge.jpg is larger than the 10 MB limit" in response.get_data(as_text=True)
    assert saved_counts() == (0, 0) and stored_files(app) == before


def test_too_many_photos_are_refused(app, web, login_as, make_project):
    project = make_project()
    login_as("project_officer", "Kasaï-Oriental")
    response = post_report(web, project, [(f"p{n}.jpg", image_bytes()) for n in range(7)])
    assert response.status_code == 422 and "at most 6 photos" in response.get_data(as_text=True)
    assert saved_counts() == (0, 0)


def test_six_small_png_of_49_megapixels_are_refused_undecoded_and_nothing_is_saved(app, web, login_as, make_project,
                                                                                  monkeypatch):
    """Issue 21, finding 7: six 190 KB PNGs of 7000 × 7000 pixels in one report peaked at 959 MB."""
    project = make_project()
    login_as("project_officer", "Kasaï-Oriental")
    before = stored_files(app)
    decodes = count_decodes(monkeypatch)
    response = post_report(web, project, [(f"plan{n}.png", png_bomb()) for n in range(6)])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "plan0.png is too large to process (7000 × 7000 pixels): send a picture of at most 16 megapixels" in page
    assert decodes == [] and saved_counts() == (0, 0) and stored_files(app) == before


def test_decompression_bombs_are_refused(app, make_project):
    from cpms.core.errors import DomainError
    from cpms.core.images import prepare_photo
    buffer = io.BytesIO()
    Image.new("1", (8000, 7000)).save(buffer, "PNG")  # 56 megapixels in a few kB
    bomb = buffer.getvalue()
    with english(app), pytest.raises(DomainError) as caught:
        prepare_photo(upload(bomb, "bomb.png"))
    assert "too many pixels" in caught.value.message


def test_photos_are_served_only_to_users_who_may_see_the_project(app, web, client, login_as, make_photo, make_project,
                                                                 make_station):
    photo = make_photo()
    other = make_photo(project=make_project(station=make_station(commune="Kampemba")))
    urls = [f"/construction/photos/{photo.id}", f"/construction/photos/{photo.id}/thumbnail"]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: the login page
    login_as("viewer")
    assert all(client.get(url).status_code == 403 for url in urls)
    web.post("/logout", page="/account")
    login_as("trainer", "Kasaï-Oriental")
    assert all(client.get(url).status_code == 403 for url in urls)
    web.post("/logout", page="/account")
    login_as("me_officer", "Kasaï-Oriental")
    assert all(client.get(url).status_code == 200 for url in urls)
    assert client.get(f"/construction/photos/{other.id}").status_code == 404  # Haut-Katanga: outside the area
    assert client.get("/static/../instance/uploads").status_code == 404


def test_photo_files_live_outside_static(app, make_photo):
    photo = make_photo()
    static = os.path.realpath(app.static_folder)
    path = os.path.realpath(os.path.join(app.config["UPLOAD_DIR"], "stations", photo.stored_name))
    assert os.path.exists(path) and not path.startswith(static)
    assert photo.report_id and _db.session.get(ProgressReport, photo.report_id).report_date == date(2016, 6, 1)


def test_exif_orientation_is_applied_before_the_metadata_goes(app, make_project):
    from cpms.core.images import prepare_photo
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the phone was held upright: rotate 90°
    prepared = prepare_photo(upload(image_bytes(size=(80, 40), exif=exif)))
    assert (prepared.width, prepared.height) == (40, 80)
    assert len(Image.open(io.BytesIO(prepared.data)).getexif()) == 0


def test_photos_of_a_report_whose_commit_fails_are_removed(app, web, login_as, make_project, monkeypatch):
    """The request commits after the view has written the photos: when that commit fails, no file stays behind."""
    from werkzeug.test import stream_encode_multipart
    project = make_project()
    login_as("project_officer", "Kasaï-Oriental")
    before = stored_files(app)
    url = f"/construction/{project.id}/reports/new"
    data = {**report_form(), "csrf_token": web.token(url), "photos": [upload(image_bytes(), "site.jpg")]}
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)

    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(_db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        web.client.post(url, input_stream=stream, content_length=length,
                        content_type=f"multipart/form-data; boundary={boundary}")
    monkeypatch.undo()
    _db.session.rollback()
    assert saved_counts() == (0, 0) and stored_files(app) == before
