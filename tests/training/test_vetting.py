"""Vetting batches: choosing nominees, the nominee list (CSV/XLSX), importing the decisions back, and a
denial after enrolment blocking completion. Vetting is for admins, project officers and M&E officers."""
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Vetting
from tests.training.fixtures import confirm_url, logout, problem_rows, upload

RESULTS = "/training/vetting/results"


def _vet(trainee, status, batch="OLD", decided=date(2016, 2, 1), expires=None):
    service.record_vetting(trainee, submitted_on=date(2016, 1, 5), status=status, batch_reference=batch,
                           decided_on=decided if status in ("approved", "denied") else None, expires_on=expires)
    _db.session.commit()


def _latest(trainee):
    return _db.session.scalar(select(Vetting).where(Vetting.trainee_id == trainee.id).order_by(Vetting.id.desc()))


def test_a_batch_takes_the_trainees_needing_vetting_and_exports_their_list(app, client, web, login_as, make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    never, approved, pending = make_trainee(last_name="Kabeya"), make_trainee(last_name="Mbala"), make_trainee()
    expired, elsewhere = make_trainee(last_name="Kyungu"), make_trainee(commune="Kampemba", last_name="Banza")
    muya = make_trainee(commune="Muya", last_name="Beya")
    with app.test_request_context():
        _vet(approved, "approved")
        _vet(pending, "pending")
        _vet(expired, "expired")
    response = web.post("/training/vetting/batches", {"batch_reference": "KOR-2016-B2", "submitted_on": "2016-03-01",
                                                      "cohort_id": "0", "commune_id": "0", "specialty": "",
                                                      "matricules": f"{never.matricule}\n{approved.matricule}, "
                                                                    f"{expired.matricule}; {elsewhere.matricule} 99999"},
                        page="/training/vetting")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 nominees recorded as pending in batch KOR-2016-B2" in page
    assert elsewhere.matricule in page and "99999" in page  # reported as left out, not found in the area
    assert (_latest(never).status, _latest(never).batch_reference) == ("pending", "KOR-2016-B2")
    assert _latest(expired).batch_reference == "KOR-2016-B2" and _latest(approved).batch_reference == "OLD"
    assert _latest(muya) is None and _latest(elsewhere) is None
    workbook = load_workbook(io.BytesIO(client.get("/training/vetting/nominees.xlsx?batch=KOR-2016-B2").get_data()))
    rows = [[c.value for c in row] for row in workbook.active.iter_rows()]
    assert rows[0][:3] == ["Batch reference", "Matricule", "Last name"] and "Vetting status" in rows[0]
    assert sorted(r[2] for r in rows[1:]) == ["Kabeya", "Kyungu"] and {r[0] for r in rows[1:]} == {"KOR-2016-B2"}
    csv_text = client.get("/training/vetting/nominees.csv?batch=KOR-2016-B2").get_data().decode("utf-8-sig")
    assert csv_text.count("\r\n") == 3 and never.matricule in csv_text


def test_a_batch_needs_a_criterion_and_somebody_to_submit(web, login_as, make_trainee):
    login_as("admin")
    trainee = make_trainee()
    _vet(trainee, "pending")
    data = {"batch_reference": "B", "submitted_on": "2016-03-01", "cohort_id": "0", "commune_id": "0",
            "specialty": "", "matricules": ""}
    html = web.post("/training/vetting/batches", data, page="/training/vetting").get_data(as_text=True)
    assert "Choose a cohort, a commune, a specialty or list matricules." in html
    data["matricules"] = trainee.matricule
    response = web.post("/training/vetting/batches", data, page="/training/vetting")
    assert response.status_code == 422 and "Nobody to submit" in response.get_data(as_text=True)


def test_results_come_back_from_the_filled_in_nominee_list(app, client, web, login_as, make_trainee):
    login_as("project_officer", "Kasaï-Oriental", locale="fr")
    first, second = make_trainee(last_name="Kalonji"), make_trainee(last_name="Mutombo")
    for t in (first, second):
        _vet(t, "pending", batch="B7")
    csv_text = client.get("/training/vetting/nominees.csv?batch=B7").get_data().decode("utf-8-sig")
    lines = csv_text.strip().split("\r\n")
    header = lines[0].split(";")
    assert header[0] == "Référence du lot" and "Statut de la vérification" in header
    status, decided, expires = (header.index(n) for n in ("Statut de la vérification", "Date de décision", "Date d'expiration"))
    filled = [lines[0]]
    for line, (mark, day) in zip(lines[1:], (("Approuvé", "01/03/2016"), ("refusé", "2016-03-02"))):
        cells = line.split(";")
        cells[status], cells[decided] = mark, day
        if mark == "Approuvé":
            cells[expires] = "01/03/2018"
        filled.append(";".join(cells))
    response = upload(web, ("\n".join(filled) + "\n").encode("cp1252"), "resultats.csv", url=RESULTS)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert 'id="rows-to-import">2<' in html and _latest(first).status == "pending"
    web.post(confirm_url(html), {"action": "confirm"}, page=RESULTS)
    assert (_latest(first).status, _latest(first).decided_on, _latest(first).expires_on) == (
        "approved", date(2016, 3, 1), date(2018, 3, 1))
    assert (_latest(second).status, _latest(second).decided_on) == ("denied", date(2016, 3, 2))


def test_bad_result_rows_are_listed_and_nothing_is_saved(web, login_as, make_trainee):
    login_as("admin")
    a, b, c, never = make_trainee(), make_trainee(), make_trainee(), make_trainee()
    for t in (a, b, c):
        _vet(t, "pending", batch="B8")
    content = ("Matricule,Vetting status,Decision date,Expires on,Notes\n"
               f"{a.matricule},approved,,,\n"                   # 2: decision date missing
               f"{b.matricule},maybe,2016-03-01,,\n"            # 3: bad status
               f"{c.matricule},approved,2015-12-01,,\n"         # 4: decided before the submission
               f"{never.matricule},approved,2016-03-01,,\n"     # 5: never submitted
               "00000,approved,2016-03-01,,\n"                  # 6: unknown matricule
               f"{a.matricule},denied,2016-03-01,,\n"           # 7: repeated
               f"{c.matricule.replace('0', '0', 1)}x,approved,2016-03-01,2016-01-01,\n")  # 8: unknown
    response = upload(web, content.encode(), url=RESULTS)
    assert response.status_code == 422
    by_row = {int(r): (column, message) for r, column, message, _s in problem_rows(response.get_data(as_text=True))}
    assert by_row[2] == ("Decision date", "Enter the date of the decision.")
    assert by_row[3][0] == "Vetting status" and "“maybe” is not a vetting status" in by_row[3][1]
    assert "cannot be before the submission date (2016-01-05)" in by_row[4][1]
    assert "No vetting submission recorded" in by_row[5][1]
    assert "No trainee with the matricule 00000 in your area." == by_row[6][1]
    assert "already in row 2" in by_row[7][1]
    assert {_latest(t).status for t in (a, b, c)} == {"pending"}


def test_a_denial_after_enrolment_is_warned_then_blocks_completion(app, client, web, login_as, make_trainee,
                                                                   make_cohort):
    login_as("project_officer", "Kasaï-Oriental")
    cohort = make_cohort(requires_vetting=True)
    trainee = make_trainee(last_name="Tshilumba")
    _vet(trainee, "approved", batch="B1")
    service.enrol_trainees(cohort, [trainee.id])
    _db.session.commit()
    content = f"Matricule,Vetting status,Decision date,Batch reference\n{trainee.matricule},denied,2016-05-20,B1\n"
    html = upload(web, content.encode(), url=RESULTS).get_data(as_text=True)
    warnings = [m for _r, _c, m, severity in problem_rows(html) if severity == "warning"]
    assert any("Changes the recorded decision from Approved to Denied" in m for m in warnings)
    assert any(f"is enrolled in {cohort.name}: the denial will block completion" in m for m in warnings)
    web.post(confirm_url(html), {"action": "confirm"}, page=RESULTS)
    assert "Vetting not approved" in client.get(f"/training/cohorts/{cohort.id}").get_data(as_text=True)
    closeout = client.get(f"/training/cohorts/{cohort.id}/close-out").get_data(as_text=True)
    assert "human-rights vetting not approved" in closeout and "0 of 1 trainees completed" in closeout


def test_only_admins_project_and_me_officers_see_vetting(client, web, login_as, make_trainee):
    trainee = make_trainee()
    _vet(trainee, "approved", batch="B3")
    login_as("me_officer")
    page = client.get("/training/vetting").get_data(as_text=True)
    assert "B3" in page and "New submission batch" not in page and 'id="vetting-approved">Approved: 1<' in page
    assert client.get("/training/vetting/nominees.csv?batch=B3").status_code == 200
    for role in ("trainer", "viewer"):
        logout(client, web)
        login_as(role)
        assert client.get("/training/vetting").status_code == 403
        assert client.get("/training/vetting/nominees.csv?batch=B3").status_code == 403
        assert "Vetting" not in client.get("/").get_data(as_text=True).split("</nav>")[0]
    detail = client.get(f"/training/trainees/{trainee.id}")  # the viewer is last: no personal pages at all
    assert detail.status_code == 403
    logout(client, web)
    login_as("trainer")
    detail = client.get(f"/training/trainees/{trainee.id}").get_data(as_text=True)
    assert trainee.matricule in detail and "Human-rights vetting" not in detail and "B3" not in detail
