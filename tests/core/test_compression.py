"""Responses are compressed for slow links; static files carry their digest and are cached for a year."""
import gzip
import re


def test_pages_are_compressed_when_the_browser_accepts_it(client, login_as):
    login_as("admin")
    plain = client.get("/")
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    def without_tokens(page):  # each answer carries a fresh CSRF token (signed with the time)
        return re.sub(rb'name="csrf_token" (type="hidden" )?value="[^"]*"', b"", page)
    assert without_tokens(gzip.decompress(packed.data)) == without_tokens(plain.data)
    assert len(packed.data) < len(plain.data) / 2
    assert packed.headers["Cache-Control"] == "no-store"  # still never cached: personal data


def test_static_files_are_versioned_and_cached_for_a_year(client):
    html = client.get("/login").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert urls and all(re.search(r"\?v=[0-9a-f]{10}$", url) for url in urls)
    with client.get(urls[0]) as response:
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]


def test_static_files_are_compressed_too(client):
    from pathlib import Path
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_bytes()
    with client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.data) == css
