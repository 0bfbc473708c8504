"""Importing trainees from CSV or XLSX: the template, the preview with every problem by row and column,
confirmation all or nothing, and bad files (wrong columns, bad dates, duplicates, empty, oversized,
Latin-1, BOM, semicolons, XLSX)."""
import io
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from cpms.training.models import Trainee
from tests.training.fixtures import TRAINEE_IMPORT_URL, confirm_url, logout, problem_rows, upload

URL = TRAINEE_IMPORT_URL
HEADER_EN = "Matricule,Last name,Post-name,First name,Sex,Date of birth,Rank,Specialty,Unit,Commune,Phone,Consent"


def trainees():
    return _db.session.scalar(select(func.count()).select_from(Trainee))


def test_template_in_the_users_language(client, login_as, ranks):
    login_as("project_officer", "Kasaï-Oriental", locale="fr")
    response = client.get("/training/trainees/import-template.csv")
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeffMatricule;Nom;Postnom;Prénom;Sexe;Date de naissance;Grade")
    workbook = load_workbook(io.BytesIO(client.get("/training/trainees/import-template.xlsx?lang=en").get_data()))
    header = [c.value for c in workbook["Trainees"][1]]
    assert header[:5] == ["Matricule", "Last name", "Post-name", "First name", "Sex"]
    lists = [[c.value for c in row] for row in workbook["Lists"].iter_rows(min_row=2)]
    assert lists[0][:2] == ["AGT", "Police officer"] and "Bipemba (Mbuji-Mayi)" in [row[4] for row in lists]
    assert "Kampemba (Lubumbashi)" not in [row[4] for row in lists]  # only communes of the user's area


