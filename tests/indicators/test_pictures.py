"""The pictures of an indicator: the trend chart against targets and baseline, the map of DR Congo's provinces
shaded by the indicator's figures, on the indicator's page (both languages) and in the PDF report."""
import json
import re
from datetime import date

import pytest
from babel.numbers import format_decimal
from sqlalchemy import select

from cpms.core.charts import MAX_PERIODS, nice_step, trend_chart
from cpms.extensions import db as _db
from cpms.geo import maps
from tests.indicators.fixtures import add_indicator, new_framework, new_indicator, pictures_setup


@pytest.fixture
def pictures(make_programme, make_user):
    return pictures_setup(make_programme, make_user("me_officer"))


def test_the_boundaries_hold_the_26_provinces_of_the_geography_and_stay_small(db):
    from cpms.geo.models import Province
    assert maps.BOUNDARIES.stat().st_size < 200_000
    names = {p.name for p in maps.provinces()}
    assert len(names) == 26
    known = set(_db.session.scalars(select(Province.name)))
    assert known and known <= names, known - names  # every province of the geography has its shape


def test_trend_chart_scales_to_round_steps_and_keeps_the_latest_periods():
    chart = trend_chart([f"P{i}" for i in range(20)], list(range(20)), [10] * 20, baseline=4, fmt=str)
    assert [d["label"] for d in chart["dots"]][0] == f"P{20 - MAX_PERIODS}" and len(chart["dots"]) == MAX_PERIODS
    assert [t["text"] for t in chart["ticks"]] == ["0.0", "5.0", "10.0", "15.0", "20.0"]
    assert len(chart["labels"]) <= 8 and chart["labels"][-1]["text"] == "P19"
    assert chart["baseline"]["y"] > chart["ticks"][-1]["y"]  # below the top of the axis
    gap = trend_chart(["a", "b", "c"], [1, None, 3], fmt=str)
    assert len(gap["actual_lines"]) == 2 and gap["target_lines"] == []
    assert trend_chart(["a"], [None]) is None
    assert nice_step(1500) == 500 and nice_step(35) == 10


def test_map_classes_shade_higher_figures_darker():
    drawn = maps.province_map({"Kasaï-Oriental": 1200, "Haut-Katanga": 300, "Kinshasa": 900}, fmt=str)
    fills = {s["name"]: s["fill"] for s in drawn["shapes"]}
    assert fills["Kasaï-Oriental"] == maps.SHADES[-1] and fills["Ituri"] == maps.NO_DATA
    assert maps.SHADES.index(fills["Haut-Katanga"]) < maps.SHADES.index(fills["Kinshasa"])
    assert [r["name"] for r in drawn["rows"]] == ["Haut-Katanga", "Kasaï-Oriental", "Kinshasa"]
    assert all(re.fullmatch(r"(M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)*Z ?)+", s["path"]) for s in drawn["shapes"])
    coords = [float(n) for s in drawn["shapes"] for n in re.findall(r"[\d.]+", s["path"])]
    assert max(coords) <= drawn["width"] + 0.1 and min(coords) >= 0


