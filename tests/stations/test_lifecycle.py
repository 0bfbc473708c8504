"""The life cycle of a construction project (docs/rules/stations.md): what the final acceptance closes, required
milestones and the documented override, progress that never goes back without a reason, plausible money."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from cpms.core.audit import AuditEntry
from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from cpms.stations import service
from cpms.stations.models import Expenditure, Handover, ProgressReport
from cpms.stations.service.metrics import metrics_for
from tests.conftest import english
from tests.stations.fixtures import reach_milestones_on as reach_milestones

TODAY = date(2017, 6, 30)
COMPLETE = dict(cells_men=True, cells_women=True, cells_minors=True, separate_sanitation=True, reception_desk=True,
                accessibility=True)
REASON = "Equipment delivered by the police themselves; the roof repair is covered by the guarantee."


def refused(app, call, message):
    with english(app):
        with pytest.raises(DomainError) as caught:
            call()
    _db.session.rollback()
    assert message in caught.value.message, caught.value.message
    return caught.value


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def accept(project, actor=None, day=date(2016, 12, 14), **fields):
    service.save_checklist(project, checked_on=day - timedelta(days=5), notes="", today=TODAY, **COMPLETE)
    handover = service.record_handover(actor, project, handover_date=day, police_representative="Commissaire Kalonji",
                                       defects="", is_final_acceptance=True, today=TODAY, **fields)
    _db.session.commit()
    return handover


def report(project, day, progress, problems="", actor=None):
    return service.record_progress_report(actor, project, report_date=day, physical_progress=progress,
                                          narrative="Visit", problems=problems, today=TODAY)


def test_no_progress_report_after_the_final_acceptance(app, db, client, web, login_as, make_project):
    """Observation 3: a 35 % report on a building handed over in 2016 was accepted; the portfolio then said
    "35 % · Handed over"."""
    project = make_project()
    reach_milestones(project, date(2016, 12, 1), TODAY)
    report(project, date(2016, 12, 10), 100)
    accept(project)
    refused(app, lambda: report(project, date(2017, 5, 2), 35), "no progress report can be added after the final")
    refused(app, lambda: report(project, date(2016, 12, 12), 100), "no progress report can be added after the final")
    assert count(ProgressReport) == 1

    login_as("project_officer", "Kasaï-Oriental")
    response = web.post(f"/construction/{project.id}/reports/new",
                        {"report_date": "2017-05-02", "physical_progress": "35", "narrative": "", "problems": ""})
    assert response.status_code == 422 and "after the final acceptance" in response.get_data(as_text=True)
    portfolio = client.get("/construction/").get_data(as_text=True)
    assert "35 %" not in portfolio and "Handed over" in portfolio
    page = client.get(f"/construction/{project.id}").get_data(as_text=True)
    assert "Final acceptance signed: the project is closed" in page and "Log progress" not in page


def test_milestones_checklist_and_dates_are_history_after_the_final_acceptance(app, db, make_project):
    project = make_project()
    reach_milestones(project, date(2016, 12, 1), TODAY)
    accept(project)
    refused(app, lambda: reach_milestones(project, date(2016, 12, 2), TODAY), "its milestones can no longer change")
    refused(app, lambda: service.save_checklist(project, checked_on=None, notes="", today=TODAY, **COMPLETE),
            "checklist can no longer change")
    fields = dict(station_id=project.station_id, programme_id=project.programme_id, kind="new_build",
                  contractor="Other SARL", contract_amount=Decimal("100000"), currency="USD",
                  start_date=project.start_date, planned_completion_date=project.planned_completion_date)
    refused(app, lambda: service.update_project(None, project, **{**fields, "contract_amount": Decimal("150000")}),
            "contract amount and dates can no longer change")
    service.update_project(None, project, **fields)  # the contractor's name may still be corrected
    _db.session.commit()
    assert project.contractor == "Other SARL"


def test_only_final_payments_after_the_final_acceptance(app, db, make_project):
    project = make_project()
    reach_milestones(project, date(2016, 12, 1), TODAY)
    accept(project)
    pay = lambda day: service.record_expenditure(project, spent_on=day, amount=Decimal("5000"),  # noqa: E731
                                                 description="Retention money", today=TODAY)
    pay(date(2016, 12, 14) + timedelta(days=service.SETTLEMENT_DAYS))
    _db.session.commit()
    refused(app, lambda: pay(date(2016, 12, 14) + timedelta(days=service.SETTLEMENT_DAYS + 1)),
            "only the final payments")
    assert count(Expenditure) == 1


def test_progress_never_goes_back_without_a_reason(app, db, make_project):
    project = make_project()
    report(project, date(2016, 6, 1), 40)
    report(project, date(2016, 8, 1), 60)
    _db.session.commit()
    refused(app, lambda: report(project, date(2016, 9, 1), 35), "Progress would go back from 60 %")
    refused(app, lambda: report(project, date(2016, 7, 1), 70), "a report dated before it cannot say 70 %")
    report(project, date(2016, 9, 1), 35, problems="The rains brought down the east wall; it is being rebuilt.")
    report(project, date(2016, 7, 1), 50)  # between the two: no step back
    _db.session.commit()
    assert count(ProgressReport) == 4


def test_final_acceptance_needs_the_required_milestones(app, db, client, web, login_as, make_project, make_user):
    """Observation 3: the final acceptance was accepted at 45 % with the roof, finishing and equipment not reached."""
    project = make_project()
    reach_milestones(project, date(2016, 8, 1), TODAY, codes=["site_identification", "land_allocation", "tender",
                                                               "contract_signed", "foundations", "walls"])
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"])
    error = refused(app, lambda: accept(project, actor=officer), "Final acceptance needs every required milestone")
    assert "Roofing, Finishing, Equipment" in error.message
    admin = make_user("admin")
    refused(app, lambda: accept(project, actor=admin, override_reason="because"), "write the reason")
    assert count(Handover) == 0

    with english(app):
        handover = accept(project, actor=admin, override_reason=REASON)
    assert handover.override_reason == REASON and handover.is_final_acceptance
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "final_acceptance_override"))
    assert entry is not None and "Roofing" in entry.detail and "guarantee" in entry.detail

    login_as("project_officer", "Kasaï-Oriental")
    page = client.get(f"/construction/{project.id}").get_data(as_text=True)
    assert "Accepted without every required milestone" in page and "covered by the guarantee" in page
    assert "(required)" in page


def test_a_project_officer_sees_why_the_acceptance_is_refused(client, web, login_as, make_project):
    project = make_project(start_date=date.today() - timedelta(days=200),
                           planned_completion_date=date.today() + timedelta(days=30))
    login_as("project_officer", "Kasaï-Oriental")
    assert web.post(f"/construction/{project.id}/checklist", {**{k: "y" for k in COMPLETE}, "checked_on": "",
                                                              "notes": ""}).status_code == 302
    form = client.get(f"/construction/{project.id}/handover").get_data(as_text=True)
    assert "Required milestones not reached yet" in form and "Roofing" in form
    response = web.post(f"/construction/{project.id}/handover",
                        {"handover_date": date.today().isoformat(), "police_representative": "Commissaire Kalonji",
                         "defects": "", "is_final_acceptance": "y"})
    assert response.status_code == 422 and "ask an administrator" in response.get_data(as_text=True)
    # a provisional handover needs no milestone
    response = web.post(f"/construction/{project.id}/handover",
                        {"handover_date": date.today().isoformat(), "police_representative": "Commissaire Kalonji",
                         "defects": "Roof leaks"})
    assert response.status_code == 302


def test_a_signed_final_acceptance_cannot_be_withdrawn_nor_corrected_by_a_project_officer(app, db, make_project,
                                                                                         make_user):
    project = make_project()
    reach_milestones(project, date(2016, 12, 1), TODAY)
    accept(project)
    officer = make_user("project_officer", provinces=["Kasaï-Oriental"])
    withdraw = dict(handover_date=date(2016, 12, 14), police_representative="Commissaire Kalonji", defects="",
                    is_final_acceptance=False, today=TODAY)
    refused(app, lambda: service.record_handover(None, project, **withdraw), "cannot be withdrawn")
    refused(app, lambda: service.record_handover(officer, project, **{**withdraw, "is_final_acceptance": True}),
            "only an administrator can correct")
    service.record_handover(make_user("admin"), project, **{**withdraw, "is_final_acceptance": True,
                                                            "defects": "Paint"})
    _db.session.commit()
    assert service.project_handover(project).defects == "Paint"


def test_implausible_money_and_dates_are_refused(app, db, web, login_as, make_project, make_station, make_programme):
    """Observation 8: a contract of 10^18 USD fed the portfolio totals."""
    project = make_project()
    fields = dict(station_id=project.station_id, programme_id=project.programme_id, kind="new_build", contractor="",
                  currency="USD", start_date=date(2016, 3, 1), planned_completion_date=date(2016, 12, 31))
    refused(app, lambda: service.update_project(None, project, **fields, contract_amount=Decimal(10) ** 18),
            "must be an amount between 0 and")
    refused(app, lambda: service.update_project(None, project, **{**fields, "start_date": date(1850, 1, 1)},
                                                contract_amount=None), "must be between")
    refused(app, lambda: service.record_expenditure(project, spent_on=date(2016, 5, 1), amount=Decimal(10) ** 12,
                                                    description="x", today=TODAY), "must be an amount between 0 and")
    refused(app, lambda: service.record_expenditure(project, spent_on=date(1999, 5, 1), amount=Decimal(10),
                                                    description="x", today=TODAY), "must be between")
    refused(app, lambda: report(project, date(2016, 6, 1), 135), "from 0 to 100")

    station = make_station()
    programme = make_programme()
    login_as("project_officer", "Kasaï-Oriental")
    data = {"station_id": str(station.id), "programme_id": str(programme.id), "kind": "new_build", "contractor": "",
            "contract_amount": "1" + "0" * 18, "currency": "USD", "start_date": "2016-04-15",
            "planned_completion_date": "2016-11-30", "description": ""}
    response = web.post("/construction/new", data)
    assert response.status_code == 422 and "must be an amount between 0 and" in response.get_data(as_text=True)
    response = web.post("/construction/new", {**data, "contract_amount": "46000", "planned_completion_date": "9999-12-31"})
    assert response.status_code == 422 and "must be between" in response.get_data(as_text=True)
    response = web.post(f"/construction/{project.id}/expenditures/new",
                        {"spent_on": "2016-05-01", "amount": "1" + "0" * 18, "description": "x"})
    assert response.status_code == 422 and "must be an amount between 0 and" in response.get_data(as_text=True)


def test_required_milestones_come_from_the_template(app, db, web, login_as, make_project, milestone_template):
    required = [item.code for item in service.template_items() if item.is_required]
    assert required == ["roofing", "finishing", "equipment"]
    login_as("admin")
    rows = {}
    for index, item in enumerate(service.template_items()):
        rows.update({f"rows-{index}-id": str(item.id), f"rows-{index}-name": item.name,
                     f"rows-{index}-weight": str(item.weight)})
        if item.is_required or item.code == "walls":
            rows[f"rows-{index}-is_required"] = "y"
    assert web.post("/construction/milestone-template", rows).status_code == 302
    project = make_project()
    assert [m.code for m in service.project_milestones(project) if m.is_required] == [
        "walls", "roofing", "finishing", "equipment"]


class ProjectLifeCycle(RuleBasedStateMachine):
    """A model of the rule book: what should be accepted, compared with what the services accept."""

    app = make_project = admin = officer = None  # set by the test

    def __init__(self):
        super().__init__()
        self.project = self.make_project()
        self.start = self.project.start_date
        self.reached, self.checklist, self.final, self.handover_day = set(), False, False, None

    def attempt(self, call, expected):
        with english(self.app):
            try:
                call()
                _db.session.commit()
                accepted = True
            except DomainError:
                _db.session.rollback()
                accepted = False
        assert accepted == expected, call
        return accepted

    def reports(self):
        return _db.session.execute(select(ProgressReport.report_date, ProgressReport.physical_progress)
                                   .where(ProgressReport.project_id == self.project.id)
                                   .order_by(ProgressReport.report_date, ProgressReport.id)).all()

    @rule(days=st.integers(0, 400), progress=st.integers(0, 100), reason=st.booleans())
    def log_progress(self, days, progress, reason):
        day = self.start + timedelta(days=days)
        rows = self.reports()
        before = [p for d, p in rows if d <= day]
        after = [p for d, p in rows if d > day]
        steps_back = (before and progress < before[-1]) or (after and progress > after[0])
        expected = not self.final and (reason or not steps_back)
        self.attempt(lambda: report(self.project, day, progress, "Wall fell down." if reason else ""), expected)

    @rule(code=st.sampled_from(["walls", "roofing", "finishing", "equipment"]))
    def reach(self, code):
        if self.attempt(lambda: reach_milestones(self.project, self.start + timedelta(days=30), TODAY,
                                                 codes=sorted(self.reached | {code})), not self.final):
            self.reached.add(code)

    @initialize(ticked=st.booleans())
    def start_with_the_checklist(self, ticked):
        if ticked:
            self.complete_checklist()

    @rule(days=st.integers(100, 300))
    def accept_as_admin_with_a_reason(self, days):
        self.hand_over(final=True, as_admin=True, reason=True, days=days)

    @rule()
    def complete_checklist(self):
        if self.attempt(lambda: service.save_checklist(self.project, checked_on=None, notes="", today=TODAY,
                                                       **COMPLETE), not self.final):
            self.checklist = True

    @rule(final=st.booleans(), as_admin=st.booleans(), reason=st.booleans(), days=st.integers(100, 300))
    def hand_over(self, final, as_admin, reason, days):
        missing = bool({"roofing", "finishing", "equipment"} - self.reached)
        expected = self.checklist and not (self.final and not final) and not (self.final and not as_admin)
        if final and missing and not self.final:
            expected = expected and as_admin and reason
        day = self.start + timedelta(days=days)
        call = lambda: service.record_handover(  # noqa: E731
            self.admin if as_admin else self.officer, self.project, handover_date=day, police_representative="Cdt Mbuyi",
            defects="", is_final_acceptance=final, override_reason=REASON if reason else "", today=TODAY)
        if self.attempt(call, expected) and final:
            self.final, self.handover_day = True, day

    @rule(days=st.integers(0, 480))
    def pay(self, days):
        day = min(self.start + timedelta(days=days), TODAY)
        expected = not self.final or day <= self.handover_day + timedelta(days=service.SETTLEMENT_DAYS)
        self.attempt(lambda: service.record_expenditure(self.project, spent_on=day, amount=Decimal("1000"),
                                                        description="Instalment", today=TODAY), expected)

    @invariant()
    def acceptance_has_its_milestones_or_a_reason(self):
        handover = service.project_handover(self.project)
        if handover is not None and handover.is_final_acceptance:
            assert not service.missing_required_milestones(self.project) or handover.override_reason
            assert metrics_for([self.project], TODAY)[self.project.id].status == "done"


def test_project_life_cycle_state_machine(app, db, make_project, make_user):
    """Any sequence of reports, milestones, checklist, handovers and payments keeps the rules of the rule book."""
    ProjectLifeCycle.app, ProjectLifeCycle.make_project = app, staticmethod(make_project)
    ProjectLifeCycle.admin = make_user("admin")
    ProjectLifeCycle.officer = make_user("project_officer", provinces=["Kasaï-Oriental"])
    run_state_machine_as_test(ProjectLifeCycle, settings=settings(max_examples=25, stateful_step_count=12))


def test_a_report_saved_after_the_acceptance_before_the_rule_does_not_count(app, db, make_project):
    """Data saved before the rule (observation 3): the portfolio keeps the progress of the acceptance."""
    project = make_project()
    reach_milestones(project, date(2016, 12, 1), TODAY)
    report(project, date(2016, 12, 10), 100)
    accept(project)
    _db.session.add(ProgressReport(project_id=project.id, report_date=date(2017, 5, 2), physical_progress=35))
    _db.session.commit()
    metrics = metrics_for([project], TODAY)[project.id]
    assert metrics.progress == 100 and metrics.status == "done"


def test_only_an_administrator_changes_which_milestones_are_required(app, db, web, client, login_as, make_project,
                                                                     make_user):
    project = make_project()
    login_as("project_officer", "Kasaï-Oriental")
    page = client.get(f"/construction/{project.id}/milestones").get_data(as_text=True)
    assert "Only an administrator changes which milestones are required." in page
    rows = {}
    for index, m in enumerate(service.project_milestones(project)):  # every flag unticked: not taken into account
        rows.update({f"rows-{index}-id": str(m.id), f"rows-{index}-name": m.name, f"rows-{index}-weight": str(m.weight),
                     f"rows-{index}-planned_date": m.planned_date.isoformat()})
    assert web.post(f"/construction/{project.id}/milestones", rows).status_code == 302
    assert len(service.missing_required_milestones(project)) == 3
    equipment = [i for i, m in enumerate(service.project_milestones(project)) if m.code == "equipment"][0]
    response = web.post(f"/construction/{project.id}/milestones", {**rows, f"rows-{equipment}-remove": "y"})
    assert response.status_code == 422 and "only an administrator can remove it" in response.get_data(as_text=True)

    admin = make_user("admin")
    rows = [{"id": m.id, "name": m.name, "weight": m.weight, "is_required": m.code == "roofing",
             "planned_date": m.planned_date, "actual_date": None, "remove": False}
            for m in service.project_milestones(project)]
    service.update_milestones(project, rows, today=TODAY, actor=admin)
    _db.session.commit()
    assert [m.code for m in service.missing_required_milestones(project)] == ["roofing"]
