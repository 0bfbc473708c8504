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


def test_enrolment_and_withdrawal_dates_from_a_french_file(client, web, login_as, make_cohort, make_trainee):
    login_as("project_officer", "Kasaï-Oriental", locale="fr")
    cohort = make_cohort()  # 29 March – 28 August 2016
    on_time, late, left, before = (make_trainee(), make_trainee(last_name="Tardif"), make_trainee(last_name="Parti"),
                                   make_trainee(last_name="Avant"))
    earlier = service.enrol_trainees(cohort, [before.id])[0]
    _db.session.commit()
    url = f"/training/cohorts/{cohort.id}/enrol-import"
    content = ("Matricule;Date d'inscription;Date de retrait;Motif du retrait\n"
               f"{on_time.matricule};;;\n"
               f"{late.matricule};15/04/2016;;\n"
               f"{left.matricule};2016-04-01;2016-05-02;Muté à Kananga\n"
               f"{before.matricule};;20/06/2016;Maladie\n")
    html = upload(web, content.encode("cp1252"), "inscriptions.csv", url=url).get_data(as_text=True)
    assert 'id="rows-to-import">4<' in html and 'id="error-count">0<' in html
    response = web.post(confirm_url(html), {"action": "confirm"}, page=url)
    assert "4 inscriptions enregistrées." in client.get(response.headers["Location"]).get_data(as_text=True)
    found = {e.trainee_id: e for e in _db.session.scalars(select(Enrolment))}
    assert found[on_time.id].enrolled_on == cohort.start_date and found[on_time.id].withdrawn_on is None
    assert found[late.id].enrolled_on == date(2016, 4, 15)
    assert (found[left.id].enrolled_on, found[left.id].withdrawn_on, found[left.id].withdrawal_reason) == (
        date(2016, 4, 1), date(2016, 5, 2), "Muté à Kananga")
    assert found[before.id].id == earlier.id and found[before.id].withdrawn_on == date(2016, 6, 20)
    assert found[before.id].withdrawal_reason == "Maladie"


def test_enrolment_dates_out_of_bounds_are_listed_by_row(web, login_as, make_cohort, make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    cohort = make_cohort()  # 29 March – 28 August 2016
    trainees = [make_trainee() for _ in range(7)]
    url = f"/training/cohorts/{cohort.id}/enrol-import"
    rows = [(trainees[0], "2016-03-01", "", ""),        # 2: before the cohort
            (trainees[1], "1850-01-01", "", ""),        # 3: implausible
            (trainees[2], "soon", "", ""),              # 4: unreadable
            (trainees[3], "2016-05-01", "2016-04-20", "Muté"),  # 5: withdrawn before enrolled
            (trainees[4], "", "2016-05-01", ""),        # 6: no reason
            (trainees[5], "", "", "Malade"),            # 7: a reason without a date
            (trainees[6], "", "2016-09-30", "Malade")]  # 8: after the cohort
    content = "Matricule,Enrolment date,Withdrawal date,Withdrawal reason\n" + "".join(
        f"{t.matricule},{a},{b},{c}\n" for t, a, b, c in rows)
    response = upload(web, content.encode(), url=url)
    assert response.status_code == 422
    by_row = {int(r): (column, message) for r, column, message, _s in problem_rows(response.get_data(as_text=True))}
    assert by_row[2] == ("Enrolment date", "The enrolment date must be within the cohort "
                                           "(Mar 29, 2016 – Aug 28, 2016).")
    assert by_row[3][0] == "Enrolment date" and "must be between" in by_row[3][1]
    assert by_row[4] == ("Enrolment date", "“soon” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY.")
    assert by_row[5] == ("Withdrawal date", "The withdrawal date cannot be before the enrolment date (May 1, 2016).")
    assert by_row[6] == ("Withdrawal reason", "Give the reason for the withdrawal.")
    assert by_row[7] == ("Withdrawal date", "Enter the withdrawal date, or leave the reason empty.")
    assert by_row[8][0] == "Withdrawal date" and "must be within the cohort" in by_row[8][1]
    assert enrolled(cohort) == 0


def test_a_withdrawal_cannot_be_dated_in_the_future(web, login_as, make_cohort, make_trainee):
    from datetime import timedelta
    login_as("project_officer", "Kasaï-Oriental")
    today = date.today()
    cohort = make_cohort(start=today - timedelta(days=30), end=today + timedelta(days=60))
    trainee = make_trainee()
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = upload(web, f"Matricule,Withdrawal date,Withdrawal reason\n{trainee.matricule},{tomorrow},Muté\n".encode(),
                      url=f"/training/cohorts/{cohort.id}/enrol-import")
    assert response.status_code == 422
    assert [(r, m) for r, _c, m, _s in problem_rows(response.get_data(as_text=True))] == [
        ("2", "The withdrawal date cannot be in the future.")]
