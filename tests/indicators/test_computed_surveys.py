"""Survey indicators: the latest round of the period, by sex and commune, with the baseline round."""
import io
from datetime import date

import pytest

from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.indicators.service import periods as P
from cpms.surveys import imports
from tests.conftest import commune_id, english, province_id

Y2015, Y2016, Y2017 = (P.parse_period(k, 1) for k in ("2015", "2016", "2017"))


def load(app, survey_files, survey_round, answers, first):
    rows = [survey_files.response_row(first + n, sex=sex, commune=commune, trust=trust, unsafe=unsafe)
            for n, (sex, commune, trust, unsafe) in enumerate(answers)]
    with english(app):
        summary = imports.preview_import(None, survey_round, io.BytesIO(survey_files.csv_data(rows)), "export.csv")
        assert not summary["has_errors"], summary["problems"]
        imports.confirm_import(None, survey_round, summary["token"])
    _db.session.commit()


@pytest.fixture
def rounds(app, make_programme, make_instrument, make_round, survey_files):
    """Baseline (May 2015): 10 answers, 2 of 5 women and 1 of 5 men trust the police → 30 %.
    Midline (March 2017): 10 answers, trust 50 %. Endline (November 2017): 10 answers, 8 of 10 trust (80 %): women in
    Bipemba 5 of 5, men in Muya 3 of 5. Feeling unsafe at night: "don't know" answers are not counted."""
    programme = make_programme(provinces=["Kasaï-Oriental"])
    instrument = make_instrument()
    baseline = make_round(instrument, programme, name="Baseline 2015", kind="baseline", start=date(2015, 5, 1))
    midline = make_round(instrument, programme, name="Midline 2017", kind="midline", start=date(2017, 3, 1))
    endline = make_round(instrument, programme, name="Endline 2017", kind="endline", start=date(2017, 11, 1))
    load(app, survey_files, baseline,
         [("female", "bipemba", "agree" if n < 2 else "disagree", "yes") for n in range(5)]
         + [("male", "muya", "agree" if n < 1 else "disagree", "yes") for n in range(5)], 1000)
    load(app, survey_files, midline,
         [("female", "bipemba", "agree" if n < 5 else "disagree", "no") for n in range(10)], 2000)
    load(app, survey_files, endline, [("female", "bipemba", "strongly_agree", "no") for _n in range(5)]
         + [("male", "muya", "agree" if n < 3 else "disagree", "dont_know" if n < 2 else "yes") for n in range(5)], 3000)
    return programme


def test_latest_round_of_each_period_and_the_baseline(rounds, computed_figures):
    cells, figures = computed_figures(rounds, "survey_trust", [Y2015, Y2016, Y2017], dimension="sex", param="trust")
    assert cells[0] == {None: pytest.approx(30.0), "F": pytest.approx(40.0), "M": pytest.approx(20.0)}
    assert cells[1] == {}  # no round in 2016
    assert cells[2] == {None: pytest.approx(80.0), "F": pytest.approx(100.0), "M": pytest.approx(60.0)}
    pi_id = next(iter(figures.baselines))[0]
    assert figures.baselines[(pi_id, None)] == pytest.approx(30.0)


def test_insecurity_by_commune_leaves_out_dont_know(rounds, computed_figures):
    cells, _f = computed_figures(rounds, "survey_insecurity", [Y2017], dimension="commune", param="unsafe")
    # endline: Bipemba 0 of 5 unsafe, Muya 3 of 3 valid answers – fewer than 5 answers: left empty
    assert cells[0][None] == pytest.approx(3 / 8 * 100)
    assert cells[0][str(commune_id("Bipemba"))] == 0.0
    assert cells[0].get(str(commune_id("Muya"))) is None


def test_area_limits_the_respondents(rounds, computed_figures):
    muya_only = Scope(full_province_ids=set(), commune_ids={commune_id("Muya")},
                      province_ids={province_id("Kasaï-Oriental")})
    cells, _f = computed_figures(rounds, "survey_trust", [Y2017], scope=muya_only, param="trust")
    assert cells[0][None] == pytest.approx(60.0)


def test_a_long_period_and_its_quarters_read_the_rounds_and_the_baseline_once(rounds, computed_figures,
                                                                               count_queries):
    """The donor's home and the report ask for the last quarters and the programme to date together: the survey
    measure is one GROUP BY for every round they need and the baseline round – not a second pass for the earlier
    quarters of the span (which read the rounds and the baseline again). The figures are those of each period alone."""
    quarters = [P.parse_period(key, 1) for key in ("2018-Q3", "2018-Q4")]  # no round in them
    to_date = P.span(date(2015, 1, 1), date(2018, 12, 31), 1)  # no round in its last four quarters either
    computed_figures(rounds, "survey_trust", [Y2015], param="trust")  # the indicator is created outside the count
    with count_queries() as statements:
        cells, figures = computed_figures(rounds, "survey_trust", quarters + [to_date], param="trust",
                                          today=date(2019, 1, 1))
    grouped = [s for s in statements if "GROUP BY" in s.upper() and "survey_responses" in s]
    rounds_read = [s for s in statements if s.lstrip().upper().startswith("SELECT SURVEY_ROUNDS.")]
    assert len(grouped) == 1 and len(rounds_read) == 1
    assert not [s for s in statements if "survey_round_communes" in s]  # the rounds' dates, not their communes
    assert cells[0] == {} and cells[1] == {}
    assert cells[2][None] == pytest.approx(80.0)  # the endline of November 2017, the latest round of the span
    assert figures.baselines[(next(iter(figures.baselines))[0], None)] == pytest.approx(30.0)
    alone, _f = computed_figures(rounds, "survey_trust", [to_date], param="trust", today=date(2019, 1, 1))
    assert alone[0][None] == cells[2][None]
