"""Station and construction services: business rules, refusals that save nothing, computed figures."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.stations import service
from cpms.stations.models import ConstructionProject, Expenditure, Handover, Milestone, ProgressReport, Station
from cpms.stations.service.metrics import metrics_for
from tests.conftest import commune_id, english
from tests.stations.fixtures import reach_milestones_on as reach_milestones

TODAY = date(2016, 9, 1)


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def refused(app, call, message):
    """The call raises a DomainError whose message contains `message`; the session is rolled back."""
    with english(app):
        with pytest.raises(DomainError) as caught:
            call()
    _db.session.rollback()
    assert message in caught.value.message, caught.value.message
    return caught.value


def station_fields(**overrides):
    fields = dict(name="Commissariat de Bipemba", kind="commissariat", commune_id=commune_id("Bipemba"),
                  latitude=-6.11, longitude=23.61, status="planned", specialised_units=["sgbv_desk"], staff_count=40)
    fields.update(overrides)
    return fields


def test_station_registry_checks_position_name_and_area(app, db, make_user):
    station = service.create_station(None, **station_fields())
    assert (station.province_id, station.specialised_units) == (station.commune.province_id, ["sgbv_desk"])
    _db.session.commit()
    cases = [
        (station_fields(name="Other", latitude=48.85, longitude=2.35), "outside the DR Congo"),  # Paris
        (station_fields(name="Other", latitude=6.11), "outside the DR Congo"),  # sign forgotten: north of Congo
        (station_fields(name="Other", longitude=35.0), "longitude is outside the DR Congo"),
        (station_fields(name="Other", longitude=None), "both latitude and longitude"),
        (station_fields(name="commissariat de bipemba"), "already has a station called"),
        (station_fields(name="Other", staff_count=-3), "cannot be negative"),
        (station_fields(name="  "), "Enter the station's name"),
    ]
    for fields, message in cases:
        refused(app, lambda: service.create_station(None, **fields), message)
    officer = make_user("project_officer", provinces=["Haut-Katanga"])
    refused(app, lambda: service.create_station(officer, **station_fields(name="Other")), "outside your area")
    assert count(Station) == 1


def test_a_project_starts_with_the_template_milestones_spread_over_its_duration(db, make_project):
    project = make_project(start_date=date(2016, 1, 1), planned_completion_date=date(2016, 12, 31))
    milestones = service.project_milestones(project)
    assert [m.code for m in milestones][:3] == ["site_identification", "land_allocation", "tender"]
    assert len(milestones) == 11 and sum(m.weight for m in milestones) == 100
    assert milestones[-1].planned_date == date(2016, 12, 31)
    assert all(a.planned_date <= b.planned_date for a, b in zip(milestones, milestones[1:]))
    assert all(m.actual_date is None for m in milestones)


def test_project_refusals_save_nothing(app, db, make_station, make_programme, milestone_template):
    station = make_station()
    kor = make_programme(provinces=["Kasaï-Oriental"], code="KOR")
    hkt = make_programme(provinces=["Haut-Katanga"], code="HKT")
    fields = dict(station_id=station.id, programme_id=kor.id, kind="new_build", contractor="Builder",
                  contract_amount=Decimal("50000"), currency="USD", start_date=date(2016, 4, 1),
                  planned_completion_date=date(2016, 12, 1))
    cases = [
        (dict(planned_completion_date=date(2016, 3, 1)), "planned completion must be on or after the start"),
        (dict(contract_amount=Decimal("-5000")), "must be greater than zero"),
        (dict(contract_amount=Decimal("0")), "must be greater than zero"),
        (dict(currency="EUR"), "Choose USD or CDF"),
        (dict(programme_id=hkt.id), "does not cover the province"),
    ]
    for overrides, message in cases:
        refused(app, lambda: service.create_project(None, **{**fields, **overrides}), message)
    assert count(ConstructionProject) == 0 and count(Milestone) == 0
    # a contract amount is optional until the contract is signed
    assert service.create_project(None, **{**fields, "contract_amount": None}).contract_amount is None


def test_milestone_progress_overdue_and_slippage(app, db, make_project):
    project = make_project(start_date=date(2016, 1, 1), planned_completion_date=date(2016, 12, 31))
    rows = [{"id": m.id, "name": m.name, "weight": m.weight, "planned_date": m.planned_date,
             "actual_date": m.planned_date if m.position <= 5 else None, "remove": False}
            for m in service.project_milestones(project)]
    service.update_milestones(project, rows, today=TODAY)
    _db.session.commit()
    metrics = metrics_for([project], TODAY)[project.id]
    assert metrics.milestone_progress == 30.0  # 2 + 3 + 5 + 5 + 15 of 100
    walls = service.project_milestones(project)[5]
    assert walls.planned_date == date(2016, 7, 1)  # half of the year (182 of 365 days)
    assert metrics.overdue_milestones == 2 and metrics.slippage_days  # walls and roofing (25 August) == (TODAY - walls.planned_date).days == 62
    assert metrics.progress == 30.0 and metrics.status == "red"


def test_milestone_edits_are_checked(app, db, make_project):
    project = make_project()
    milestones = service.project_milestones(project)
    row = lambda m, **kw: {"id": m.id, "name": m.name, "weight": m.weight, "planned_date": m.planned_date,  # noqa: E731
                           "actual_date": None, "remove": False, **kw}
    refused(app, lambda: service.update_milestones(project, [row(milestones[0], actual_date=date(2016, 9, 2))],
                                                   today=TODAY), "cannot be in the future")
    refused(app, lambda: service.update_milestones(project, [row(milestones[0], weight=-1)], today=TODAY),
            "weight must be zero or more")
    refused(app, lambda: service.update_milestones(project, [row(m, weight=0) for m in milestones], today=TODAY),
            "weight above zero")
    refused(app, lambda: service.update_milestones(project, [row(m, remove=True) for m in milestones],
                                                   today=TODAY), "Keep at least one milestone")
    assert count(Milestone) == 11
    # rename one, remove one, add one
    rows = [row(m) for m in milestones]
    rows[0]["name"], rows[1]["remove"] = "Site survey", True
    rows.append({"id": None, "name": "Perimeter wall", "weight": 4, "planned_date": None, "actual_date": None,
                 "remove": False})
    service.update_milestones(project, rows, today=TODAY)
    _db.session.commit()
    names = [(m.position, m.code, m.name) for m in service.project_milestones(project)]
    assert names[0] == (1, None, "Site survey") and names[1][1] == "tender" and names[-1] == (11, None, "Perimeter wall")


def test_latest_report_overrides_milestone_progress(db, make_project):
    project = make_project()
    for when, progress in ((date(2016, 5, 1), 20), (date(2016, 7, 1), 45), (date(2016, 6, 1), 30)):
        service.record_progress_report(None, project, report_date=when, physical_progress=progress, narrative="",
                                       problems="", today=TODAY)
    _db.session.commit()
    metrics = metrics_for([project], TODAY)[project.id]
    assert (metrics.reported_progress, metrics.reported_on, metrics.progress) == (45, date(2016, 7, 1), 45.0)


def test_report_refusals(app, db, make_project):
    project = make_project()
    base = dict(report_date=date(2016, 5, 1), physical_progress=10, narrative="", problems="", today=TODAY)
    for overrides, message in [(dict(physical_progress=101), "from 0 to 100"), (dict(physical_progress=-1), "from 0 to 100"),
                               (dict(report_date=date(2016, 9, 2)), "cannot be in the future"),
                               (dict(report_date=date(2016, 2, 1)), "before the project start")]:
        refused(app, lambda: service.record_progress_report(None, project, **{**base, **overrides}), message)
    assert count(ProgressReport) == 0


def test_expenditure_gives_spent_and_variance_in_the_projects_currency(app, db, make_project):
    project = make_project(contract_amount=Decimal("46000"), currency="CDF")
    for amount in ("20000", "26000.50", "7240"):
        service.record_expenditure(project, spent_on=date(2016, 6, 1), amount=Decimal(amount),
                                   description="Instalment", today=TODAY)
    _db.session.commit()
    for amount, message in (("-500", "greater than zero"), ("0", "greater than zero")):
        refused(app, lambda: service.record_expenditure(project, spent_on=date(2016, 6, 1),
                                                        amount=Decimal(amount), description="x", today=TODAY), message)
    refused(app, lambda: service.record_expenditure(project, spent_on=date(2016, 9, 5), amount=Decimal("1"),
                                                    description="x", today=TODAY), "cannot be in the future")
    metrics = metrics_for([project], TODAY)[project.id]
    assert metrics.spent == Decimal("53240.50") and metrics.variance == Decimal("-7240.50")
    assert metrics.budget_used == Decimal("115.7") and metrics.is_over_budget and metrics.status == "red"
    assert count(Expenditure) == 3


COMPLETE = dict(cells_men=True, cells_women=True, cells_minors=True, separate_sanitation=True, reception_desk=True,
                accessibility=True)


def test_handover_waits_for_a_complete_gender_checklist(app, db, make_project):
    project = make_project()
    handover = dict(handover_date=date(2016, 8, 20), police_representative="Commissaire Kalonji",
                    defects="Paint in cell 2", is_final_acceptance=True, today=TODAY)
    error = refused(app, lambda: service.record_handover(None, project, **handover), "checklist is complete")
    assert "Separate cell for minors" in error.message and "Accessible" in error.message

    service.save_checklist(project, checked_on=date(2016, 8, 15), notes="", today=TODAY,
                           **{**COMPLETE, "accessibility": False})
    _db.session.commit()
    error = refused(app, lambda: service.record_handover(None, project, **handover), "Still missing")
    assert "Accessible to people with disabilities" in error.message and "cell for minors" not in error.message
    assert count(Handover) == 0 and project.station.status == "under_construction"

    service.save_checklist(project, checked_on=date(2016, 8, 15), notes="Ramp built", today=TODAY, **COMPLETE)
    for overrides, message in ((dict(handover_date=date(2016, 9, 2)), "cannot be in the future"),
                               (dict(handover_date=date(2016, 2, 1)), "before the project start"),
                               (dict(police_representative=" "), "police representative")):
        service.save_checklist(project, checked_on=date(2016, 8, 15), notes="", today=TODAY, **COMPLETE)
        refused(app, lambda: service.record_handover(None, project, **{**handover, **overrides}), message)
    service.save_checklist(project, checked_on=date(2016, 8, 15), notes="", today=TODAY, **COMPLETE)
    reach_milestones(project, date(2016, 8, 10), TODAY)
    service.record_handover(None, project, **handover)
    _db.session.commit()
    metrics = metrics_for([project], TODAY)[project.id]
    assert metrics.is_handed_over and metrics.status == "done" and metrics.handover_date == date(2016, 8, 20)
    assert _db.session.get(Station, project.station_id).status == "operational"
    final = [m for m in service.project_milestones(project) if m.code in ("provisional_handover", "final_handover")]
    assert [m.actual_date for m in final] == [date(2016, 8, 20)] * 2


def test_template_edits_apply_to_new_projects_only(app, db, make_project):
    old = make_project()
    items = service.template_items()
    rows = [{"id": i.id, "name": i.name, "weight": i.weight, "remove": i.code in ("land_allocation", "tender")}
            for i in items]
    rows.append({"id": None, "name": "Borehole", "weight": 6, "remove": False})
    service.update_template(rows)
    _db.session.commit()
    assert [i.name for i in service.template_items()][-1] == "Borehole" and len(service.template_items()) == 10
    new = make_project(station=old.station, programme=old.programme)
    assert len(service.project_milestones(new)) == 10 and len(service.project_milestones(old)) == 11
    refused(app, lambda: service.update_template([{"id": None, "name": "", "weight": 1, "remove": False}]),
            "Keep at least one milestone")


def test_metrics_for_many_projects_take_a_fixed_number_of_queries(db, make_project, make_station, count_queries):
    from cpms.core.permissions import Scope

    def measure():
        projects = _db.session.scalars(service.visible_projects(Scope.national())).all()  # as the views load them
        with count_queries() as statements:
            metrics_for(projects, TODAY)
        return len(projects), len(statements)

    for _ in range(3):
        make_project(station=make_station())
    few = measure()
    for _ in range(5):
        make_project(station=make_station())
    assert (few, measure()) == ((3, 5), (8, 5))


def test_saving_translated_default_names_is_not_a_rename(app, db, milestone_template):
    from flask_babel import force_locale
    with app.test_request_context(), force_locale("fr"):
        rows = [{"id": i.id, "name": str(i.label), "weight": i.weight, "remove": False} for i in service.template_items()]
        assert rows[0]["name"] == "Identification du site"
        rows[1]["name"] = "Bornage du terrain"
        service.update_template(rows)
    _db.session.commit()
    items = service.template_items()
    assert (items[0].code, items[0].name) == ("site_identification", "Site identification")
    assert (items[1].code, items[1].name) == (None, "Bornage du terrain")