def _page(client, pi, period="2016-Q3"):
    response = client.get(f"/indicators/programme-indicators/{pi.id}?period={period}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_indicator_page_shows_the_trend_with_targets_and_the_map_by_province(client, login_as, pictures):
    login_as("viewer")
    page = _page(client, pictures.pi)
    assert "PAT – Joint patrols" in page
    chart = page[page.index('<svg class="chart-trend"'):page.index("</svg>", page.index('<svg class="chart-trend"'))]
    assert chart.count('class="actual-dot"') == 3 and chart.count('class="target-dot"') == 3
    assert 'class="target"' in chart and 'class="baseline"' in chart
    assert "2016 Q3 – Target: 1,000" in chart and "2016 Q3 – Actual: 1,500" in chart
    assert re.search(r'<table id="trend-table">.*2016 Q2</td><td class="num">35</td><td class="num">30</td>', page,
                     re.S)
    assert re.search(r'data-name="Kasaï-Oriental"[^>]*fill="#0b4f8a"', page)
    assert "<title>Haut-Katanga: 300</title>" in page and "<title>Ituri</title>" in page
    assert re.search(r'<table id="map-table">.*Kasaï-Oriental</td><td class="num">1,200</td>', page, re.S)
    assert page.count('class="province') == 26


def test_indicator_page_in_french_formats_numbers_the_french_way(client, login_as, pictures):
    login_as("viewer", locale="fr")
    page = _page(client, pictures.pi)
    assert "Cible" in page and "Tendance" in page
    assert f"2016 Q3 – Réalisé : {format_decimal(1500, locale='fr')}" in page or \
        f"2016 Q3 – Réalisé: {format_decimal(1500, locale='fr')}" in page
    assert f"Kasaï-Oriental</td><td class=\"num\">{format_decimal(1200, locale='fr')}</td>" in page


def test_an_area_user_sees_only_the_figures_of_the_area(client, login_as, pictures):
    login_as("project_officer", "Haut-Katanga")
    page = _page(client, pictures.pi)
    assert "<title>Haut-Katanga: 300</title>" in page
    assert "Kasaï-Oriental:" not in page and "1,200<" not in page and "Actual: 1,500" not in page


def test_an_indicator_without_provinces_has_no_map_and_a_programme_elsewhere_answers_404(
        client, login_as, make_programme, pictures):
    framework = new_framework(make_programme(provinces=["Kasaï-Oriental"], code="PDP-NOMAP"))
    pi = add_indicator(framework, new_indicator(code="NOMAP"))
    login_as("viewer", "Kasaï-Oriental")
    page = _page(client, pi, period="")
    assert "not broken down by province" in page and 'class="chart-map"' not in page
    client.delete_cookie("session")
    login_as("viewer", "Nord-Kivu")
    assert client.get(f"/indicators/programme-indicators/{pi.id}").status_code == 404


def test_report_links_each_indicator_to_its_page(client, login_as, pictures):
    login_as("viewer")
    page = client.get(f"/indicators/programmes/{pictures.programme.id}/report?period=2016-Q3").get_data(as_text=True)
    assert f'href="/indicators/programme-indicators/{pictures.pi.id}?period=2016-Q3"' in page


def test_dashboard_draws_each_trend_with_the_shared_chart_and_its_target_line(client, login_as, pictures):
    login_as("viewer")
    page = client.get(f"/indicators/programmes/{pictures.programme.id}/dashboard?period=2016-Q3").get_data(as_text=True)
    start = page.index(f'id="trend-{pictures.pi.id}"')
    chart = page[start:page.index("</svg>", start)]
    assert chart.count('class="actual-dot"') == 3 and 'class="target"' in chart and 'class="baseline"' in chart
    assert "2016 Q2 – Actual: 35" in chart and "2016 Q3 – Target: 1,000" in chart
    assert "ind-bars" not in page


def test_pdf_report_draws_the_trend_with_its_target_line_and_the_map(app, pictures):
    import io

    from flask_babel import force_locale
    from pypdf import PdfReader

    from cpms.core.permissions import Scope
    from cpms.indicators.service import exports
    from cpms.indicators.service.periods import parse_period
    from cpms.indicators.service.pictures import province_maps
    from cpms.indicators.service.reports import build_report
    with app.test_request_context(), force_locale("en"):
        report = build_report(pictures.programme, parse_period("2016-Q3", 1), scope=Scope.national())
        maps = province_maps(report, Scope.national())
        html = app.jinja_env.get_template("indicators/report_pdf.html").render(
            report=report, charts={r.pi.id: exports.trend_of(r) for r in report.totals()}, maps=maps,
            english={pictures.pi.id: "Joint patrols"}, generated_on=date(2017, 1, 1))
        pdf = exports.report_pdf(report, maps)
    assert 'class="target"' in html and html.count('class="actual-dot"') == 3
    assert html.count('class="province') == 26 and "<title>Kasaï-Oriental: 1,200</title>" in html
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "PAT – 2016 Q3, by province / par province" in text
    assert "Kasaï-Oriental" in text and "1,200" in text and "Natural Earth" in text
    json.dumps(exports.trend_of(report.totals()[0]))  # plain data: the same geometry serves page and PDF


def test_pdf_report_maps_the_places_of_the_users_area(app, pictures, make_station, make_committee):
    from flask_babel import force_locale

    from cpms.core.permissions import Scope
    from cpms.geo.models import Province
    from cpms.indicators.service import exports
    from cpms.indicators.service.periods import parse_period
    from cpms.indicators.service.pictures import report_places
    from cpms.indicators.service.reports import build_report
    from tests.helpers.pdf import pdf_text
    make_station(name="Commissariat de Bipemba", latitude=-6.13, longitude=23.6, status="operational")
    make_station(name="Poste de Muya", commune="Muya", latitude=-6.3, longitude=23.8, status="operational")
    make_station(name="Commissariat de Kampemba", commune="Kampemba", latitude=-11.66, longitude=27.48,
                 status="operational")
    make_committee(commune="Kanshi")
    kasai = _db.session.scalar(select(Province.id).where(Province.name == "Kasaï-Oriental"))
    with app.test_request_context(), force_locale("en"):
        national = report_places(build_report(pictures.programme, parse_period("2016-Q3", 1), scope=Scope.national()),
                                 Scope.national())
        scope = Scope(full_province_ids=frozenset({kasai}), commune_ids=frozenset(), province_ids=frozenset({kasai}))
        report = build_report(pictures.programme, parse_period("2016-Q3", 1), scope=scope)
        places = report_places(report, scope)
        pdf = exports.report_pdf(report, {}, places)
    titles = [m["title"] for m in places["markers"]]
    assert "Commissariat de Bipemba – Operational" in titles and "Poste de Muya – Operational" in titles
    assert not any("Kampemba" in t for t in titles)
    assert any("Kampemba" in m["title"] for m in national["markers"])
    text = pdf_text(pdf)
    assert "Where / Où" in text and "Stations: Operational (2)" in text and "Committees (at their commune) (1)" in text


def test_long_labels_are_written_under_the_axis_less_often():
    labels = [f"{day} août" for day in range(1, 17)]
    drawn = trend_chart(labels, list(range(16)), fmt=str, max_labels=4)
    assert [label["text"] for label in drawn["labels"]] == ["4 août", "8 août", "12 août", "16 août"]
    assert len(drawn["dots"]) == 16  # every point keeps its label


def test_period_labels_never_overlap_however_many_periods():
    """Seven quarters named "2025 Q1"… were written edge to edge ("2025 Q12025 Q2") on the donor's phone."""
    from cpms.core.charts import LABEL_CHAR_WIDTH

    labels = [f"{year} Q{q}" for year in (2025, 2026) for q in (1, 2, 3, 4)][:7]
    drawn = trend_chart(labels, [1, 2, 3, 4, 5, 6, 7], fmt=str)
    xs = [label["x"] for label in drawn["labels"]]
    assert drawn["labels"][-1]["text"] == "2026 Q3"  # the latest period is always named
    assert all(b - a >= len("2025 Q1") * LABEL_CHAR_WIDTH for a, b in zip(xs, xs[1:]))
    assert len(drawn["labels"]) >= 3
