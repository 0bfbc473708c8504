"""Complaint indicators in the results framework against hand-counted cases; sensitive ones only as a count with
small cells withheld."""
from datetime import date, datetime, timezone

import pytest

from cpms.complaints import service
from cpms.complaints.models import Complaint
from cpms.extensions import db as _db
from cpms.indicators.service import periods as P
from tests.conftest import commune_id, english

Q1, Q2, H1 = (P.parse_period(k, 1) for k in ("2026-Q1", "2026-Q2", "2026-H1"))
TODAY = date(2026, 7, 15)


def at(month, day):
    return datetime(2026, month, day, 9, tzinfo=timezone.utc)


@pytest.fixture
def cases(app, make_programme, make_user):
    """In Kasaï-Oriental (the programme's province) in 2026:

    - Q1, Bipemba: 3 police-conduct complaints by telephone (women), acknowledged the next day, on the 4th day
      (late) and never; answered on time / late / referred on time; 1 web feedback (a man) answered, closed
      satisfied;
    - Q2, Muya: 2 web feedbacks, one closed not satisfied;
    - Kampemba (Haut-Katanga, not in the programme): 1 complaint; 4 sensitive cases in Bipemba in Q1 (withheld),
      6 in Q2.
    """
    programme = make_programme(provinces=["Kasaï-Oriental"])
    officer = make_user("project_officer")
    bipemba, muya = commune_id("Bipemba"), commune_id("Muya")
    with english(app):
        def case(category, received, commune, **fields):
            return service.submit_complaint(category=category, account="Récit", commune_id=commune,
                                            received_at=received, **fields)
        conduct = [case("police_conduct", at(1, 10), bipemba, channel="telephone", sex="F") for _i in range(3)]
        feedback = case("feedback", at(2, 1), bipemba, sex="M")
        conduct[0].acknowledged_at, conduct[1].acknowledged_at = at(1, 11), at(1, 14)  # deadline 13 January
        conduct[0].answered_at, conduct[0].status = at(2, 1), "answered"  # deadline 9 February
        conduct[1].answered_at, conduct[1].status = at(2, 20), "answered"
        service.refer_complaint(officer, conduct[2], referred_to="Inspection générale", referred_on=date(2026, 2, 5),
                                consent=True)
        service.answer_complaint(officer, feedback, "Merci.")
        service.close_complaint(officer, feedback, "satisfied")
        feedback.acknowledged_at = feedback.answered_at = at(2, 2)
        feedback.closed_at = at(3, 1)
        later = [case("feedback", at(4, 5), muya) for _i in range(2)]
        service.answer_complaint(officer, later[0], "Merci.")
        service.close_complaint(officer, later[0], "not_satisfied")
        later[0].closed_at = at(4, 20)
        case("programme", at(1, 20), commune_id("Kampemba"))
        for _i in range(4):
            case("sea", at(2, 10), bipemba)
        for _i in range(6):
            case("fraud", at(5, 10), bipemba)
    _db.session.commit()
    return programme


def test_cases_received_by_category_channel_and_sex_without_sensitive_ones(cases, computed_figures):
    cells, _f = computed_figures(cases, "complaints_received", [Q1, Q2, H1], today=TODAY)
    assert [c[None] for c in cells] == [4.0, 2.0, 6.0]
    cells, _f = computed_figures(cases, "complaints_received", [Q1], dimension="complaint_category", today=TODAY)
    assert cells[0] == {None: 4.0, "police_conduct": 3.0, "feedback": 1.0}
    cells, _f = computed_figures(cases, "complaints_received", [H1], dimension="complaint_channel", today=TODAY)
    assert cells[0] == {None: 6.0, "telephone": 3.0, "web": 3.0}
    cells, _f = computed_figures(cases, "complaints_received", [Q1], dimension="sex", today=TODAY)
    assert cells[0] == {None: 4.0, "F": 3.0, "M": 1.0}


def test_shares_on_time_and_satisfaction(cases, computed_figures):
    cells, _f = computed_figures(cases, "complaints_acknowledged_on_time", [Q1], today=TODAY)
    # deadlines in Q1: the 3 complaints (13 Jan: 1 on time) and the feedback (4 Feb: acknowledged when answered)
    assert cells[0][None] == pytest.approx(50.0)
    cells, _f = computed_figures(cases, "complaints_answered_on_time", [Q1], today=TODAY)
    # answer deadlines 9 Feb (×3: answered on time, late, referred on time) and 3 March (answered on time)
    assert cells[0][None] == pytest.approx(75.0)
    cells, _f = computed_figures(cases, "complaints_satisfaction", [Q1, Q2, H1], today=TODAY)
    assert [c.get(None) for c in cells] == [100.0, 0.0, 50.0]


