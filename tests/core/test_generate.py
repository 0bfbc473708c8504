"""`flask cpms generate`: invented data at a chosen size, through bulk inserts, for benchmarks."""
import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

from cpms.core.demo import DEMO_USERS
from cpms.core.generate import GenerationRefused, generate
from cpms.extensions import db as _db

PASSWORDS = {user["role"]: (user["email"], user["password"]) for user in DEMO_USERS}


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def fingerprint():
    """A digest of the generated officers and marks (not of password hashes or session tokens, which are random)."""
    from cpms.training.models import Attendance, Trainee
    digest = hashlib.sha256()
    for row in _db.session.execute(select(Trainee.matricule, Trainee.last_name, Trainee.birth_date, Trainee.commune_id)
                                   .order_by(Trainee.id)):
        digest.update(repr(tuple(row)).encode())
    for row in _db.session.execute(select(Attendance.status, func.count()).group_by(Attendance.status)
                                   .order_by(Attendance.status)):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@pytest.fixture
def small(app, db):
    summary = generate(_db.engine, "small", echo=lambda line: None)
    _db.session.remove()
    return summary


def test_small_scale_has_a_hundredth_of_the_country(small):
    from cpms.committees.models import Committee, Meeting
    from cpms.stations.models import ConstructionProject, Station
    from cpms.surveys.models import SurveyResponse
    from cpms.training.models import Attendance, Cohort, Trainee

    assert (count(Trainee), count(Cohort), count(Committee), count(Meeting)) == (1_000, 25, 50, 600)
    assert (count(Station), count(ConstructionProject), count(SurveyResponse)) == (10, 10, 2_000)
    # 50,000 marks for a hundredth of the country, plus the 450-officer cohort's (about 80 sessions so far)
    assert 50_000 < count(Attendance) < 110_000
    assert small["attendance marks"] == count(Attendance)
    assert small["trainees"] == 1_000
    with pytest.raises(GenerationRefused):  # only into an empty database
        generate(_db.engine, "small", echo=lambda line: None)


def test_the_register_cohort_has_450_officers_and_an_open_register(small):
    from cpms.training.generate import REGISTER_COHORT
    from cpms.training.models import Attendance, Cohort, Enrolment, TrainingSession

    cohort = _db.session.scalar(select(Cohort).where(Cohort.name == REGISTER_COHORT))
    assert count(select(Enrolment).where(Enrolment.cohort_id == cohort.id).subquery()) == 450
    latest = _db.session.scalar(select(TrainingSession).where(TrainingSession.cohort_id == cohort.id,
                                                              TrainingSession.session_date <= date.today())
                                .order_by(TrainingSession.session_date.desc()))
    marked = count(select(Attendance).where(Attendance.session_id == latest.id).subquery())
    assert marked == 0
    assert "formateur@demo.cpms.example" in [t.email for t in cohort.trainers]


def test_command_refuses_a_database_with_users(app, db, make_user):
    make_user("admin")
    result = app.test_cli_runner().invoke(args=["cpms", "generate", "--scale", "small"])
    assert result.exit_code != 0 and "not empty" in result.output


def test_the_same_seed_gives_the_same_data(app, db):
    from tests.conftest import _empty_database
    from cpms.geo.reference import load_reference_places

    generate(_db.engine, "small", seed=7, today=date(2026, 6, 30), echo=lambda line: None)
    first = fingerprint()
    _db.session.remove()
    _empty_database()
    with _db.engine.begin() as connection:
        load_reference_places(connection)
    generate(_db.engine, "small", seed=7, today=date(2026, 6, 30), echo=lambda line: None)
    assert fingerprint() == first


def _login(web, role):
    email, password = PASSWORDS[role]
    assert web.post("/login", {"email": email, "password": password}).status_code == 302


def test_generated_data_loads_the_main_pages(small, app, web):
    from cpms.committees.models import Committee, Meeting
    from cpms.plans.models import SecurityPlan
    from cpms.stations.models import ConstructionProject, Station
    from cpms.surveys.models import SurveyRound
    from cpms.training.generate import REGISTER_COHORT
    from cpms.training.models import Cohort, Trainee, TrainingSession

    cohort_id = _db.session.scalar(select(Cohort.id).where(Cohort.name == REGISTER_COHORT))
    session_id = _db.session.scalar(select(TrainingSession.id).where(TrainingSession.cohort_id == cohort_id)
                                    .order_by(TrainingSession.session_date))
    endline = _db.session.scalar(select(SurveyRound.id).where(SurveyRound.kind == "endline"))
    first = lambda model: _db.session.scalar(select(model.id).order_by(model.id))  # noqa: E731
    pages = ["/", "/training/", "/training/trainees?q=kab", f"/training/cohorts/{cohort_id}",
             f"/training/sessions/{session_id}/register", f"/training/trainees/{first(Trainee)}", "/committees/",
             f"/committees/{first(Committee)}", f"/committees/meetings/{first(Meeting)}", "/committees/action-items",
             "/plans/", f"/plans/{first(SecurityPlan)}", "/surveys/", f"/surveys/rounds/{endline}/results",
             "/stations/", f"/stations/{first(Station)}", "/construction/", f"/construction/{first(ConstructionProject)}"]
    _login(web, "admin")
    for url in pages:
        response = web.get(url)
        assert response.status_code == 200, url
    register = web.get(f"/training/sessions/{session_id}/register").get_data(as_text=True)
    assert register.count('type="radio"') >= 450 * 4
    for role in ("trainer", "project_officer", "me_officer", "viewer"):
        web.post("/logout", page="/")
        _login(web, role)
        assert web.get("/").status_code == 200, role


def test_the_certificate_cohort_is_complete_and_generated_certificates_verify(small, app, web):
    from cpms.certificates.models import Certificate, CertificateFile, SerialCounter
    from cpms.training.attendance import cohort_completion
    from cpms.training.generate import CERTIFICATE_COHORT
    from cpms.training.models import Cohort

    cohort = _db.session.scalar(select(Cohort).where(Cohort.name == CERTIFICATE_COHORT))
    rows = cohort_completion(cohort)
    assert len(rows) == 450 and all(row.completed for row in rows)
    assert count(select(Certificate).where(Certificate.cohort_id == cohort.id).subquery()) == 0
    issued = count(Certificate)
    assert issued > 100 and count(CertificateFile) == issued
    year, last = _db.session.execute(select(SerialCounter.year, SerialCounter.last_number)
                                     .order_by(SerialCounter.year.desc())).first()
    assert count(select(Certificate).where(Certificate.serial.like(f"CPMS-{year}-%")).subquery()) == last
    certificate = _db.session.scalar(select(Certificate).where(Certificate.status == "valid").order_by(Certificate.id))
    page = web.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert 'class="verify-result verify-valid"' in page and f'id="verified-serial">{certificate.serial}<' in page
