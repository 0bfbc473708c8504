"""Every form is fed hostile values (hypothesis): no 500, nothing saved half-way, no template evaluated, no
script tag echoed unescaped. Forms are found from app.url_map: each POST route's own page is fetched as an
admin with the access matrix's sample objects, and its form's fields are filled from the strategies below.
Routes that only take a POST (buttons on other pages) get hostile fields of made-up names.
"""
import os
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpms.extensions import db as _db
from tests.conftest import csrf_token_from
from tests.helpers.access_matrix import _url, login_scoped, routes

# a product nobody types: if it shows up, a template evaluated what a user typed
TEMPLATE_PAYLOADS = ["{{ 123456789*9 }}", "{{123456789*9}}", "{% print(123456789*9) %}", "${123456789*9}",
                     "#{123456789*9}"]
EVALUATED = "1111111101"
SCRIPT = "<script>alert('cpms')</script>"
HOSTILE = st.one_of(
    st.sampled_from(TEMPLATE_PAYLOADS + [
        SCRIPT, '"><img src=x onerror=alert(1)>', "' OR 1=1 --", "=HYPERLINK(\"http://example.invalid\")",
        "x" * 5000, "", " ", "-1", "0", "3.5", "99999999999999999999999", "1e309", "NaN", "-inf",
        "2016-02-30", "0001-01-01", "9999-12-31", "31/12/2016", "\x00", "\u202e", "😀" * 40, "../../etc/passwd",
        "null", "[]", "{}", "true"]),
    st.text(max_size=200),
)
SKIP = {"auth.logout", "auth.login", "auth.two_factor_verify", "core.set_language"}
NOT_COUNTED = {"audit_entries", "api_tokens", "users", "scheduler_heartbeats"}
# few examples per run (each one posts every form); HYPOTHESIS_PROFILE=thorough for a long hunt
settings.register_profile("cpms-forms", max_examples=4, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                 HealthCheck.large_base_example, HealthCheck.data_too_large])
settings.register_profile("thorough", parent=settings.get_profile("cpms-forms"), max_examples=200, derandomize=False)
FORMS_PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "cpms-forms"))


