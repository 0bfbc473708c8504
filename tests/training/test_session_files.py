"""A session on paper and back: the register as a file, and the import of marks typed in later, which goes
through the idempotent register save (the printable sign-in sheet: test_signin_sheet.py)."""
from datetime import date, time

from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Attendance, TrainingSession
from tests.training.fixtures import confirm_url, problem_rows, upload


def _session(make_cohort, make_trainee, trainer=None, n=3, day=date(2016, 4, 4), topic="Droits humains"):
    cohort = make_cohort(trainers=[trainer] if trainer else [])
    trainees = [make_trainee(last_name=f"Kasongo{i}") for i in range(n)]
    enrolments = service.enrol_trainees(cohort, [t.id for t in trainees], enrolled_on=date(2016, 3, 29))
    session = TrainingSession(cohort_id=cohort.id, session_date=day, start_time=time(8), end_time=time(12, 30),
                              topic=topic)
    _db.session.add(session)
    _db.session.commit()
    return cohort, session, trainees, enrolments


def test_marks_typed_in_later_are_imported_without_duplicates(client, web, login_as, make_cohort, make_trainee):
    trainer = login_as("trainer", "Kasaï-Oriental")
    _cohort, session, trainees, enrolments = _session(make_cohort, make_trainee, trainer, n=4)
    url = f"/training/sessions/{session.id}/import"
    blank = client.get(f"/training/sessions/{session.id}/register.csv").get_data().decode("utf-8-sig")
    assert blank.splitlines()[0] == "Matricule,Name,Attendance" and trainees[0].matricule in blank
    content = ("Matricule;Nom complet;Présence;Heure d'arrivée\n"
               f"{trainees[0].matricule};X;P;07:55\n{trainees[1].matricule};X;absent;\n"
               f"{trainees[2].matricule};X;en retard;08:40\n").encode("cp1252")
    for _attempt in range(2):  # the same sheet imported twice
        html = upload(web, content, "feuille.csv", url=url).get_data(as_text=True)
        assert 'id="rows-to-import">3<' in html
        warnings = [m for _r, _c, m, s in problem_rows(html) if s == "warning"]
        assert warnings == ["1 trainees of the register are not in the file: their marks stay as they are."]
        web.post(confirm_url(html), {"action": "confirm"}, page=url)
    marks = dict(_db.session.execute(select(Attendance.enrolment_id, Attendance.status)).all())
    assert marks == {enrolments[0].id: "present", enrolments[1].id: "absent", enrolments[2].id: "late"}
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == 3
    register = client.get(f"/training/sessions/{session.id}/register.csv").get_data().decode("utf-8-sig")
    assert f"{trainees[1].matricule},{trainees[1].full_name},Absent" in register


def test_bad_marks_are_listed_by_row_and_nothing_is_saved(web, login_as, make_cohort, make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    cohort, session, trainees, _e = _session(make_cohort, make_trainee, n=3)
    stranger = make_trainee(last_name="Ailleurs")
    content = ("Matricule,Attendance\n"
               f"{trainees[0].matricule},present\n"      # 2: fine
               f"{trainees[1].matricule},here\n"         # 3: bad mark
               f"{stranger.matricule},present\n"         # 4: not enrolled in the cohort
               "77777777,absent\n"                       # 5: unknown matricule
               f"{trainees[0].matricule},absent\n"       # 6: repeated
               f"{trainees[2].matricule},\n")            # 7: no mark
    response = upload(web, content.encode(), url=f"/training/sessions/{session.id}/import")
    assert response.status_code == 422
    by_row = {int(r): (c, m) for r, c, m, s in problem_rows(response.get_data(as_text=True)) if r != "—"}
    assert by_row[3] == ("Attendance", "“here” is not an attendance mark: write present, late, excused or absent "
                                       "(or P, L, E, A).")
    assert by_row[4][1] == f"{stranger.matricule} is not enrolled in this cohort on the day of the session."
    assert by_row[5][1] == "No trainee has the matricule 77777777."
    assert "already in row 2" in by_row[6][1] and by_row[7][1] == "The attendance mark is missing."
    assert 2 not in by_row
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_marks_for_a_future_session_or_wrong_columns_are_refused(web, login_as, make_cohort, make_trainee):
    login_as("admin")
    _c, session, trainees, _e = _session(make_cohort, make_trainee, n=1, day=date(2099, 1, 5))
    html = upload(web, f"Matricule,Attendance\n{trainees[0].matricule},P\n".encode(),
                  url=f"/training/sessions/{session.id}/import").get_data(as_text=True)
    assert "This session has not taken place yet." in html
    _c, past, trainees, _e = _session(make_cohort, make_trainee, n=1)
    html = upload(web, f"Matricule,Signature\n{trainees[0].matricule},x\n".encode(),
                  url=f"/training/sessions/{past.id}/import").get_data(as_text=True)
    assert "The required column Attendance (in French: Présence) is missing" in html
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == 0
