"""Pages stay within the field budget: at most 60 KB and 4 requests (the page and its own assets)."""
import re

PAGES = ["/", "/users", "/programmes/", "/geography/", "/audit", "/account", "/users/new"]


def test_main_pages_fit_the_budget(client, login_as, make_programme):
    login_as("admin")
    make_programme()
    for url in PAGES:
        html = client.get(url).get_data()
        assets = set(re.findall(rb'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"', html))
        total = len(html)
        for asset in assets:
            with client.get(asset.decode()) as response:
                assert response.status_code == 200
                total += len(response.get_data())
        # uncompressed sizes: an upper bound of what gzip would transfer
        assert total <= 60 * 1024, (url, total)
        assert 1 + len(assets) <= 4, (url, assets)
        assert b'rel="icon" href="data:,"' in html  # no extra favicon request
