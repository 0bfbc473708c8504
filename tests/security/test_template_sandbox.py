"""Issue 21, finding 2: the certificate template preview is bounded in output, loops, time and memory."""
import time

import pytest

from cpms.certificates.service.design import preview_pdf
from cpms.core.errors import DomainError
from tests.conftest import english


@pytest.mark.parametrize("html, expected", [
    ("{{ 'a' * 100000000 }}", "exceed 1000000 characters"),
    ("{{ range(10**8)|list|length }}", r"range\(\) is limited to 10000 items"),
    ("{{ 2 ** 100000000 }}", "exponent is too large"),
])
def test_huge_templates_are_refused_quickly_with_a_reason(app, db, html, expected):
    started = time.monotonic()
    with english(app), app.test_request_context(), pytest.raises(DomainError, match=expected) as refused:
        preview_pdf(f"<p>{html}</p>", "")
    assert refused.value.field == "html"
    assert time.monotonic() - started < 10


def test_a_slow_template_is_stopped_after_the_time_limit(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_TEMPLATE_SECONDS", 1)
    slow = "{% for a in range(9000) %}{% for b in range(9000) %}{% endfor %}{% endfor %}"
    started = time.monotonic()
    with english(app), app.test_request_context(), pytest.raises(DomainError, match="longer than 1 seconds"):
        preview_pdf(f"<p>{slow}</p>", "")
    assert time.monotonic() - started < 5


def test_a_greedy_template_is_stopped_at_the_memory_limit(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_TEMPLATE_MEMORY_MB", 64)
    greedy = "{% set ns = namespace(s=[]) %}{% for a in range(9000) %}{% set ns.s = ns.s + ['x' * 90000] %}{% endfor %}"
    with english(app), app.test_request_context(), pytest.raises(DomainError, match="more than 64 MB|could not"):
        preview_pdf(f"<p>{greedy}{{{{ ns.s|length }}}}</p>", "")


def test_an_ordinary_template_still_previews(app, db):
    with english(app), app.test_request_context():
        data, pages = preview_pdf("<h1>{{ holder_name }}</h1>", "")
    assert data.startswith(b"%PDF") and pages == 1
