"""A "latest" indicator (a state) over a longer period: the value of its last quarter begun (issue 17, observation
5: "Functional committees" was 3 in each quarter of FY2016 and 0 "off track" for the year, because the yearly
rule asked for four times the quarterly meetings)."""
from datetime import date

from cpms.indicators.service import periods as P
from tests.conftest import commune_id
from tests.indicators.test_computed_committees import clsps  # noqa: F401  (the hand-computed committees)

Q1, Q2, H1, YEAR = (P.parse_period(k, 1) for k in ("2017-Q1", "2017-Q2", "2017-H1", "2017"))


def test_a_year_is_functional_as_its_last_quarter(clsps, computed_figures, app, monkeypatch):  # noqa: F811
    cells, _f = computed_figures(clsps, "functional_clsps", [Q1, Q2, H1, YEAR], param="1", today=date(2018, 1, 1))
    # one meeting needed per quarter: both CLSPs met in Q1 and Q2 – functional in each quarter, so in the half-year
    assert [c.get(None) for c in cells[:3]] == [2.0, 2.0, 2.0]
    assert cells[3].get(None) in (None, 0.0)  # no meeting after April: not functional at the end of the year


def test_the_current_year_is_its_current_quarter(clsps, computed_figures, app, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "INDICATOR_CLSP_MIN_MEETINGS", 3)
    cells, _f = computed_figures(clsps, "functional_clsps", [Q1, H1, YEAR], dimension="commune",
                                 today=date(2017, 3, 20))
    # in March, Bipemba (3 meetings in Q1) is functional in the half-year and the year: the quarters to come, with
    # no meeting yet, do not count
    bipemba = str(commune_id("Bipemba"))
    assert [c.get(None) for c in cells] == [1.0, 1.0, 1.0]
    assert [c.get(bipemba) for c in cells] == [1.0, 1.0, 1.0]
