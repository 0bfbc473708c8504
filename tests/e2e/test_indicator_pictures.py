"""Issue 23: an indicator's page shows its trend against the target line and the map of DR Congo's provinces, in
French and in English, on a 375 px phone and on a desktop screen, without sideways scrolling."""
import pytest
from babel.numbers import format_decimal
from playwright.sync_api import expect

from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e

SCREENS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}
WORDS = {"en": {"name": "Joint patrols", "actual": "Actual", "target": "Target", "trend": "Trend", "no_data": "No data"},
         "fr": {"name": "Patrouilles conjointes", "actual": "Réalisé", "target": "Cible", "trend": "Tendance", "no_data": "Pas de données"}}


@pytest.fixture
def patrols(db, make_pictures, make_user):
    data = make_pictures(make_user("me_officer"))
    users = {locale: make_user("viewer", locale=locale).email for locale in WORDS}
    ids = {"pi_id": data.pi.id, "users": users}
    _db.session.close()  # no transaction of the test thread stays open while the server works
    return ids


@pytest.mark.parametrize("locale", ["en", "fr"])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_indicator_page_draws_the_trend_and_the_map(live_server, browser, patrols, locale, screen, tmp_path):
    context = browser.new_context(viewport=SCREENS[screen])
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", patrols["users"][locale])
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{live_server}/indicators/programme-indicators/{patrols['pi_id']}?period=2016-Q3")
    words = WORDS[locale]
    expect(page.locator("h1")).to_have_text(f"PAT – {words['name']}")
    expect(page.locator("h2").first).to_have_text(words["trend"])

    chart = page.locator("svg.chart-trend")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.actual-dot")).to_have_count(3)
    expect(chart.locator("polyline.target")).to_have_count(1)
    expect(chart.locator("rect.target-dot")).to_have_count(3)
    expect(chart.locator("line.baseline")).to_have_count(1)
    expect(chart.locator("text.period")).to_have_text(["2016 Q1", "2016 Q2", "2016 Q3"])
    fifteen_hundred = format_decimal(1500, locale=locale)
    assert f"{words['actual']}" in chart.locator("circle.actual-dot").last.locator("title").text_content()
    assert fifteen_hundred in chart.locator("circle.actual-dot").last.locator("title").text_content()
    assert format_decimal(1000, locale=locale) in chart.locator("text.tick").all_text_contents()[2]
    box = chart.bounding_box()
    assert box["width"] <= SCREENS[screen]["width"] and box["height"] > 100

    drawn = page.locator("svg.chart-map")
    expect(drawn).to_be_visible()
    expect(drawn.locator("path.province")).to_have_count(26)
    expect(drawn.locator("path.has-data")).to_have_count(2)
    expect(drawn.locator('path[data-name="Kasaï-Oriental"] title')).to_have_text(
        f"Kasaï-Oriental: {format_decimal(1200, locale=locale)}")
    expect(page.locator(".map-legend")).to_contain_text(words["no_data"])
    expect(page.locator("#map-table tbody tr")).to_have_count(2)
    assert drawn.bounding_box()["width"] <= SCREENS[screen]["width"]

    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    page.screenshot(path=str(tmp_path / f"indicator-{locale}-{screen}.png"), full_page=True)
    context.close()
