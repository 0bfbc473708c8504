"""Issue 23: a donor (viewer) lands on the programme's key results – each trend against its target line – with the
province map and the links to the reports, in English and in French, on a 375 px phone without sideways scrolling."""
from pathlib import Path

import pytest
from babel.numbers import format_decimal
from playwright.sync_api import expect

from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}
WORDS = {"en": {"title": "Programme results", "target": "Target", "against": "against a target of",
                "pdf": "PDF report"},
         "fr": {"title": "Résultats du programme", "target": "Cible", "against": "pour une cible de",
                "pdf": "Rapport PDF"}}


@pytest.fixture
def donor(db, make_pictures, make_user):
    data = make_pictures(make_user("me_officer"))
    ids = {"pi_id": data.pi.id, "programme_id": data.programme.id,
           "users": {locale: make_user("viewer", locale=locale).email for locale in WORDS}}
    _db.session.close()  # no transaction of the test thread stays open while the server works
    return ids


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_donor_lands_on_key_results_with_target_lines_and_the_map(live_server, browser, donor, locale):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", donor["users"][locale])
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{live_server}/")
    words = WORDS[locale]
    home = page.locator("#donor-home")
    expect(home.locator("h2").first).to_have_text(words["title"])
    expect(home.locator(".key-figures").first).to_contain_text(
        f"{format_decimal(1500, locale=locale)} {words['against']} {format_decimal(1000, locale=locale)}")

    chart = home.locator(f"#key-trend-{donor['pi_id']}")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.actual-dot")).to_have_count(3)
    expect(chart.locator("polyline.target")).to_have_count(1)
    expect(chart.locator("line.baseline")).to_have_count(1)
    assert words["target"] in chart.locator("rect.target-dot").last.locator("title").text_content()
    assert chart.bounding_box()["width"] <= PHONE["width"]

    drawn = home.locator("svg.chart-map")
    expect(drawn.locator("path.province")).to_have_count(26)
    expect(drawn.locator("path.has-data")).to_have_count(2)
    assert drawn.bounding_box()["width"] <= PHONE["width"]
    expect(home.locator(".donor-links a", has_text=words["pdf"])).to_have_attribute(
        "href", f"/indicators/programmes/{donor['programme_id']}/report.pdf?period=2016-Q3")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots = Path("/tmp/donor")  # outside the repository
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"donor-home-{locale}.png"), full_page=True)

    # the same shared chart on the indicators dashboard the donor page links to
    home.locator(".donor-links a").nth(3).click()
    dashboard_chart = page.locator(f"#trend-{donor['pi_id']}")
    expect(dashboard_chart.locator("polyline.target")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / f"dashboard-{locale}.png"), full_page=True)
    context.close()
