"""Importing an existing inventory spreadsheet: the template, the preview naming each row's problems (and importing
nothing), a good file recorded with its audit entries, numbers as the language writes them, the bounds, and what
another area's officer and a reader may do."""
import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from cpms.core.audit import AuditEntry
from cpms.core.errors import DomainError
from cpms.core.imports import base
from cpms.core.imports.models import ImportRecord
from cpms.core.permissions import scope_of
from cpms.equipment.imports import EquipmentImport
from cpms.equipment.models import EquipmentItem
from cpms.extensions import db as _db
from tests.conftest import english

URL = "/equipment/import"
HEADER_EN = ("Category,Description,Make and model,Serial or tag number,Quantity,Unit value,Currency,Programme,Donor,"
             "Purchase reference,Received in stock on,Commune")
HEADER_FR = ("Catégorie;Désignation;Marque et modèle;Numéro de série ou d'inventaire;Quantité;Valeur unitaire;Devise;"
             "Programme;Bailleur;Référence d'achat;Reçu en stock le;Commune")


def items():
    return _db.session.scalar(select(func.count()).select_from(EquipmentItem))


def upload(web, content, filename="inventory.csv"):
    return web.post(URL, {"file": (io.BytesIO(content), filename)}, page=URL, content_type="multipart/form-data")


def confirm_url(html):
    match = re.search(r'action="(/equipment/import/[A-Za-z0-9_-]{20,})"', html)
    assert match, "no confirmation form on the page"
    return match.group(1)


def problem_rows(html):
    """{(row, column)} of the preview's problem table (errors only)."""
    body = html.split('<table class="problems">', 1)[1].split("</table>", 1)[0]
    return {(int(row), column) for row, column in
            re.findall(r'<tr class="error"><td class="num">(\d+)</td><td>([^<]*)</td>', body)}


def test_a_file_with_errors_shows_each_rows_problems_and_imports_nothing(web, login_as, make_programme, make_item):
    programme = make_programme(code="EQ-1")
    elsewhere = make_programme(code="EQ-HK", provinces=("Haut-Katanga",))
    make_item(serial="MOT-0001")
    login_as("project_officer", "Kasaï-Oriental")
    before = items()
    content = (HEADER_EN + "\n"
               f"communication,Radio,Motorola DP1400,MOT-0100,1,450,USD,{programme.code},INL,PO-1,2016-09-01,Bipemba\n"
               f"Spaceships,Fusée,,,1,,,{programme.code},INL,,2016-09-01,Bipemba\n"  # 3: unknown category
               f"communication,Radio,,mot-0100,1,,,{programme.code},INL,,2016-09-01,Bipemba\n"  # 4: twice in the file
               f"communication,Radio,,MOT-0001,1,,,{programme.code},INL,,2016-09-01,Bipemba\n"  # 5: in the register
               f"uniforms,Gilets,,GIL-1,20,,,{programme.code},INL,,2016-09-01,Bipemba\n"  # 6: tagged, quantity 20
               f"it,Ordinateur,,,1,abc,USD,{programme.code},INL,,2016-09-01,Bipemba\n"  # 7: bad value
               f"it,Ordinateur,,,1,100,XYZ,{programme.code},INL,,2016-09-01,Bipemba\n"  # 8: bad currency
               f"it,Ordinateur,,,1,,,{programme.code},INL,,31/02/2016,Bipemba\n"  # 9: bad date
               "it,Ordinateur,,,1,,,,,,2016-09-01,Bipemba\n"  # 10: no programme, no donor
               f"it,Ordinateur,,,1,,,{elsewhere.code},INL,,2016-09-01,Bipemba\n"  # 11: another area's programme
               f"it,Ordinateur,,,1,,,{programme.code},INL,,2016-09-01,Kampemba\n"  # 12: commune outside the area
               ).encode()
    response = upload(web, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:500]
    assert problem_rows(html) == {(3, "Category"), (4, "Serial or tag number"), (5, "Serial or tag number"),
                                  (6, "Quantity"), (7, "Unit value"), (8, "Currency"), (9, "Received in stock on"),
                                  (10, "Programme"), (10, "Donor"), (11, "Programme"), (12, "Commune")}
    assert "Unknown category “Spaceships”" in html and "already in row 2 of the file" in html
    assert "Another item already has the serial or tag number MOT-0001" in html
    assert "counted one by one" in html and "Nothing was saved" in html
    assert 'id="rows-in-file">11<' in html and "/equipment/import/" not in html.split("Upload a file")[0]
    assert items() == before and _db.session.scalar(select(func.count()).select_from(ImportRecord)) == 0


