"""Enrolling a cohort from a file of matricules: the same preview, then enrol_trainees (vetting gate,
capacity) all or nothing."""
from datetime import date

from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Enrolment
from tests.training.fixtures import confirm_url, problem_rows, upload


def enrolled(cohort):
    return _db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort.id))


def test_enrol_from_a_file_skips_those_already_enrolled(client, web, login_as, make_cohort, make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    cohort = make_cohort()
    first, second, already = make_trainee(), make_trainee(), make_trainee(last_name="Deja")
    service.enrol_trainees(cohort, [already.id])
    _db.session.commit()
    url = f"/training/cohorts/{cohort.id}/enrol-import"
    assert url in client.get(f"/training/cohorts/{cohort.id}").get_data(as_text=True)
    content = f"Matricule;Nom\n{first.matricule};x\n{already.matricule};x\n{second.matricule.replace('0', '0')};x\n"
    html = upload(web, content.encode(), "liste.csv", url=url).get_data(as_text=True)
    assert 'id="rows-to-import">2<' in html
    assert [(r, m) for r, _c, m, s in problem_rows(html) if s == "warning"] == [
        ("3", f"{already.full_name} is already enrolled; the row is skipped.")]
    response = web.post(confirm_url(html), {"action": "confirm"}, page=url)
    assert "2 enrolments recorded." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert enrolled(cohort) == 3


def test_enrol_file_problems_vetting_and_capacity(web, login_as, make_cohort, make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    cohort = make_cohort(requires_vetting=True, capacity=2)
    vetted = [make_trainee() for _ in range(3)]
    for trainee in vetted:
        service.record_vetting(trainee, submitted_on=date(2016, 1, 5), status="approved", decided_on=date(2016, 2, 1))
    unvetted, elsewhere = make_trainee(last_name="Sansvetting"), make_trainee(commune="Kampemba")
    _db.session.commit()
    url = f"/training/cohorts/{cohort.id}/enrol-import"
    content = "Matricule\n" + "\n".join([*(t.matricule for t in vetted), unvetted.matricule, elsewhere.matricule,
                                         vetted[0].matricule, ""]) + "\n"
    response = upload(web, content.encode(), url=url)
    assert response.status_code == 422
    problems = problem_rows(response.get_data(as_text=True))
    by_row = {r: m for r, _c, m, _s in problems}
    assert by_row["5"] == (f"{unvetted.full_name} cannot be enrolled – the programme requires approved human-rights "
                           "vetting: never submitted.")
    assert by_row["6"] == f"No trainee with the matricule {elsewhere.matricule} in your area: import the trainees first."
    assert "already in row 2" in by_row["7"]
    assert by_row["—"] == "The cohort has 2 places left; the file enrols 3 trainees."
    assert enrolled(cohort) == 0


def test_a_file_of_trainees_all_enrolled_already_has_nothing_to_import(web, login_as, make_cohort, make_trainee):
    login_as("admin")
    cohort = make_cohort()
    trainee = make_trainee()
    service.enrol_trainees(cohort, [trainee.id])
    _db.session.commit()
    html = upload(web, f"Matricule\n{trainee.matricule}\n".encode(),
                  url=f"/training/cohorts/{cohort.id}/enrol-import").get_data(as_text=True)
    assert "Nothing to import: every row is already recorded." in html and 'value="confirm"' not in html
