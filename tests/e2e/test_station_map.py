"""Issue 23: the stations on the map of DR Congo – on the construction portfolio (by status, with a legend) and on a
station's page (its position highlighted and named) – in French and in English, on a 375 px phone and on a desktop
screen, without sideways scrolling; a station of another province stays off the map."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cpms.extensions import db as _db
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e

SCREENS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}
WORDS = {"en": {"stations": "Stations", "operational": "Operational", "planned": "In planning", "title": "Stations by status"},
         "fr": {"stations": "Commissariats", "operational": "Opérationnel", "planned": "En projet", "title": "Commissariats par statut"}}
SHOTS = Path("/tmp/maps")  # screenshots to look at, never in the repository


@pytest.fixture
def stations(db, make_station, make_project, make_committee, make_user):
    bipemba = make_station(name="Commissariat de Bipemba", latitude=-6.13, longitude=23.6, status="operational")
    make_project(station=bipemba)
    make_station(name="Poste de Muya", commune="Muya", latitude=-6.16, longitude=23.64, status="planned")
    make_station(name="Commissariat de Kampemba", commune="Kampemba", latitude=-11.66, longitude=27.48)
    make_committee(commune="Bipemba", name="CLSP Bipemba")
    make_committee(commune="Kampemba", province="Haut-Katanga", name="CLSP Kampemba")
    users = {locale: make_user("project_officer", provinces=["Kasaï-Oriental"], locale=locale).email for locale in WORDS}
    ids = {"station_id": bipemba.id, "users": users}
    _db.session.close()  # no transaction of the test thread stays open while the server works
    return ids


@pytest.mark.parametrize("locale", ["en", "fr"])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_stations_are_on_the_map(live_server, browser, stations, locale, screen):
    SHOTS.mkdir(exist_ok=True)
    words = WORDS[locale]
    context = browser.new_context(viewport=SCREENS[screen])
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", stations["users"][locale])
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")

    page.goto(f"{live_server}/construction/")
    drawn = page.locator("svg.place-map")
    expect(drawn).to_be_visible()
    expect(drawn.locator("title").first).to_have_text(words["title"])
    expect(drawn.locator("path.province")).to_have_count(26)
    expect(drawn.locator(".marker")).to_have_count(2)
    expect(drawn.locator("circle.marker-station-operational title")).to_have_text(
        f"Commissariat de Bipemba – {words['operational']}")
    expect(drawn.locator("circle.marker-station-planned title")).to_have_text(f"Poste de Muya – {words['planned']}")
    assert "Kampemba" not in drawn.inner_html()
    expect(page.locator(".map-legend")).to_contain_text(f"{words['stations']} : {words['operational']} (1)"
                                                        if locale == "fr" else f"Stations: {words['operational']} (1)")
    assert drawn.bounding_box()["width"] <= SCREENS[screen]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    drawn.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"portfolio-{locale}-{screen}.png"), full_page=True)

    page.goto(f"{live_server}/committees/")
    drawn = page.locator("svg#committee-map")
    expect(drawn).to_be_visible()
    expect(drawn.locator("polygon.marker-committee title")).to_have_text("CLSP Bipemba (Bipemba)")
    assert "Kampemba" not in drawn.inner_html()
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]

    page.goto(f"{live_server}/stations/{stations['station_id']}")
    drawn = page.locator("svg.place-map")
    expect(drawn).to_be_visible()
    expect(drawn.locator(".marker.highlighted")).to_have_count(1)
    expect(drawn.locator("text.place-label")).to_have_text("Commissariat de Bipemba")
    expect(drawn.locator('path.province[data-name="Kasaï-Oriental"]')).to_have_attribute("stroke", "#222")
    label = drawn.locator("text.place-label").bounding_box()
    assert label["x"] >= 0 and label["x"] + label["width"] <= SCREENS[screen]["width"]
    assert label["height"] >= 12  # readable on a phone: the SVG scales down, the name stays about 12 px or more
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    page.screenshot(path=str(SHOTS / f"station-{locale}-{screen}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_province_page_maps_the_area_and_admins_record_a_commune_position(live_server, browser, stations,
                                                                               make_user, screen):
    from sqlalchemy import select

    from cpms.geo.models import Province
    kasai = _db.session.scalar(select(Province.id).where(Province.name == "Kasaï-Oriental"))
    admin = make_user("admin", locale="fr").email
    _db.session.close()
    context = browser.new_context(viewport=SCREENS[screen])
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", admin)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{live_server}/geography/provinces/{kasai}")
    drawn = page.locator("svg.place-map")
    expect(drawn).to_be_visible()
    expect(drawn.locator("circle.marker-station-operational title")).to_have_text("Commissariat de Bipemba – Opérationnel")
    assert "Kampemba" not in drawn.inner_html()  # the page maps its own province only
    expect(page.locator(".map-legend")).to_contain_text("Commissariats : Opérationnel (1)")
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    page.screenshot(path=str(SHOTS / f"province-fr-{screen}.png"), full_page=True)
    form = page.locator("form.position-form").first
    form.locator("input[name$=latitude]").fill("6,5")  # a decimal comma is understood; the sign is wrong
    form.locator("input[name$=longitude]").fill("23,61")
    form.locator("button").click()
    expect(page.locator(".flash-error").first).to_contain_text("Cette latitude est hors de la RD Congo")
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    context.close()
