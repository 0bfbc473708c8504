"""A progress report filled offline on a phone (static/js/offline-form.js) and sent when the connection returns,
perhaps twice (the answer lost on a bad link): one report, one set of photos."""
import json
import re
from html import unescape

from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.stations.models import Photo, ProgressReport
from tests.helpers.images import image_bytes, upload


def post_draft(web, project, key, files):
    from werkzeug.test import stream_encode_multipart
    url = f"/construction/{project.id}/reports/new"
    data = {"report_date": "2016-06-01", "physical_progress": "40", "narrative": "Walls at two metres.",
            "problems": "", "offline_key": key, "csrf_token": web.token(url),
            "photos": [upload(content, name) for name, content in files]}
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return web.client.post(url, input_stream=stream, content_length=length, headers={"X-CPMS-Draft": "1"},
                           content_type=f"multipart/form-data; boundary={boundary}")


def counts():
    return (_db.session.scalar(select(func.count()).select_from(ProgressReport)),
            _db.session.scalar(select(func.count()).select_from(Photo)))


def test_a_report_sent_twice_from_a_device_is_saved_once(web, login_as, make_project):
    project = make_project()
    login_as("project_officer", "Kasaï-Oriental")
    html = web.get(f"/construction/{project.id}/reports/new").get_data(as_text=True)
    assert "data-offline-form" in html and 'name="offline_key"' in html
    kept = json.loads(unescape(re.search(r'data-keep="([^"]*)"', html).group(1)))
    assert kept == [f"/construction/{project.id}/reports/new"]  # the user's open projects' report forms
    photo = [("site.jpg", image_bytes(size=(40, 30)))]
    first = post_draft(web, project, "0123456789abcdef0123456789abcdef", photo)
    assert first.status_code == 201, first.get_data(as_text=True)[:2000]
    assert first.get_json() == {"location": f"/construction/{project.id}"}
    assert counts() == (1, 1)
    again = post_draft(web, project, "0123456789abcdef0123456789abcdef", photo)
    assert again.status_code == 201
    assert counts() == (1, 1)
    page = web.get(f"/construction/{project.id}").get_data(as_text=True)
    assert "This progress report was already saved from this device." in page
    another = post_draft(web, project, "fedcba9876543210fedcba9876543210", [])  # another draft: another report
    assert another.status_code == 201
    assert counts() == (2, 1)
