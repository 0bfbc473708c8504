"""`python -m bench generate`: invented data at a chosen size, through bulk inserts, for benchmarks."""
import hashlib
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import aliased

from bench.generate import GenerationRefused, generate
from cpms.auth.demo import DEMO_USERS
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
    from bench.generate.training import REGISTER_COHORT
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
    from bench.cli import generate_command
    result = app.test_cli_runner().invoke(generate_command, args=["--scale", "small"])
    assert result.exit_code != 0 and "not empty" in result.output


def test_the_same_seed_gives_the_same_data(app, db):
    from cpms.geo.reference import load_reference_places
    from tests.conftest import _empty_database

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
    from bench.generate.training import REGISTER_COHORT
    from cpms.committees.models import Committee, Meeting
    from cpms.plans.models import SecurityPlan
    from cpms.stations.models import ConstructionProject, Station
    from cpms.surveys.models import SurveyRound
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
    from cpms.indicators.models import ProgrammeIndicator, ResultsFramework
    from cpms.programmes.models import Programme
    assert count(ResultsFramework) == count(Programme)
    programme = _db.session.scalar(select(Programme.id).join(Cohort, Cohort.programme_id == Programme.id)
                                   .order_by(Programme.id))
    assert _db.session.scalar(select(func.count()).select_from(ProgrammeIndicator)
                              .where(ProgrammeIndicator.programme_id == programme)) == 17
    for url in (f"/indicators/programmes/{programme}", f"/indicators/programmes/{programme}/report?dimension=sex",
                f"/indicators/programmes/{programme}/report.xlsx"):
        assert web.get(url).status_code == 200, url
    for role in ("trainer", "project_officer", "me_officer", "viewer"):
        web.post("/logout", page="/")
        _login(web, role)
        assert web.get("/").status_code == 200, role


def _certify_passed_enrolments():
    """Certificates for the passed enrolments of finished cohorts, as the certificates generator makes them, for
    a tree without that generator (retention counts certified officers)."""
    from cpms.certificates.models import Certificate, CertificateTemplate
    from cpms.training.models import Cohort, Course, Enrolment
    if count(Certificate):
        return
    template = _db.session.scalar(select(CertificateTemplate.id))
    if template is None:
        template = CertificateTemplate(version=1, html="<p>{{ holder_name }}</p>", note="test")
        _db.session.add(template)
        _db.session.flush()
        template = template.id
    rows = _db.session.execute(
        select(Enrolment.id, Enrolment.trainee_id, Cohort.id, Cohort.province_id, Cohort.commune_id,
               Cohort.start_date, Cohort.end_date)
        .join(Cohort, Cohort.id == Enrolment.cohort_id).join(Course, Course.id == Cohort.course_id)
        .where(Cohort.status == "completed", Enrolment.withdrawn_on.is_(None),
               Enrolment.final_score >= Course.pass_mark)).all()
    _db.session.execute(insert(Certificate), [
        dict(serial=f"TEST-{e}", verification_code=f"CODE{e}", verification_url="https://cpms.example.org/verify",
             enrolment_id=e, trainee_id=t, cohort_id=c, province_id=p, commune_id=m, template_id=template,
             holder_name="Officer", matricule="0", course_title="Course", start_date=s, end_date=d,
             issued_at=datetime(d.year, d.month, d.day, 12, tzinfo=timezone.utc))
        for e, t, c, p, m, s, d in rows])
    _db.session.commit()


def test_officers_who_passed_are_posted_and_retention_has_figures(small, app, web):
    from cpms.deployments.models import CoachingVisit, FollowUpAction, Posting
    from cpms.training.models import Cohort, Course, Enrolment

    passed = _db.session.scalar(
        select(func.count(func.distinct(Enrolment.trainee_id))).join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Cohort.status == "completed", Enrolment.withdrawn_on.is_(None),
               Enrolment.final_score >= Course.pass_mark))
    posted = _db.session.scalar(select(func.count(func.distinct(Posting.trainee_id))))
    assert small["officers posted"] == posted
    assert 0.85 * passed < posted <= passed
    assert count(Posting) > posted  # moves and transfers: several postings for some officers
    assert _db.session.scalar(select(func.count()).select_from(Posting).where(Posting.end_reason.is_not(None))) > 0
    assert count(CoachingVisit) == 40 and count(FollowUpAction) >= 40
    # an officer's postings never overlap
    later = aliased(Posting)
    assert not _db.session.execute(select(Posting.id).join(later, and_(
        later.trainee_id == Posting.trainee_id, later.id != Posting.id, later.start_date >= Posting.start_date,
        or_(Posting.end_date.is_(None), later.start_date <= Posting.end_date))).limit(1)).all()

    _certify_passed_enrolments()
    _login(web, "admin")
    moved = _db.session.scalar(select(Posting.trainee_id).group_by(Posting.trainee_id)
                               .having(func.count() > 2).order_by(Posting.trainee_id))
    visit = _db.session.scalar(select(CoachingVisit.id).order_by(CoachingVisit.id))
    for url in ("/deployments/", "/deployments/?status=current", f"/deployments/officers/{moved}",
                "/deployments/cohorts", "/deployments/coaching/", f"/deployments/coaching/{visit}",
                "/deployments/retention", "/deployments/retention/export.xlsx"):
        assert web.get(url).status_code == 200, url
    page = web.get("/deployments/retention").get_data(as_text=True)
    total = re.search(r'id="retention-total".*?</table>', page, re.S).group(0)
    shares = [float(s.replace(",", ".")) for s in re.findall(r"<strong>([\d.,]+) %</strong>", total)]
    assert len(shares) == 4  # 6, 12, 24 and 36 months, all due
    assert all(55 <= share <= 95 for share in shares), shares
    assert shares == sorted(shares, reverse=True), shares
    assert 'id="early-departures"' in page

    from cpms.indicators.models import Indicator, ProgrammeIndicator
    from cpms.programmes.models import Programme
    programme = _db.session.scalar(select(Programme.id).join(Cohort, Cohort.programme_id == Programme.id)
                                   .order_by(Programme.id))
    report = web.get(f"/indicators/programmes/{programme}/report?period=FY{date.today().year - 1}")
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    for code in ("RET-12", "RET-36"):
        pi = _db.session.scalar(select(ProgrammeIndicator.id).join(Indicator)
                                .where(ProgrammeIndicator.programme_id == programme, Indicator.code == code))
        actual = re.search(rf'data-pi="{pi}" data-category="">.*?<td class="num actual">(.*?)</td>', html, re.S)
        assert actual and re.search(r"\d %", actual.group(1)), code


def test_the_certificate_cohort_is_complete_and_generated_certificates_verify(small, app, web):
    from bench.generate.training import CERTIFICATE_COHORT
    from cpms.certificates.models import Certificate, CertificateFile, SerialCounter
    from cpms.training.models import Cohort
    from cpms.training.service.attendance import cohort_completion

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
