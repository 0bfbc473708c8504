"""The stations demo lives today: a project of the running programme mid-way, the historical ones unchanged, and
every sentence in the demo's language."""
from datetime import date, timedelta

from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.stations.models import ConstructionProject, Milestone, ProgressReport


def test_demo_has_a_project_of_the_current_programme_mid_way_in_english(app, demo_en, client, web):
    from cpms.stations.service import project_milestones, project_reports
    from cpms.stations.service.metrics import metrics_for

    today = date.today()
    project = _db.session.scalar(select(ConstructionProject).join(ConstructionProject.programme)
                                 .where(ConstructionProject.kind == "rehabilitation"))
    assert project.programme.code == "PDP-MBM-ACTUEL" and project.station.name == "Commissariat de Diulu"
    assert project.start_date < today - timedelta(days=90) < today < project.planned_completion_date
    milestones = project_milestones(project)
    reached = [m for m in milestones if m.actual_date is not None]
    assert 0 < len(reached) < len(milestones)
    upcoming = min(m.planned_date for m in milestones if m.actual_date is None)
    assert today <= upcoming <= today + timedelta(days=14)
    reports = project_reports(project)
    assert len(reports) >= 2 and any(r.photos for r in reports) and any(not r.photos for r in reports)
    assert not metrics_for([project])[project.id].is_handed_over

    # the historical projects keep their 2016 dates, and nothing is written in French in the English demo
    bipemba = _db.session.scalars(select(ConstructionProject).join(ConstructionProject.programme)
                                  .where(ConstructionProject.start_date < date(2017, 1, 1))).all()
    assert len(bipemba) == 5 and all(metrics_for(bipemba)[p.id].is_handed_over for p in bipemba)
    narratives = _db.session.scalars(select(ProgressReport.narrative)).all()
    assert "Works finished; the building is ready for handover." in narratives
    assert not any("Travaux" in text or "(invented)" in text for text in narratives)
    assert _db.session.scalar(select(Milestone.id).where(Milestone.is_required.is_(True))) is not None


def test_demo_sentences_in_french(app, demo):
    from cpms.stations.models import Expenditure, Handover

    assert app.config["BABEL_DEFAULT_LOCALE"] == "fr"  # the demo fixture loads the demo in the app's language
    narratives = _db.session.scalars(select(ProgressReport.narrative)).all()
    assert "Travaux terminés ; le bâtiment est prêt pour la remise." in narratives
    assert "Works finished; the building is ready for handover." not in narratives
    assert not any("(invented)" in name for name in _db.session.scalars(select(Handover.police_representative)))
    assert "Avance à l'entreprise (30 %)" in _db.session.scalars(select(Expenditure.description)).all()