def test_sensitive_cases_are_a_bare_count_with_small_cells_withheld(cases, computed_figures):
    cells, _f = computed_figures(cases, "sensitive_cases_received", [Q1, Q2], today=TODAY)
    assert cells[0].get(None) is None  # 4 cases: withheld
    assert cells[1][None] == 6.0
    assert _db.session.query(Complaint).filter(Complaint.is_sensitive.is_(True)).count() == 10


def test_a_case_counts_on_the_day_of_its_province_s_calendar(app, make_programme, computed_figures):
    """Kasaï-Oriental keeps UTC+2: a case received at 23:30 UTC on 31 March was received on 1 April there."""
    programme = make_programme(provinces=["Kasaï-Oriental"])
    with english(app):
        service.submit_complaint(category="feedback", account="Récit", commune_id=commune_id("Bipemba"),
                                 received_at=datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc))
    _db.session.commit()
    cells, _f = computed_figures(programme, "complaints_received", [Q1, Q2], today=TODAY)
    assert [c.get(None) for c in cells] == [0.0, 1.0]


def test_on_time_is_judged_on_the_calendar_of_the_case_s_province(app, make_programme, computed_figures):
    """Kasaï-Oriental keeps UTC+2: acknowledged at 22:30 UTC on its deadline day is 00:30 the next day there – late;
    at 21:30 UTC it is 23:30 on the deadline day – on time. The figures page and the indicator agree."""
    from datetime import time as clock

    programme = make_programme(provinces=["Kasaï-Oriental"])
    with english(app):
        late, in_time = (service.submit_complaint(category="police_conduct", account="Récit",
                                                  commune_id=commune_id("Bipemba"), received_at=at(1, 10))
                         for _i in range(2))
        late.acknowledged_at = datetime.combine(late.acknowledge_by, clock(22, 30), tzinfo=timezone.utc)
        in_time.acknowledged_at = datetime.combine(in_time.acknowledge_by, clock(21, 30), tzinfo=timezone.utc)
    _db.session.commit()
    cells, _f = computed_figures(programme, "complaints_acknowledged_on_time", [Q1], today=TODAY)
    assert cells[0][None] == pytest.approx(50.0)
    assert service.figures()["acknowledged_on_time"] == pytest.approx(0.5)


def test_drill_downs_list_the_non_sensitive_cases_behind_each_figure(app, cases, computed_figures):
    from sqlalchemy import select

    from cpms.core.permissions import Scope
    from cpms.indicators.models import ProgrammeIndicator
    from cpms.indicators.service.drilldown import records_behind
    codes = ("complaints_received", "complaints_acknowledged_on_time", "complaints_answered_on_time",
             "complaints_satisfaction", "sensitive_cases_received")
    for code in codes:
        computed_figures(cases, code, [Q1], today=TODAY)  # puts the indicators in the programme's framework
    pis = {pi.indicator.computation: pi for pi in _db.session.scalars(
        select(ProgrammeIndicator).where(ProgrammeIndicator.programme_id == cases.id))}

    def rows(code, period=Q1, dimension=None, category=None):
        with english(app):
            drill = records_behind(pis[code], period, scope=Scope.national(), dimension=dimension, category=category,
                                   today=TODAY)
            return [[cell[0] if isinstance(cell, tuple) else cell for cell in drill.row(record)]
                    for record in _db.session.execute(drill.stmt)]

    received = rows("complaints_received")
    assert len(received) == 4 and {r[1] for r in received} == {"Complaint about police conduct",
                                                               "Feedback or suggestion"}
    assert all(r[3] == "Bipemba" for r in received)  # Kampemba's case is outside the programme, sensitive ones absent
    assert [r[1] for r in rows("complaints_received", dimension="sex", category="M")] == ["Feedback or suggestion"]
    assert sorted(r[-1] for r in rows("complaints_acknowledged_on_time")) == ["No", "No", "Yes", "Yes"]
    assert [r[-1] for r in rows("complaints_satisfaction")] == ["Yes"]
    with english(app):
        assert records_behind(pis["sensitive_cases_received"], Q1, scope=Scope.national(), today=TODAY) is None
    codes = {r[0] for r in received}
    assert all(code and "-" in code for code in codes)