def test_a_good_french_file_creates_the_items_with_their_audit_entries(web, client, login_as, make_programme):
    programme = make_programme(code="EQ-KOR", name="Équipement Kasaï-Oriental")
    user = login_as("project_officer", "Kasaï-Oriental", locale="fr")
    content = (HEADER_FR + "\n"
               f"Communication;Radio portative;Motorola DP1400;mot 2001;1;1 234,50;USD;{programme.code};INL;PO-17;"
               "01/09/2016;Bipemba\n"
               f"Kit VSBG;Kit bureau VBG;;;3;;;{programme.name};UNICEF;;2016-09-02;Muya\n").encode("utf-8")
    html = upload(web, content).get_data(as_text=True)
    assert "MOT 2001" in html and "× 3" in html and items() == 0  # previewed, not saved
    done = web.post(confirm_url(html), {"action": "confirm"}, page=URL)
    assert done.status_code == 302 and done.headers["Location"].endswith("/equipment/")
    saved = {item.description: item for item in _db.session.scalars(select(EquipmentItem))}
    radio, kit = saved["Radio portative"], saved["Kit bureau VBG"]
    assert (radio.serial_number, radio.quantity, radio.unit_value, radio.currency) == ("MOT 2001", 1,
                                                                                       Decimal("1234.50"), "USD")
    assert radio.received_on.isoformat() == "2016-09-01" and radio.commune.name == "Bipemba"
    assert radio.recorded_by_id == user.id and radio.delivery_id is None
    assert (kit.category, kit.quantity, kit.serial_number, kit.donor) == ("sgbv_kit", 3, None, "UNICEF")
    entries = _db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "equipment_items",
                                                           AuditEntry.action == "create")).all()
    assert len(entries) == 3  # one per item and the import itself
    assert {e.entity_id for e in entries} >= {str(radio.id), str(kit.id)} and all(e.actor_id == user.id for e in entries)
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "2 articles importés" in page or "2 items imported" in page
    assert "× 3" in page and "MOT 2001" in page
    again = web.post(confirm_url(html), {"action": "confirm"}, page=URL)  # the back button: nothing more
    assert again.status_code == 302 and items() == 2


def test_a_row_whose_programme_does_not_cover_the_commune_is_refused(web, login_as, make_programme):
    kasai = make_programme(code="EQ-KOR")
    make_programme(code="EQ-HK", provinces=("Haut-Katanga",))
    login_as("admin")  # the whole country: both communes are in the user's area
    content = (HEADER_EN + "\n"
               "it,Ordinateur,,,1,,,EQ-HK,INL,,2016-09-01,Kampemba\n"
               f"it,Ordinateur,,,1,,,{kasai.code},INL,,2016-09-01,Kampemba\n").encode()  # 3: Kasaï's programme
    response = upload(web, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and problem_rows(html) == {(3, "Commune")}
    assert "The programme “EQ-KOR” does not cover this commune" in html and items() == 0


def test_the_template_lists_the_columns_and_the_users_area(client, login_as, make_programme):
    make_programme(code="EQ-KOR")
    make_programme(code="EQ-HK", provinces=("Haut-Katanga",))
    login_as("project_officer", "Kasaï-Oriental", locale="fr")
    text = client.get("/equipment/import-template.csv").get_data().decode("utf-8")
    assert text.lstrip("\ufeff").startswith(HEADER_FR.split(";Marque")[0])
    workbook = load_workbook(io.BytesIO(client.get("/equipment/import-template.xlsx?lang=en").get_data()))
    assert [c.value for c in workbook["Equipment"][1]] == HEADER_EN.split(",")
    lists = [[c.value for c in row] for row in workbook["Lists"].iter_rows(min_row=2)]
    assert "SGBV kit" in [row[0] for row in lists] and "CDF" in [row[1] for row in lists]
    programmes = [row[2] for row in lists if row[2]]
    assert any(p.startswith("EQ-KOR") for p in programmes) and not any(p.startswith("EQ-HK") for p in programmes)
    assert "Bipemba (Mbuji-Mayi)" in [row[3] for row in lists]
    assert "Kampemba (Lubumbashi)" not in [row[3] for row in lists]


def test_an_xlsx_file_reads_numbers_and_dates_from_its_cells(web, login_as, make_programme):
    from datetime import datetime
    programme = make_programme(code="EQ-X")
    login_as("project_officer", "Kasaï-Oriental")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER_EN.split(","))
    sheet.append(["IT", "Ordinateur portable", "Dell", "DL-77", 1, 899.99, "$", programme.code, "INL", "",
                  datetime(2017, 3, 1), "Bipemba (Mbuji-Mayi)"])
    data = io.BytesIO()
    workbook.save(data)
    html = upload(web, data.getvalue(), "inventory.xlsx").get_data(as_text=True)
    assert web.post(confirm_url(html), {"action": "confirm"}, page=URL).status_code == 302
    item = _db.session.scalar(select(EquipmentItem).where(EquipmentItem.serial_number == "DL-77"))
    assert (item.unit_value, item.currency, item.received_on.isoformat()) == (Decimal("899.99"), "USD", "2017-03-01")