def test_good_file_previews_then_imports_all(client, web, login_as, ranks):
    login_as("project_officer", "Kasaï-Oriental")
    content = (HEADER_EN + "\n"
               "1.300.001-2,Kabongo,Mulamba,Jean,M,1988-05-17,AGT,community,,Bipemba,+243 81 000 0001,yes\n"
               "13000013,Ngalula,,Thérèse,F,17/05/1990,Brigadier,Police des mines,Mines,Muya,,oui\n"
               "\n"
               "13000014,Mbuyi,,Joseph,H,,,,,Bipemba (Mbuji-Mayi),,\n").encode()
    response = upload(web, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert 'id="rows-to-import">3<' in html and 'id="error-count">0<' in html
    assert "KABONGO Mulamba Jean" in html and "NGALULA Thérèse" in html
    assert trainees() == 0  # nothing saved before the confirmation
    done = web.post(confirm_url(html), {"action": "confirm"}, page=URL)
    assert done.status_code == 302
    saved = {t.matricule: t for t in _db.session.scalars(select(Trainee))}
    assert set(saved) == {"13000012", "13000013", "13000014"}
    assert saved["13000013"].specialty == "mining" and saved["13000013"].birth_date == date(1990, 5, 17)
    assert saved["13000013"].rank.code == "BRG" and saved["13000012"].consent_recorded_at is not None
    assert saved["13000014"].sex == "M" and saved["13000014"].consent_recorded_at is None
    assert "3 trainees imported" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "trainees", AuditEntry.action == "create")) == 4  # three records and the import


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_saved(web, login_as, make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    existing = make_trainee(matricule="13009999", last_name="Kalala", birth_date=date(1985, 2, 3))
    _db.session.commit()
    content = (HEADER_EN + "\n"
               "13000001,,,Jean,M,1988-05-17,AGT,,,Bipemba,,\n"              # 2: last name missing
               "13000002,Tshibangu,,Paul,M,31/02/1990,AGT,,,Bipemba,,\n"     # 3: bad date
               "13000003,Mukendi,,Marc,M,1988-05-17,General,,,Bipemba,,\n"   # 4: unknown rank
               "13000004,Kanku,,Rose,X,1988-05-17,AGT,,,Bipemba,,\n"         # 5: bad sex
               "13000005,Ntumba,,Luc,M,1988-05-17,AGT,,,Atlantis,,\n"        # 6: unknown commune
               "13000006,Muamba,,Eric,M,1988-05-17,AGT,,,Kampemba,,\n"       # 7: outside the area
               "13000001,Kazadi,,Guy,M,1988-05-17,AGT,,,Bipemba,,\n"         # 8: repeats row 2
               "13-009-999,Lukusa,,Ali,M,1988-05-17,AGT,,,Bipemba,,\n"       # 9: already registered
               "13000009,KALALA,,Jean,M,03/02/1985,AGT,,,Muya,,\n"           # 10: near-duplicate (warning)
               ).encode()
    response = upload(web, content)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    problems = problem_rows(html)
    by_row = {int(row): (column, message, severity) for row, column, message, severity in problems}
    assert by_row[2][:1] == ("Last name",) and "last name is missing" in by_row[2][1]
    assert by_row[3][0] == "Date of birth" and "“31/02/1990” is not a date" in by_row[3][1]
    assert by_row[4][0] == "Rank" and "Unknown rank “General”" in by_row[4][1]
    assert by_row[5][0] == "Sex" and "“X” is not a sex" in by_row[5][1]
    assert by_row[6][0] == "Commune" and "Unknown commune “Atlantis”" in by_row[6][1]
    assert "Unknown commune “Kampemba”, or outside your area" in by_row[7][1]
    assert "already in row 2 of the file" in by_row[8][1]
    assert "matricule 13009999 is already registered" in by_row[9][1]
    assert by_row[10][2] == "warning" and existing.full_name in by_row[10][1]
    assert 'id="error-count">8<' in html and "Nothing was saved" in html and 'value="confirm"' not in html
    assert trainees() == 1


def test_wrong_columns_are_named(web, login_as, ranks):
    login_as("project_officer", "Kasaï-Oriental")
    response = upload(web, b"start,end,deviceid,_uuid\n2017-01-01,2017-01-01,abc,uuid:1\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for en, fr in (("Matricule", "Matricule"), ("Last name", "Nom"), ("Sex", "Sexe"), ("Commune", "Commune")):
        assert f"The required column {en} (in French: {fr}) is missing" in html
    assert "start, end, deviceid, _uuid" in html and "not used and will be ignored" in html


def test_empty_files_and_wrong_types_are_refused(web, login_as, ranks):
    login_as("admin")
    assert "The file is empty." in upload(web, b"").get_data(as_text=True)
    assert "The file is empty." in upload(web, b"\n\n").get_data(as_text=True)
    assert "header row but no data" in upload(web, (HEADER_EN + "\n,,\n,,,\n").encode()).get_data(as_text=True)
    assert "Files of type .pdf are not accepted" in upload(web, b"%PDF-1.4", "list.pdf").get_data(as_text=True)
    old_excel = upload(web, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "list.xls")
    assert "Files of type .xls are not accepted" in old_excel.get_data(as_text=True)
    assert "Old Excel files (.xls)" in upload(web, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
                                              "list.csv").get_data(as_text=True)
    assert "cannot be read" in upload(web, b"PK\x03\x04 not really a zip", "list.xlsx").get_data(as_text=True)
    assert trainees() == 0


def test_oversized_files_are_refused(app, web, login_as, ranks, monkeypatch):
    login_as("admin")
    row = "13000001,Kabongo,,Jean,M,1988-05-17,AGT,,,Bipemba,,\n"
    monkeypatch.setitem(app.config, "TRAINING_IMPORT_MAX_MB", 0.001)  # about 1 kB
    response = upload(web, (HEADER_EN + "\n" + row * 30).encode())
    assert response.status_code == 422 and "The file is too large" in response.get_data(as_text=True)
    assert "the limit is 0.001 MB" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "TRAINING_IMPORT_MAX_MB", 5)
    monkeypatch.setitem(app.config, "TRAINING_IMPORT_MAX_ROWS", 2)
    rows = "".join(row.replace("13000001", f"1300000{n}") for n in range(3))
    response = upload(web, (HEADER_EN + "\n" + rows).encode())
    assert "The file has more than 2 rows: split it into smaller files." in response.get_data(as_text=True)
    assert trainees() == 0


def test_latin1_semicolons_and_french_headers(web, login_as, ranks):
    login_as("project_officer", "Kasaï-Oriental")
    content = ("Matricule;Nom;Postnom;Prénom;Sexe;Date de naissance;Grade;Spécialité;Unité;Commune;Téléphone;Consentement\n"
               "13000021;Kabeya;Nsenga;Thérèse;Femme;02.03.1991;Agent de police;Police de proximité;;Diulu;;Oui\n")
    response = upload(web, content.encode("cp1252"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="rows-to-import">1<' in html
    web.post(confirm_url(html), {"action": "confirm"}, page=URL)
    trainee = _db.session.scalar(select(Trainee))
    assert (trainee.first_name, trainee.sex, trainee.birth_date) == ("Thérèse", "F", date(1991, 3, 2))


def test_utf8_with_bom_and_semicolons(web, login_as, ranks):
    login_as("project_officer", "Kasaï-Oriental")
    content = "\ufeffMatricule;Nom;Prénom;Sexe;Commune\n13000031;Mpoyi;Félicité;F;Kanshi\n".encode("utf-8")
    html = upload(web, content).get_data(as_text=True)
    assert 'id="rows-to-import">1<' in html and "MPOYI Félicité" in html


def test_xlsx_with_date_cells(web, login_as, ranks):
    login_as("project_officer", "Kasaï-Oriental")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER_EN.split(","))
    sheet.append([13000041, "Banza", "", "Didier", "M", datetime(1987, 11, 23), "CP", "border", "", "Dibindi", "", "yes"])
    sheet.append([None] * 12)
    buffer = io.BytesIO()
    workbook.save(buffer)
    html = upload(web, buffer.getvalue(), "officers.xlsx").get_data(as_text=True)
    assert 'id="rows-to-import">1<' in html, html
    web.post(confirm_url(html), {"action": "confirm"}, page=URL)
    trainee = _db.session.scalar(select(Trainee))
    assert (trainee.matricule, trainee.birth_date, trainee.specialty) == ("13000041", date(1987, 11, 23), "border")


def test_confirmation_checks_again_and_saves_nothing_if_the_data_changed(client, web, login_as, make_trainee):
    login_as("project_officer", "Kasaï-Oriental")
    content = (HEADER_EN + "\n13000051,Kitenge,,Paul,M,,,,,Bipemba,,\n13000052,Numbi,,Eve,F,,,,,Bipemba,,\n").encode()
    html = upload(web, content).get_data(as_text=True)
    make_trainee(matricule="13000052")  # registered by someone else meanwhile
    response = web.post(confirm_url(html), {"action": "confirm"}, page=URL)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was saved" in page and "13000052 is already registered" in page
    assert _db.session.scalar(select(Trainee.matricule).where(Trainee.matricule == "13000051")) is None


def test_a_preview_belongs_to_its_uploader_and_can_be_cancelled(app, client, web, login_as, ranks):
    login_as("project_officer", "Kasaï-Oriental")
    content = (HEADER_EN + "\n13000061,Monga,,Paul,M,,,,,Bipemba,,\n").encode()
    url = confirm_url(upload(web, content).get_data(as_text=True))
    logout(client, web)
    login_as("admin")
    response = web.post(url, {"action": "confirm"}, page=URL)
    assert "This preview has expired" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert trainees() == 0
    logout(client, web)
    login_as("project_officer", "Kasaï-Oriental")
    url = confirm_url(upload(web, content).get_data(as_text=True))
    web.post(url, {"action": "cancel"}, page=URL)
    web.post(url, {"action": "confirm"}, page=URL)
    assert trainees() == 0
