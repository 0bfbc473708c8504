"""The new-user form pre-selects no role: the administrator must choose one (issue 17, observation 9)."""
import re

from sqlalchemy import func, select

from cpms.auth.models import User
from cpms.extensions import db as _db


def test_new_user_form_selects_no_role(web, login_as):
    login_as("admin")
    page = web.get("/users/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="role".*?</select>', page, re.S).group(0)
    selected = re.findall(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
                          select_html)
    assert [a or b for a, b in selected] in ([], [""])
    assert 'value="admin" selected' not in select_html
    # what a browser shows without a selected option: the first one, which must be "choose a role"
    assert re.search(r'<option[^>]*value="([^"]*)"', select_html).group(1) == ""


def test_new_user_without_role_is_refused(web, login_as):
    login_as("admin")
    before = _db.session.scalar(select(func.count()).select_from(User))
    response = web.post("/users/new", {"name": "Kabongo Ilunga", "email": "kabongo@example.org", "role": "",
                                       "locale": "fr", "password": "Kasai-trainer-pass-1", "is_active": "y"})
    assert response.status_code == 422
    assert "Choose the person" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(User)) == before
