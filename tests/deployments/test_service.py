"""Posting rules, bulk posting of a cohort's graduates, coaching visits and their follow-up actions."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.core.permissions import Scope
from cpms.deployments import service
from cpms.deployments.models import CoachingVisit, FollowUpAction, Posting
from cpms.deployments.service import coaching
from cpms.extensions import db as _db
from tests.conftest import commune_id, english


def posting_fields(**overrides):
    values = dict(station_id=None, commune_id=commune_id("Bipemba"), function="Agent de police de proximité",
                  start_date=date(2016, 9, 1), end_date=None, end_reason=None, end_note="")
    values.update(overrides)
    return values


def test_a_station_posting_takes_the_stations_commune(app, make_trainee, make_station):
    trainee = make_trainee()
    station = make_station(commune="Muya", name="Sous-commissariat de Muya")
    posting = service.create_posting(None, trainee, **posting_fields(station_id=station.id, commune_id=None))
    assert (posting.commune_id, posting.province_id) == (commune_id("Muya"), station.province_id)
    assert posting.place == "Sous-commissariat de Muya"
    with english(app), pytest.raises(DomainError, match="is in Muya: choose that commune or leave the commune empty"):
        service.create_posting(None, make_trainee(), **posting_fields(station_id=station.id))


@pytest.mark.parametrize("overrides, message, field", [
    (dict(commune_id=None), "Choose the station or the commune", "station_id"),
    (dict(function="  "), "Enter the officer's function", "function"),
    (dict(end_date=date(2016, 8, 1)), "end date must be on or after the start date", "end_date"),
    (dict(end_date=date.today() + timedelta(days=1)), "cannot be in the future", "end_date"),
    (dict(end_reason="resignation"), "Enter the end date, or leave the reason empty", "end_date"),
    (dict(end_date=date(2017, 1, 1), end_reason="other"), "Say in the note why the posting ended", "end_note"),
    (dict(end_date=date(2017, 1, 1), end_reason="holiday"), "Choose a reason from the list", "end_reason"),
])
def test_posting_refusals_say_what_to_fix(app, make_trainee, overrides, message, field):
    trainee = make_trainee()
    with english(app), pytest.raises(DomainError, match=message) as refused:
        service.create_posting(None, trainee, **posting_fields(**overrides))
    assert refused.value.field == field


def test_overlapping_postings_are_refused_and_a_transfer_follows_the_end(app, make_trainee, make_posting):
    trainee = make_trainee(last_name="Kabongo")
    first = make_posting(trainee, "Bipemba", date(2016, 9, 1))
    with english(app), pytest.raises(DomainError, match=r"KABONGO Jean already has a posting on these dates "
                                                        r"\(Bipemba, since 2016-09-01\)"):
        service.create_posting(None, trainee, **posting_fields(commune_id=commune_id("Muya"),
                                                               start_date=date(2017, 3, 1)))
    service.update_posting(None, first, **posting_fields(end_date=date(2017, 2, 28)))
    second = service.create_posting(None, trainee, **posting_fields(commune_id=commune_id("Muya"),
                                                                    start_date=date(2017, 3, 1)))
    assert [p.id for p in service.officer_postings(trainee)] == [second.id, first.id]
    with english(app), pytest.raises(DomainError, match="already has a posting"):  # the last day is served
        service.create_posting(None, trainee, **posting_fields(start_date=date(2016, 1, 1), end_date=date(2016, 9, 1)))


def test_a_project_officer_posts_only_in_their_area(app, make_user, make_trainee):
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"])
    trainee = make_trainee()
    with english(app), pytest.raises(DomainError, match="outside your area"):
        service.create_posting(officer, trainee, **posting_fields(commune_id=commune_id("Kampemba")))
    assert service.create_posting(officer, trainee, **posting_fields()).commune_id == commune_id("Bipemba")


@pytest.fixture
def closed_cohort(make_cohort, make_trainee, graduate):
    cohort = make_cohort(start=date(2016, 3, 29), end=date(2016, 8, 28))
    passed = [make_trainee(last_name=f"Mbuyi{n}") for n in range(3)]
    failed = make_trainee(last_name="Ilunga")
    graduate(cohort, passed)
    graduate(cohort, [failed], final_score=20)
    return cohort, passed, failed


def test_bulk_posting_of_graduates(app, closed_cohort, make_station, make_user):
    cohort, passed, failed = closed_cohort
    station = make_station(commune="Bipemba")
    assert [t.id for t, postings in service.cohort_graduates(cohort)] == [t.id for t in passed]
    postings = service.post_graduates(None, cohort, [t.id for t in passed], station_id=station.id,
                                      function="Patrouilleur", start_date=date(2016, 9, 1))
    _db.session.commit()
    assert len(postings) == 3
    assert {(p.station_id, p.commune_id, p.function, p.start_date, p.end_date) for p in postings} == {
        (station.id, commune_id("Bipemba"), "Patrouilleur", date(2016, 9, 1), None)}
    assert all(postings for _t, postings in service.cohort_graduates(cohort))
    assert service.postable_cohorts(make_user("admin"), Scope.national()) == [(cohort, 3)]


def test_bulk_posting_refusals(app, closed_cohort, make_posting, make_cohort):
    cohort, passed, failed = closed_cohort
    ids = [t.id for t in passed]
    fields = dict(commune_id=commune_id("Muya"), function="Patrouilleur", start_date=date(2016, 9, 1))
    with english(app):
        with pytest.raises(DomainError, match="ILUNGA Jean") as refused:
            service.post_graduates(None, cohort, ids + [failed.id], **fields)
        assert "Only officers who completed this cohort" in refused.value.message
        with pytest.raises(DomainError, match="Tick at least one graduate"):
            service.post_graduates(None, cohort, [], **fields)
        with pytest.raises(DomainError, match=r"must start on or after the end of the course \(2016-08-28\)"):
            service.post_graduates(None, cohort, ids, **{**fields, "start_date": date(2016, 8, 1)})
        make_posting(passed[1], "Bipemba", date(2016, 9, 1))
        with pytest.raises(DomainError) as refused:
            service.post_graduates(None, cohort, ids, **fields)
        assert "Nobody was posted" in refused.value.message
        assert f"{passed[1].full_name} (Bipemba, since 2016-09-01)" in refused.value.message
        assert passed[0].full_name not in refused.value.message
        running = make_cohort(start=date.today() - timedelta(days=10), end=date.today() + timedelta(days=60))
        with pytest.raises(DomainError, match="post its graduates after the close-out"):
            service.post_graduates(None, running, ids, **fields)
    _db.session.rollback()
    assert _db.session.scalar(select(func.count()).select_from(Posting)) == 1


def test_coaching_visit_with_officers_and_follow_ups(app, make_trainee, make_visit):
    seen = [make_trainee(matricule="1.300.001"), make_trainee(matricule="1300002")]
    visit = make_visit(seen, actions=[
        {"description": "Refresher on SGBV reception", "responsible": "Commandant", "due_date": date(2016, 12, 1)},
        {"description": "", "due_date": None}])  # an empty line is skipped
    assert [t.id for t in coaching.visit_officers(visit)] == sorted(t.id for t in seen)
    actions = coaching.visit_actions(visit)
    assert [(a.description, a.is_done) for a in actions] == [("Refresher on SGBV reception", False)]
    assert actions[0].is_overdue(date(2016, 12, 2)) and not actions[0].is_overdue(date(2016, 12, 1))

    coaching.update_visit(None, visit, visit_date=visit.visit_date, commune_id=visit.commune_id, coach_name="X",
                          coach_type="civil_society", coach_organisation="Réseau des femmes de Bipemba",
                          matricules=["1300001"], actions=[
                              {"id": actions[0].id, "description": actions[0].description, "due_date": actions[0].due_date,
                               "is_done": True},
                              {"description": "Meet the market committee", "due_date": date(2017, 1, 15)}])
    _db.session.commit()
    assert [t.matricule for t in coaching.visit_officers(visit)] == ["1300001"]
    done, new = coaching.visit_actions(visit)
    assert done.is_done and done.done_on == date.today() and not new.is_done
    assert coaching.visit_counts([visit.id], today=date(2017, 2, 1)) == {visit.id: (1, 1, 1)}


@pytest.mark.parametrize("overrides, message", [
    (dict(matricules=[]), "Enter the matricule of at least one officer seen"),
    (dict(matricules=["99999"]), "No officer in your area has the matricule 99999"),
    (dict(coach_name=" "), "Enter the coach's name"),
    (dict(coach_type="civil_society", coach_organisation=""), "Enter the organisation"),
    (dict(visit_date=date.today() + timedelta(days=3)), "record a visit once it has taken place"),
    (dict(actions=[{"description": "Follow up", "due_date": None}]), "Enter the due date of the follow-up action"),
    (dict(actions=[{"description": "Follow up", "due_date": date(2016, 1, 1)}]), "cannot be due before the visit"),
])
def test_coaching_refusals(app, make_trainee, make_visit, overrides, message):
    officer = make_trainee(matricule="1300001")
    with english(app), pytest.raises(DomainError, match=message):
        make_visit([officer], **overrides)
    _db.session.rollback()
    assert _db.session.scalar(select(func.count()).select_from(CoachingVisit)) == 0
    assert _db.session.scalar(select(func.count()).select_from(FollowUpAction)) == 0


def test_coaching_officers_must_be_in_the_coachs_area(app, make_user, make_trainee):
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"])
    stranger = make_trainee(commune="Kampemba", matricule="1400001")
    with english(app), pytest.raises(DomainError, match="No officer in your area has the matricule 1400001"):
        coaching.create_visit(officer, visit_date=date(2016, 11, 10), commune_id=commune_id("Bipemba"),
                              coach_name="Commissaire", coach_type="senior_officer", matricules=[stranger.matricule])
