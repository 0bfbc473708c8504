"""Committee and plan indicators against hand-computed committees."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from cpms.committees import service as committees
from cpms.extensions import db as _db
from cpms.indicators.service import periods as P
from cpms.plans import service as plans
from tests.conftest import commune_id

Q1, Q2, H1 = (P.parse_period(k, 1) for k in ("2017-Q1", "2017-Q2", "2017-H1"))


def when(month, day):
    return datetime(2017, month, day, 10, tzinfo=timezone.utc)


@pytest.fixture
def clsps(make_programme, make_action_item, make_committee, make_meeting, make_member, make_plan):
    """Two CLSPs and a forum of one programme in 2017:

    - CLSP Bipemba: meetings held 10 Jan, 7 Feb, 7 Mar, 4 Apr (+ one cancelled in May); members 3 women, 2 men
      (one man left on 31 Jan 2017); action items due in Q1: done on time, done late, open (overdue), dropped;
    - CLSP Muya: meetings held 15 Feb and 20 Jun; members 1 woman, 3 men; a plan starting 1 Feb 2017 with a quick
      impact project completed on 15 Mar 2017 and another still in progress;
    - Forum Tshiala (feeds Bipemba): meeting held 12 Jan; members 2 women.
    """
    programme = make_programme(provinces=["Kasaï-Oriental"])
    bipemba = make_committee(programme=programme, commune="Bipemba", name="CLSP Bipemba")
    muya = make_committee(programme=programme, commune="Muya", name="CLSP Muya")
    forum = make_committee(programme=programme, commune="Bipemba", kind="forum", name="Forum Tshiala", parent=bipemba)
    for committee, sexes in ((bipemba, "FFFMM"), (muya, "FMMM"), (forum, "FF")):
        for sex in sexes:
            make_member(committee, sex=sex, start_date=date(2016, 3, 22))
    make_member(bipemba, sex="M", start_date=date(2016, 3, 22), end_date=date(2017, 1, 31))
    meetings = [make_meeting(bipemba, when=when(m, d)) for m, d in ((1, 10), (2, 7), (3, 7), (4, 4))]
    make_meeting(bipemba, when=when(5, 2), status="cancelled")
    make_meeting(muya, when=when(2, 15))
    make_meeting(muya, when=when(6, 20))
    make_meeting(forum, when=when(1, 12))
    items = [make_action_item(meetings[0], description=f"Action {n}", due_date=date(2017, 3, 1))
             for n in range(4)]
    for item, status, closed in ((items[0], "done", date(2017, 2, 20)), (items[1], "done", date(2017, 3, 10)),
                                 (items[3], "dropped", date(2017, 2, 1))):
        committees.update_action_item(item, status=status, closing_note="Fait.", today=closed)
        item.closed_on = closed
    plan = make_plan(muya, actions=(("in_progress", 5000),))
    plan.start_date, plan.end_date = date(2017, 2, 1), date(2017, 12, 31)
    action = plans.plan_actions(plan)[0]
    for name, status, completed in (("Éclairage du marché", "completed", date(2017, 3, 15)),
                                    ("Pont de Tshiala", "in_progress", None)):
        plans.create_qip(action, name=name, implementer="ONG Lumière", budget=Decimal(2500), status=status,
                         completed_on=completed, beneficiaries=1200)
    _db.session.commit()
    return programme


def test_meetings_held(clsps, computed_figures):
    cells, _f = computed_figures(clsps, "committee_meetings_held", [Q1, Q2, H1], dimension="committee_kind")
    assert cells[0] == {None: 5.0, "clsp": 4.0, "forum": 1.0}
    assert cells[1] == {None: 2.0, "clsp": 2.0}
    assert cells[2][None] == 7.0


def test_functional_clsps_need_n_meetings_per_quarter(clsps, computed_figures, app, monkeypatch):
    monkeypatch.setitem(app.config, "INDICATOR_CLSP_MIN_MEETINGS", 3)
    cells, _f = computed_figures(clsps, "functional_clsps", [Q1, Q2, H1], dimension="commune")
    assert cells[0] == {None: 1.0, str(commune_id("Bipemba")): 1.0}  # Bipemba met 3 times in Q1; the forum is no CLSP
    assert cells[1].get(None) in (None, 0.0)  # one meeting each in Q2
    assert cells[2].get(None) in (None, 0.0)  # a half-year needs 6
    cells, _f = computed_figures(clsps, "functional_clsps", [Q1, H1], param="1")
    assert [c[None] for c in cells] == [2.0, 2.0]


def test_share_of_women_on_the_last_day(clsps, computed_figures):
    cells, _f = computed_figures(clsps, "committee_women_share", [Q1], dimension="committee_kind")
    # on 31 March: Bipemba 3 F + 2 M (the leaver left in January), Muya 1 F + 3 M, forum 2 F → 6 of 11
    assert cells[0] == {None: pytest.approx(600 / 11), "clsp": pytest.approx(400 / 9), "forum": 100.0}


def test_action_items_done_on_time(clsps, computed_figures):
    cells, _f = computed_figures(clsps, "action_items_on_time", [Q1, Q2])
    assert cells[0][None] == pytest.approx(100 / 3)  # 1 on time of 3 (the dropped one is left out)
    assert cells[1].get(None) is None


def test_plans_adopted_and_quick_impact_projects_completed(clsps, computed_figures):
    plans_cells, _f = computed_figures(clsps, "security_plans_adopted", [Q1, Q2], dimension="commune")
    assert plans_cells[0] == {None: 1.0, str(commune_id("Muya")): 1.0}
    qips, _f = computed_figures(clsps, "quick_impact_projects_completed", [Q1, Q2])
    assert qips[0][None] == 1.0 and qips[1].get(None) in (None, 0.0)


# --- a "latest" indicator over a longer period: its last quarter begun (issue 17, observation 5: "Functional
# committees" was 3 in each quarter of FY2016 and 0 "off track" for the year, the yearly rule asking for four times
# the quarterly meetings)

Y2017 = P.parse_period("2017", 1)


def test_a_year_is_functional_as_its_last_quarter(clsps, computed_figures, app, monkeypatch):
    cells, _f = computed_figures(clsps, "functional_clsps", [Q1, Q2, H1, Y2017], param="1", today=date(2018, 1, 1))
    # one meeting needed per quarter: both CLSPs met in Q1 and Q2 – functional in each quarter, so in the half-year
    assert [c.get(None) for c in cells[:3]] == [2.0, 2.0, 2.0]
    assert cells[3].get(None) in (None, 0.0)  # no meeting after April: not functional at the end of the year


def test_the_current_year_is_its_current_quarter(clsps, computed_figures, app, monkeypatch):
    monkeypatch.setitem(app.config, "INDICATOR_CLSP_MIN_MEETINGS", 3)
    cells, _f = computed_figures(clsps, "functional_clsps", [Q1, H1, Y2017], dimension="commune",
                                 today=date(2017, 3, 20))
    # in March, Bipemba (3 meetings in Q1) is functional in the half-year and the year: the quarters to come, with
    # no meeting yet, do not count
    bipemba = str(commune_id("Bipemba"))
    assert [c.get(None) for c in cells] == [1.0, 1.0, 1.0]
    assert [c.get(bipemba) for c in cells] == [1.0, 1.0, 1.0]


def test_meetings_count_in_the_quarter_of_their_local_day(make_programme, make_committee, make_meeting,
                                                          computed_figures):
    """Quarters are cut on the committee's calendar: 01:00 on 1 April in Mbuji-Mayi (UTC+2) is 23:00 UTC on
    31 March, and 23:30 on 31 March in Kinshasa (UTC+1) is 22:30 UTC; each counts in the quarter its people saw."""
    east = make_programme(provinces=["Kasaï-Oriental"], code="TZ-EAST")
    make_meeting(make_committee(programme=east, commune="Bipemba"), when=datetime(2017, 3, 31, 23, tzinfo=timezone.utc))
    west = make_programme(provinces=["Kinshasa"], code="TZ-WEST")
    make_meeting(make_committee(programme=west, commune="Gombe", province="Kinshasa"),
                 when=datetime(2017, 3, 31, 22, 30, tzinfo=timezone.utc))
    east_cells, _f = computed_figures(east, "committee_meetings_held", [Q1, Q2])
    west_cells, _f = computed_figures(west, "committee_meetings_held", [Q1, Q2])
    assert [c.get(None) or 0 for c in east_cells] == [0, 1]  # 1 April there
    assert [c.get(None) or 0 for c in west_cells] == [1, 0]  # still 31 March there