class FormFields(HTMLParser):
    """The fields of the POST forms of a page: {action: [(name, kind, options)]}."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.current = self.forms.setdefault(attrs.get("action") or "", [])
        elif self.current is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            if attrs["name"] == "csrf_token":
                return
            kind = attrs.get("type", "text") if tag == "input" else tag
            self.current.append([attrs["name"], kind, [attrs.get("value")] if kind in ("checkbox", "radio", "hidden") else []])
            if tag == "select":
                self.select = self.current[-1]
        elif tag == "option" and self.select is not None:
            self.select[2].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def form_routes(app):
    return [rule for rule in routes(app)
            if "POST" in rule.methods and not rule.endpoint.startswith("api.") and rule.endpoint not in SKIP]


def table_counts():
    with _db.engine.connect() as connection:
        return {t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in _db.metadata.sorted_tables if t.name not in NOT_COUNTED}


def field_value(data, kind, options):
    if kind == "file":
        return None
    choices = [o for o in options if o is not None]
    if choices and data.draw(st.booleans()):
        return data.draw(st.sampled_from(choices))
    return data.draw(HOSTILE)


def check_answer(response, label):
    text = response.get_data(as_text=True)
    assert response.status_code < 500, f"{label}: {response.status_code}"
    assert EVALUATED not in text, f"{label}: a template evaluated user input"
    assert SCRIPT not in text, f"{label}: a script tag was echoed unescaped"


PARTS = 4  # the forms in four shares, so that pytest-xdist spreads them over its workers


@pytest.mark.parametrize("part", range(PARTS))
@FORMS_PROFILE
@given(data=st.data())
def test_every_form_survives_hostile_values(app, db, web, client, make_user, sample_ids, part, data):
    if not client.get_cookie("session") or client.get("/account").status_code != 200:
        login_scoped(app, web, make_user, "admin", [])
    for rule in form_routes(app)[part::PARTS]:
        url = _url(app, rule, sample_ids)
        fields = []
        token = None
        if "GET" in rule.methods:
            page = client.get(url)
            if page.status_code == 200 and page.mimetype == "text/html":
                html = page.get_data(as_text=True)
                parser = FormFields()
                parser.feed(html)
                fields = parser.forms.get("", []) + parser.forms.get(url, [])
                token = csrf_token_from(html) if 'name="csrf_token"' in html else None
        if not fields:
            fields = [[name, "text", []] for name in ("name", "date", "status", "amount", "notes")]
        form = {}
        for name, kind, options in fields:
            value = field_value(data, kind, options)
            if value is not None:
                form.setdefault(name, []).append(value)
        form["csrf_token"] = token or web.token("/account")
        before = table_counts()
        response = client.post(url, data=form)
        check_answer(response, f"POST {rule.endpoint}")
        if response.status_code != 302:  # refused: nothing may have been saved
            assert table_counts() == before, f"POST {rule.endpoint} answered {response.status_code} but saved rows"
        elif response.headers["Location"].startswith("/") and "/login" not in response.headers["Location"]:
            check_answer(client.get(response.headers["Location"]), f"page after POST {rule.endpoint}")


@pytest.mark.parametrize("payload", [b"MZ\x90\x00 not an image", b"%PDF-1.4 fake", b"\x89PNG\r\n\x1a\n truncated"])
def test_upload_forms_refuse_files_of_the_wrong_type(app, db, web, client, make_user, sample_ids, payload):
    """Every form with a file field, given a file that is not what it claims: refused with a message, no 500."""
    import io
    login_scoped(app, web, make_user, "admin", [])
    tried = 0
    for rule in form_routes(app):
        if "GET" not in rule.methods:
            continue
        url = _url(app, rule, sample_ids)
        page = client.get(url)
        if page.status_code != 200 or 'type="file"' not in page.get_data(as_text=True):
            continue
        parser = FormFields()
        parser.feed(page.get_data(as_text=True))
        form = {name: (options[0] if options and options[0] else "1") for name, kind, options in parser.forms.get("", [])
                if kind != "file"}
        for name, kind, _options in parser.forms.get("", []):
            if kind == "file":
                form[name] = (io.BytesIO(payload), "photo.jpg")
        form["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
        before = table_counts()
        response = client.post(url, data=form, content_type="multipart/form-data")
        check_answer(response, f"upload to {rule.endpoint}")
        assert response.status_code != 302 and table_counts() == before, rule.endpoint
        tried += 1
    assert tried >= 2  # station photos, survey instruments and imports at least


def test_a_file_over_the_size_limit_is_refused_with_a_message(app, db, web, client, make_user, sample_ids):
    import io
    login_scoped(app, web, make_user, "admin", [])
    # a small limit, so that the test request stays in memory (werkzeug spools bodies over 500 KB to a file)
    app.config["MAX_CONTENT_LENGTH"], saved = 100 * 1024, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = client.post("/surveys/instruments/new", data={
            "csrf_token": web.token("/surveys/instruments/new"),
            "file": (io.BytesIO(b"x" * (200 * 1024)), "form.xlsx")}, content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


def test_template_syntax_in_a_name_is_shown_as_typed(app, db, web, client, make_user, make_trainee):
    trainee = make_trainee(last_name="{{ 123456789*9 }}")
    login_scoped(app, web, make_user, "project_officer", ["Kasaï-Oriental"])
    page = client.get(f"/training/trainees/{trainee.id}").get_data(as_text=True)
    assert "{{ 123456789*9 }}".upper() in page and EVALUATED not in page


def test_text_longer_than_its_column_is_refused_before_the_database_sees_it(app, db, make_trainee, ranks):
    from cpms.core.errors import DomainError
    from cpms.training import service
    from tests.conftest import commune_id, english
    with english(app):
        with pytest.raises(DomainError) as refused:
            service.create_trainee(matricule="1-234", last_name="K" * 81, first_name="", post_name="", sex="M",
                                   commune_id=commune_id("Bipemba"))
    _db.session.rollback()
    assert refused.value.field == "last_name" and "at most 80 characters" in refused.value.message


def test_a_nul_character_is_a_bad_request(app, db, web, client, make_user):
    login_scoped(app, web, make_user, "project_officer", ["Kasaï-Oriental"])
    assert client.get("/training/trainees?q=a%00b").status_code == 400
    response = client.post("/training/trainees/new", data={"csrf_token": web.token("/training/trainees/new"),
                                                            "last_name": "a\x00b"})
    assert response.status_code == 400
    assert client.get("/training/trainees?q=ab").status_code == 200
