"""Wide tables on a phone: a table wider than its frame is shown as stacked cards (one block a row, each value after
its column's heading), so that no column is missed; on a wide screen it stays a table. No page scrolls sideways at
375 px, in French and in English. Screenshots are left in the test's temporary folder."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
PAGES = {"equipment": "/equipment/", "figures": "/equipment/figures", "trainees": "/training/trainees",
         "activities": "/outreach/", "portfolio": "/construction/"}
TABLES = """() => Array.from(document.querySelectorAll('.table-wrap')).map(wrap => ({
    stacked: wrap.classList.contains('stacked'), scrolls: wrap.scrollWidth > wrap.clientWidth + 1,
    cells: Array.from(wrap.querySelectorAll('tbody td')).length,
    labelled: Array.from(wrap.querySelectorAll('tbody td')).filter(td => td.dataset.label).length,
    heading: (wrap.querySelector('tbody td[data-label]') || {}).dataset?.label || ''}))"""


def log_in(browser, live_server, viewport, lang):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "admin@demo.cpms.example")
    page.fill("input[name=password]", "Cpms-demo-Kasai-01")
    page.press("input[name=password]", "Enter")
    expect(page).to_have_url(f"{live_server}/")
    if page.evaluate("document.documentElement.lang") != lang:
        page.evaluate("document.querySelector('form.lang button').click()")
        page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    return context, page


def test_wide_tables_become_cards_on_a_phone_and_stay_tables_on_a_wide_screen(demo, live_server, browser, tmp_path):
    problems = []
    for lang in ("fr", "en"):
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            context, page = log_in(browser, live_server, viewport, lang)
            for name, url in PAGES.items():
                page.goto(f"{live_server}{url}")
                page.screenshot(path=str(tmp_path / f"{name}-{size}-{lang}.png"), full_page=True)
                width = page.evaluate("document.documentElement.scrollWidth")
                tables = page.evaluate(TABLES)
                if not tables or not any(t["cells"] for t in tables):
                    problems.append((lang, size, name, "no table with rows"))
                if size == "phone":
                    if width != PHONE["width"]:
                        problems.append((lang, size, name, "page scrolls sideways", width))
                    # no table scrolls inside its frame either: the wide ones are cards, every value labelled
                    problems += [(lang, size, name, "table scrolls", t) for t in tables if t["scrolls"]]
                    problems += [(lang, size, name, "unlabelled cells", t) for t in tables
                                 if t["stacked"] and t["labelled"] < t["cells"] // 2]
                elif any(t["stacked"] for t in tables):
                    problems.append((lang, size, name, "cards on a wide screen"))
            if size == "phone":
                page.goto(f"{live_server}/equipment/")
                stacked = page.locator(".table-wrap.stacked")
                expect(stacked.first).to_be_visible()
                # each row is its own card: the header row is out of sight, values carry their heading
                expect(stacked.first.locator("thead")).to_have_css("position", "absolute")
                expect(stacked.first.locator("tbody tr").first).to_have_css("display", "block")
                # a cohort's officers as cards: a cell with nothing to read (no alert) takes no line of its card
                page.goto(f"{live_server}/training/")
                cohort = page.locator("a[href^='/training/cohorts/']:not([href$='new'])").first.get_attribute("href")
                page.goto(f"{live_server}{cohort}")
                blank = page.evaluate("""() => Array.from(document.querySelectorAll('.table-wrap.stacked tbody td'))
                    .filter(td => !td.textContent.trim() && !td.querySelector('img, svg, input, select, a'))
                    .map(td => getComputedStyle(td).display)""")
                assert blank and set(blank) == {"none"}
            context.close()
    print(f"screenshots: {tmp_path}")
    assert problems == []