def test_bounds_on_rows_and_size(web, login_as, make_programme, app, monkeypatch):
    programme = make_programme(code="EQ-B")
    login_as("project_officer", "Kasaï-Oriental")
    row = f"furniture,Chaise,,,2,,,{programme.code},INL,,2016-09-01,Bipemba\n"
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 2)
    response = upload(web, (HEADER_EN + "\n" + row * 3).encode())
    assert response.status_code == 422 and "more than 2 rows" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "IMPORT_MAX_MB", 0.0001)  # about 100 bytes
    response = upload(web, (HEADER_EN + "\n" + row).encode())
    assert response.status_code == 422 and "The file is too large" in response.get_data(as_text=True)
    assert items() == 0


def test_another_areas_officer_cannot_confirm_and_a_reader_cannot_import(client, web, login_as, make_programme):
    programme = make_programme(code="EQ-A")
    login_as("project_officer", "Kasaï-Oriental")
    html = upload(web, (HEADER_EN + "\n" + f"furniture,Chaise,,,2,,,{programme.code},INL,,2016-09-01,Bipemba\n")
                  .encode()).get_data(as_text=True)
    url = confirm_url(html)
    client.post("/logout", data={"csrf_token": web.token("/account")})
    login_as("project_officer", "Haut-Katanga")
    response = web.post(url, {"action": "confirm"}, page=URL)  # someone else's preview: refused, nothing saved
    assert items() == 0 and response.status_code in (302, 403, 404)
    response = upload(web, (HEADER_EN + "\n" + f"furniture,Chaise,,,2,,,{programme.code},INL,,2016-09-01,Bipemba\n")
                      .encode())
    assert response.status_code == 422 and "Unknown programme" in response.get_data(as_text=True)
    assert "outside your area" in response.get_data(as_text=True) and items() == 0
    client.post("/logout", data={"csrf_token": web.token("/account")})
    login_as("me_officer", "Kasaï-Oriental")
    assert client.get(URL).status_code == 403
    assert client.get("/equipment/import-template.csv").status_code == 403


def test_service_a_serial_registered_between_preview_and_confirmation_saves_nothing(app, make_user, make_programme,
                                                                                  make_item):
    """Without HTTP: the preview finds nothing wrong, then an item takes one of the file's serials; the
    confirmation checks again and refuses the whole file."""
    programme = make_programme(code="EQ-S")
    owner = make_user("project_officer", provinces=["Kasaï-Oriental"])
    content = (HEADER_EN + "\n" + f"communication,Radio,,RAD-9001,1,,,{programme.code},INL,,2016-09-01,Bipemba\n"
               + f"communication,Radio,,RAD-9002,1,12.5,EUR,{programme.code},INL,,2016-09-01,Bipemba\n").encode()
    with english(app):
        kind = EquipmentImport(scope_of(owner))
        preview = base.preview(kind, owner, io.BytesIO(content), "inventory.csv")
        assert preview.errors == [] and len(preview.items) == 2 and preview.token
        assert kind.display(preview.items[1])[2:4] == ["RAD-9002", "12.50 EUR"]
        make_item(serial="RAD-9002")
        with pytest.raises(DomainError) as refused:
            base.confirm(kind, owner, preview.token)
        _db.session.rollback()
    assert "RAD-9002" in refused.value.message and "Nothing was saved" in refused.value.message
    assert _db.session.scalar(select(func.count()).select_from(EquipmentItem)
                              .where(EquipmentItem.serial_number == "RAD-9001")) == 0


def test_a_larger_file_is_imported_by_a_job_all_at_once(web, client, login_as, make_programme, monkeypatch):
    from cpms.core.imports import staging
    from cpms.core.jobs import run_queued_jobs
    programme = make_programme(code="EQ-J")
    monkeypatch.setattr(staging, "DIRECT_ROWS", 2)  # above this many rows a job imports the file
    login_as("project_officer", "Kasaï-Oriental")
    content = (HEADER_EN + "\n" + "".join(f"communication,Radio,,JOB-{n},1,,,{programme.code},INL,,2016-09-01,"
                                          "Bipemba\n" for n in range(3))).encode()
    html = upload(web, content).get_data(as_text=True)
    assert 'id="in-background"' in html
    response = web.post(confirm_url(html), {"action": "confirm"}, page=URL)
    assert re.match(r".*/jobs/\d+$", response.headers["Location"]) and items() == 0  # staged, invisible
    assert run_queued_jobs() == 1
    assert items() == 3
    assert "3 items imported into the register." in client.get(response.headers["Location"]).get_data(as_text=True)
    record = _db.session.scalars(select(ImportRecord)).one()
    assert (record.kind, record.status, record.imported) == ("equipment_items", "published", 3)
