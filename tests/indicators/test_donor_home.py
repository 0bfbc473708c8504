"""The donor's home: a viewer's dashboard opens on the programme's key results against their targets (trend with the
target line), a province map of a key result and the links to the reports, in English and French."""
import re
from datetime import date

import pytest

from cpms.extensions import db as _db
from tests.indicators.fixtures import add_indicator, pictures_setup


@pytest.fixture
def pictures(make_programme, make_user):
    return pictures_setup(make_programme, make_user("me_officer"))


def _home(client, **args):
    response = client.get("/", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(page):
    return page[page.index('id="donor-home"'):page.index("</section>", page.index('id="donor-home"'))]


def test_viewer_lands_on_the_key_results_with_trend_target_line_map_and_report_links(client, login_as, pictures):
    login_as("viewer")
    home = _section(_home(client))
    pi, programme = pictures.pi, pictures.programme
    assert "PDP-MAP" in home and "Period: 2016 Q3" in home  # the latest quarter with data
    assert re.search(r"<strong>1,500</strong>\s*against a target of 1,000", home)
    chart = home[home.index(f'id="key-trend-{pi.id}"'):home.index("</svg>", home.index(f'id="key-trend-{pi.id}"'))]
    assert chart.count('class="actual-dot"') == 3 and 'class="target"' in chart and 'class="baseline"' in chart
    assert "2016 Q3 – Target: 1,000" in chart and "2016 Q1 – Actual: 18" in chart
    assert re.search(r'data-name="Kasaï-Oriental"[^>]*fill="#0b4f8a"', home) and "<title>Haut-Katanga: 300</title>" in home
    for link in (f"/indicators/programmes/{programme.id}/report?period=2016-Q3",
                 f"/indicators/programmes/{programme.id}/report.pdf?period=2016-Q3",
                 f"/indicators/programmes/{programme.id}/report.xlsx?period=2016-Q3"):
        assert f'href="{link}"' in home


def test_donor_home_in_french(client, login_as, pictures):
    login_as("viewer", locale="fr")
    home = _section(_home(client))
    assert "Résultats du programme" in home and "Rapport PDF" in home
    assert re.search(r"<strong>1\u202f500</strong>\s*pour une cible de 1\u202f000", home), home[:3000]


def test_key_results_prefer_indicators_with_targets_and_keep_framework_order(client, login_as, pictures,
                                                                            make_programme, monkeypatch):
    from sqlalchemy import select

    from cpms.indicators.models import ResultNode
    from tests.indicators.fixtures import new_indicator
    outcome = _db.session.scalar(select(ResultNode).where(ResultNode.programme_id == pictures.programme.id,
                                                          ResultNode.level == "outcome"))
    trust = add_indicator(type("F", (), {"programme": pictures.programme, "output": outcome})(),
                          new_indicator(code="TRUST", name_en="Trust in the police"), node=outcome)
    other = make_programme(provinces=["Kasaï-Oriental"], code="PDP-OLD", start_date=date(2010, 1, 1),
                           end_date=date(2012, 12, 31))
    login_as("viewer")
    home = _section(_home(client))
    # the outcome's indicator comes first (framework order); the output's, with targets, is kept
    assert home.index(f'id="key-result-{trust.id}"') < home.index(f'id="key-result-{pictures.pi.id}"')
    from cpms.indicators.service import results
    monkeypatch.setattr(results, "KEY_RESULTS", 1)  # room for one: the result against a target wins
    only = _section(_home(client))
    assert f'id="key-result-{pictures.pi.id}"' in only and f'id="key-result-{trust.id}"' not in only
    assert f'<option value="{other.id}"' in home
    chosen = _section(_home(client, programme=other.id))
    assert "PDP-OLD" in chosen and "This programme has no indicators yet." in chosen
    assert "PDP-MAP" in _section(_home(client, programme=999999))  # unknown: the default programme


def test_area_viewer_without_a_programme_gets_no_donor_home(client, login_as, pictures):
    login_as("viewer", "Nord-Kivu")  # no programme in the area
    assert 'id="donor-home"' not in _home(client)


def test_staff_get_no_donor_home(client, login_as, pictures):
    login_as("me_officer")
    assert 'id="donor-home"' not in _home(client)


def test_the_programme_to_date_is_computed_only_for_key_results_that_show_it(app, pictures):
    """The panel shows the programme to date against a life-of-programme target only: the others' figures to date
    are not computed (for a survey indicator, every round of the programme's life), their trend is the report's."""
    from cpms.core.permissions import Scope
    from cpms.indicators.service import periods as P
    from cpms.indicators.service.reports import build_reports
    period = P.parse_period("2016-Q3", 1)
    with app.test_request_context():
        full = build_reports(pictures.programme, period, scope=Scope.national())[None].totals()[0]
        shown = build_reports(pictures.programme, period, scope=Scope.national(),
                              to_date_for={pictures.pi.id})[None].totals()[0]
        left = build_reports(pictures.programme, period, scope=Scope.national(), to_date_for=set())[None].totals()[0]
    assert full.to_date == shown.to_date == 1553 and left.to_date is None
    assert [p.value for p in left.trend] == [p.value for p in full.trend] and left.actual == full.actual == 1500
