"""The results framework: levels, the library, programme indicators, targets that must agree."""
from datetime import date

import pytest

from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.indicators import service
from cpms.indicators.models import Target
from cpms.indicators.service import periods as P
from cpms.indicators.service import targets
from tests.conftest import english


def test_levels_follow_goal_outcome_output(app, make_framework):
    framework = make_framework()
    programme = framework.programme
    with english(app):
        with pytest.raises(DomainError, match="already has a goal"):
            service.save_node(programme, level="goal", code="G2", title_en="Other", title_fr="Autre")
        with pytest.raises(DomainError, match="An output sits under an outcome"):
            service.save_node(programme, level="output", code="OP9", title_en="x", title_fr="x",
                              parent_id=framework.goal.id)
        with pytest.raises(DomainError, match="already has an element coded OC1"):
            service.save_node(programme, level="outcome", code="oc1", title_en="x", title_fr="x",
                              parent_id=framework.goal.id)


def test_library_checks_computations_and_disaggregations(app, db):
    fields = dict(code="TRN-1", name_en="Officers trained", name_fr="Policiers formés", definition="", unit="count",
                  direction="higher", aggregation="sum", source="computed", computation=None, computation_param="",
                  disaggregations=[], is_active=True)
    with english(app):
        with pytest.raises(DomainError, match="Choose the computation"):
            service.create_indicator(**fields)
        with pytest.raises(DomainError, match="cannot be broken down by Kind of work"):
            service.create_indicator(**{**fields, "computation": "officers_enrolled",
                                              "disaggregations": ["sex", "project_kind"]})
        with pytest.raises(DomainError, match="Entered values cannot be broken down by Kind of committee"):
            service.create_indicator(**{**fields, "source": "entered", "disaggregations": ["committee_kind"]})
        survey = service.create_indicator(**{**fields, "code": "svy-1", "computation": "survey_trust",
                                                   "unit": "percentage"})
    assert survey.code == "SVY-1" and survey.computation_param == "trust_police"  # the registry's default question


def set_targets(pi, programme, **values):
    return targets.save_targets(pi, programme, {key.replace("_", "-"): value for key, value in values.items()})


def test_quarter_targets_must_add_up_to_the_year(app, make_framework, make_indicator, add_to_framework):
    framework = make_framework()
    pi = add_to_framework(framework, make_indicator(), lop=100)
    with english(app):
        with pytest.raises(DomainError, match=r"2016: the quarterly targets add up to 40, not the 2016 target of 50"):
            set_targets(pi, framework.programme, **{"2016": 50, "2016_Q1": 10, "2016_Q2": 10, "2016_Q3": 10, "2016_Q4": 10})
        with pytest.raises(DomainError, match="The yearly targets add up to 110, not the life-of-programme target of 100"):
            set_targets(pi, framework.programme, **{"2016": 30, "2017": 30, "2018": 30, "2019": 20})
        with pytest.raises(DomainError, match="add up to 120"):  # already above the life-of-programme target
            set_targets(pi, framework.programme, **{"2016": 60, "2017": 60})
        assert set_targets(pi, framework.programme, **{"2016": 40, "2016_Q1": 10, "2016_Q2": 10, "2016_Q3": 10,
                                                   "2016_Q4": 10, "2017": 30, "2018": 20, "2019": 10}) == []
    _db.session.commit()
    assert _db.session.query(Target).count() == 8


def test_latest_indicators_end_at_the_period_target_and_warn_mode_saves(app, make_framework, make_indicator,
                                                                        add_to_framework):
    framework = make_framework(check="warn", start_date=date(2016, 1, 1), end_date=date(2017, 12, 31))
    pi = add_to_framework(framework, make_indicator(unit="percentage", aggregation="latest"), lop=60)
    with english(app):
        problems = set_targets(pi, framework.programme, **{"2016": 40, "2016_Q1": 10, "2016_Q2": 20, "2016_Q3": 30,
                                                       "2016_Q4": 35, "2017": 50})
    assert problems == ["2016: the last quarter target is 35, not the 2016 target of 40.",
                        "The target of the last year (2017) is 50, not the life-of-programme target of 60."]
    _db.session.commit()
    assert _db.session.query(Target).count() == 6  # saved anyway: the programme only warns


def test_fiscal_year_from_october_and_its_change_refused_once_targets_exist(app, make_framework, make_indicator,
                                                                           add_to_framework):
    framework = make_framework(fy_month=10, start_date=date(2015, 10, 1), end_date=date(2017, 9, 30))
    pi = add_to_framework(framework, make_indicator())
    with english(app):
        with pytest.raises(DomainError, match="2018 is outside the programme's fiscal years"):
            set_targets(pi, framework.programme, FY2018=10)
        set_targets(pi, framework.programme, **{"FY2016_Q1": 5, "FY2016": 20})
        _db.session.commit()
        stored = _db.session.query(Target).filter_by(period_kind="quarter").one()
        assert (stored.period_start, stored.period_end) == (date(2015, 10, 1), date(2015, 12, 31))
        with pytest.raises(DomainError, match="The fiscal year cannot change"):
            service.save_settings(framework.programme, fiscal_year_start_month=1, target_check="refuse")


def test_period_targets_derive_from_quarters():
    quarters = {("quarter", date(2016, m, 1)): v for m, v in ((1, 5), (4, 10), (7, 15), (10, 20))}
    year = P.parse_period("2016", 1)
    assert targets.target_of("sum", quarters, year, 1) == 50
    assert targets.target_of("latest", quarters, year, 1) == 20
    assert targets.target_of("average", quarters, year, 1) == 12.5
    assert targets.target_of("sum", {**quarters, ("year", date(2016, 1, 1)): 60}, year, 1) == 60
    del quarters[("quarter", date(2016, 10, 1))]
    assert targets.target_of("sum", quarters, year, 1) is None
