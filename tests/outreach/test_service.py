"""Outreach rules and figures without HTTP: the roster's refusals and the indicators donors read."""
from datetime import date

import pytest
from sqlalchemy import select

from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.indicators.service import periods as P
from cpms.outreach import service
from tests.conftest import commune_id, english

Q4_2016, Q1_2017 = (P.parse_period(k, 1) for k in ("2016-Q4", "2017-Q1"))


def test_an_officer_without_a_known_sex_is_refused_not_counted_as_a_man(app, make_activity, make_trainee):
    activity = make_activity()
    officer = make_trainee(sex="F")
    with _db.session.no_autoflush, english(app):  # the registry's check forbids it; an old import could still hold one
        officer.sex = "X"
        with pytest.raises(DomainError) as refused:
            service.add_officer(None, activity, officer.matricule)
    assert "does not say whether officer" in str(refused.value) and officer.matricule in str(refused.value)
    _db.session.rollback()
    assert service.activity_roster(activity) == []


@pytest.fixture
def activities(make_programme, make_activity, make_trainee):
    """One programme in Kasaï-Oriental, late 2016:

    - a joint workshop in Bipemba (3 Oct): 2 officers (1 F, 1 M) and 2 civilians (youth F, women's group F);
    - a joint workshop in Muya (10 Oct) with civilians only (not both sides present);
    - a training of journalists in Muya (15 Nov): 3 media (2 M, 1 F) on the roster, 1 officer, 20 women counted;
    - a radio programme in Bipemba (2 Jan 2017): 500 men and 700 women of the public counted.
    """
    programme = make_programme()
    workshop = make_activity(programme=programme)
    for officer in (make_trainee(sex="F"), make_trainee(sex="M")):
        service.add_officer(None, workshop, officer.matricule)
    service.add_civilian(workshop, name="A", organisation="", category="youth", sex="F")
    service.add_civilian(workshop, name="B", organisation="", category="womens_group", sex="F")
    lonely = make_activity(programme=programme, commune="Muya", start=date(2016, 10, 10), end=date(2016, 10, 10))
    service.add_civilian(lonely, name="C", organisation="", category="leader", sex="M")
    training = make_activity(programme=programme, commune="Muya", kind="media_training", start=date(2016, 11, 15),
                             end=date(2016, 11, 16))
    for name, sex in (("D", "M"), ("E", "M"), ("F", "F")):
        service.add_civilian(training, name=name, organisation="Radio Okapi", category="media", sex=sex)
    service.add_officer(None, training, make_trainee(commune="Muya").matricule)
    service.set_count(training, category="local_authority", sex="F", people=20, estimate_source="Liste")
    radio = make_activity(programme=programme, kind="radio", start=date(2017, 1, 2), end=date(2017, 1, 2))
    service.set_count(radio, category="public", sex="M", people=500, estimate_source="Sondage de la radio")
    service.set_count(radio, category="public", sex="F", people=700, estimate_source="Sondage de la radio")
    _db.session.commit()
    return programme


def test_people_reached_by_sex(activities, computed_figures):
    cells, _f = computed_figures(activities, "outreach_people_reached", [Q4_2016, Q1_2017], dimension="sex")
    assert cells[0] == {None: 29.0, "F": 24.0, "M": 5.0}
    assert cells[1] == {None: 1200.0, "F": 700.0, "M": 500.0}


def test_journalists_and_civil_society_trained_leave_police_out(activities, computed_figures):
    cells, _f = computed_figures(activities, "outreach_people_trained", [Q4_2016, Q1_2017],
                                 dimension="outreach_category")
    assert cells[0] == {None: 23.0, "media": 3.0, "local_authority": 20.0}
    assert cells[1].get(None) in (None, 0.0)


def test_joint_workshops_need_both_sides(activities, computed_figures):
    cells, _f = computed_figures(activities, "outreach_joint_workshops", [Q4_2016], dimension="commune")
    assert cells[0] == {None: 1.0, str(commune_id("Bipemba")): 1.0}


def test_drill_down_lists_the_activities_behind_each_figure(app, activities, computed_figures):
    from sqlalchemy import select

    from cpms.core.permissions import Scope
    from cpms.indicators.models import ProgrammeIndicator
    from cpms.indicators.service.drilldown import records_behind
    for code in ("outreach_people_reached", "outreach_people_trained", "outreach_joint_workshops"):
        computed_figures(activities, code, [Q4_2016])  # puts the indicators in the programme's framework
    pis = {pi.indicator.computation: pi for pi in _db.session.scalars(
        select(ProgrammeIndicator).where(ProgrammeIndicator.programme_id == activities.id))}

    def rows(code, dimension=None, category=None):
        with english(app):
            drill = records_behind(pis[code], Q4_2016, scope=Scope.national(), dimension=dimension, category=category)
            return [[cell[0] if isinstance(cell, tuple) else cell for cell in drill.row(record)]
                    for record in _db.session.execute(drill.stmt)]

    assert [(r[0], r[-1]) for r in rows("outreach_people_reached", "sex", "F")] == [
        ("Atelier de confiance police–population", 3), ("Atelier de confiance police–population", 21)]
    trained = rows("outreach_people_trained")
    assert [(r[1], r[2], r[-1]) for r in trained] == [("Training of journalists", "Muya", 23)]  # the officer left out
    assert [r[2] for r in rows("outreach_joint_workshops")] == ["Bipemba"]


def test_questionnaires_give_the_knowledge_gain_of_trainings_only(app, activities, computed_figures):
    from cpms.outreach.models import OutreachActivity
    training = _db.session.scalar(select(OutreachActivity).where(OutreachActivity.kind == "media_training"))
    roster = {p.name or "officer": p for p in service.activity_roster(training)}
    service.record_scores(training, {roster["D"].id: (40, 70), roster["E"].id: (55, 65), roster["F"].id: (50, None)})
    _db.session.commit()
    assert service.knowledge_gain(training) == (20.0, 2)  # F has no post score: left out
    cells, _f = computed_figures(activities, "outreach_knowledge_gain", [Q4_2016], dimension="sex")
    assert cells[0] == {None: 20.0, "M": 20.0}
    with english(app):
        with pytest.raises(DomainError, match="from 0 to 100"):
            service.record_scores(training, {roster["D"].id: (40, 170)})
        _db.session.rollback()
        workshop = _db.session.scalar(select(OutreachActivity).where(OutreachActivity.kind == "joint_workshop",
                                                                     OutreachActivity.commune_id == commune_id("Bipemba")))
        with pytest.raises(DomainError, match="trainings of journalists"):
            service.record_scores(workshop, {})
