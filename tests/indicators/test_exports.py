"""Exports: XLSX read back (numbers as numbers, one sheet per disaggregation), formula-safe CSV, PDF text, DHIS2
dataValueSets JSON in its documented shape."""
import csv
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from pypdf import PdfReader

from cpms.extensions import db as _db
from cpms.indicators.service import dhis2
from tests.conftest import commune_id, province_id

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
DATAVALUESET_SCHEMA = json.loads((Path(__file__).parent / "data" / "dhis2_datavalueset.schema.json").read_text())
PERIOD = re.compile(r"^\d{4}(Q[1-4]|S[12]|AprilS[12]|NovS[12]|April|July|Sep|Oct|Nov)?$")


def report_url(reporting, fmt, **args):
    query = "&".join(f"{k}={v}" for k, v in {"period": "FY2017-Q1", **args}.items())
    return f"/indicators/programmes/{reporting.programme.id}/report.{fmt}?{query}"


def export_by_job(web, url):
    """Ask for an export from the report page (a POST), run the queued job, download the file from its page."""
    from cpms.core.jobs import run_queued_jobs
    page = url.replace("/report.xlsx", "/report").replace("/report.pdf", "/report").replace("/dhis2.json", "/report")
    asked = web.post(url, {}, page=page)
    assert asked.status_code == 302 and "/jobs/" in asked.headers["Location"], asked.get_data(as_text=True)[-500:]
    job_url = asked.headers["Location"]
    assert run_queued_jobs() == 1
    html = web.client.get(job_url).get_data(as_text=True)
    assert f"{job_url}/result" in html, html
    response = web.client.get(f"{job_url}/result")
    downloaded = SimpleNamespace(status_code=response.status_code, mimetype=response.mimetype, data=response.data)
    response.close()  # send_file's file
    return downloaded, job_url


def test_xlsx_has_numbers_and_a_sheet_per_disaggregation(web, login_as, reporting):
    login_as("viewer")
    response, _job = export_by_job(web, report_url(reporting, "xlsx"))
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Read me", "Totals", "By sex", "By commune of the venue", "By kind of committee"]
    rows = _table(workbook["Totals"])
    assert rows[0][:8] == ("Code", "Indicator", "Category", "Unit", "Baseline value", "Target", "Actual", "Percent of target")
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["MTG"][5:8] == (3, 2, 66.7) and isinstance(by_code["MTG"][6], (int, float))
    assert by_code["DLG"][8] == "On track"
    sex = {row[2]: row[6] for row in _table(workbook["By sex"])[1:]}
    assert sex == {"Women": 40, "Men": 50}
    communes = {row[2]: row[6] for row in _table(workbook["By commune of the venue"])[1:]}
    assert communes["Bipemba"] in (2, 90)


def test_csv_neutralises_formulas(client, login_as, reporting):
    reporting.dlg.indicator.name_en = "=HYPERLINK(\"http://evil.example\",\"participants\")"
    _db.session.commit()
    login_as("me_officer")
    text = client.get(report_url(reporting, "csv")).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = [row[1] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\",\"participants\")" in names
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert any(row[0] == "MTG" and row[6] == "2.0" for row in rows)
    assert rows[0][-5:] == ["Programme", "Period", "Period start", "Period end", "Area"]
    assert all(row[-5:-1] == [reporting.programme.code, "FY2017-Q1", "2016-10-01", "2016-12-31"] for row in rows[1:])


def test_pdf_holds_names_values_and_bilingual_headings(web, login_as, reporting):
    login_as("me_officer", locale="fr")
    data = export_by_job(web, report_url(reporting, "pdf"))[0].data
    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Indicator report" in text and "Rapport des indicateurs" in text
    assert "Meetings held" in text and "Indicateur" in text and "FY2017 Q1" in text
    assert re.search(r"Dialogue participants", text) and "90" in text


def test_pdf_cover_carries_the_programmes_logos(web, login_as, reporting):
    from cpms.certificates.models import CertificateProfile
    from tests.helpers.images import image_bytes
    _db.session.add(CertificateProfile(programme_id=reporting.programme.id, programme_logo=image_bytes("PNG", (90, 40)),
                                       donor_logo=image_bytes("PNG", (80, 40), colour=(20, 60, 160))))
    _db.session.commit()
    login_as("me_officer")
    reader = PdfReader(io.BytesIO(export_by_job(web, report_url(reporting, "pdf"))[0].data))
    assert len({image.name for image in reader.pages[0].images}) == 2  # both logos on the cover


def test_dhis2_payload_shape(web, client, login_as, reporting, make_indicator):
    login_as("me_officer")
    mapped = {"/indicators/dhis2/data-elements": {"indicator_id": str(reporting.dlg.indicator_id),
                                                  "data_element": "DeEntDlg001", "disaggregation": "sex",
                                                  "category_option_combo": ""},
              "/indicators/dhis2/category-option-combos": {"category": "sex:F", "category_option_combo": "CocFemale01"},
              "/indicators/dhis2/org-units": {"area": f"p{province_id('Kasaï-Oriental')}", "org_unit": "OuKasaiOr01"}}
    for url, form in mapped.items():
        assert web.post(url, form, page="/indicators/dhis2").status_code == 302
    refused = web.post("/indicators/dhis2/org-units", {"area": "country", "org_unit": "not-a-uid"},
                       page="/indicators/dhis2", follow_redirects=True)
    assert "A DHIS2 identifier has 11 letters or digits" in refused.get_data(as_text=True)
    dhis2.save_data_element(reporting.mtg.indicator, data_element="DeClspMtg01")
    dhis2.save_org_unit(commune_id=commune_id("Bipemba"), org_unit="OuBipemba01")
    _db.session.commit()
    url = f"/indicators/programmes/{reporting.programme.id}/dhis2.json?period=FY2017-Q1&area=p{province_id('Kasaï-Oriental')}"
    response, job_url = export_by_job(web, url)
    assert response.status_code == 200
    payload = json.loads(response.data)
    Draft202012Validator(DATAVALUESET_SCHEMA).validate(payload)
    assert payload["period"] == "2016Q4" and payload["orgUnit"] == "OuKasaiOr01"
    assert "dataSet" not in payload and "attributeOptionCombo" not in payload  # not mapped yet
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", payload["completeDate"])
    for value in payload["dataValues"]:
        assert set(value) <= {"dataElement", "period", "orgUnit", "categoryOptionCombo", "value", "comment"}
        assert UID.match(value["dataElement"]) and UID.match(value["orgUnit"]) and PERIOD.match(value["period"])
        assert "categoryOptionCombo" not in value or UID.match(value["categoryOptionCombo"])
        assert isinstance(value["value"], str)
    values = {(v["dataElement"], v.get("categoryOptionCombo")): v for v in payload["dataValues"]}
    assert values[("DeClspMtg01", None)] == {"dataElement": "DeClspMtg01", "period": "2016Q4",
                                             "orgUnit": "OuKasaiOr01", "value": "2"}
    assert values[("DeEntDlg001", "CocFemale01")]["value"] == "40"
    assert ("DeEntDlg001", None) not in values  # the data element carries sex: no total
    assert "Left out (no DHIS2 mapping): DLG:Men." in client.get(job_url).get_data(as_text=True)  # no combo for men
    by_commune = json.loads(export_by_job(
        web, f"/indicators/programmes/{reporting.programme.id}/dhis2.json?period=FY2017-Q1&level=commune")[0].data)
    assert by_commune["dataValues"] == [{"dataElement": "DeClspMtg01", "period": "2016Q4", "orgUnit": "OuBipemba01",
                                         "value": "2"}]
    Draft202012Validator(DATAVALUESET_SCHEMA).validate(by_commune)
    assert "orgUnit" not in by_commune  # each value carries its own commune's


def test_dhis2_set_carries_the_programmes_data_set_and_attribute_option_combo(web, login_as, reporting):
    login_as("me_officer")
    settings_url = f"/indicators/programmes/{reporting.programme.id}/settings"
    refused = web.post(settings_url, {"fiscal_year_start_month": "10", "target_check": "refuse",
                                      "dhis2_data_set": "bad uid", "dhis2_attribute_option_combo": ""},
                       page=settings_url)
    assert refused.status_code == 422 and "11 letters or digits" in refused.get_data(as_text=True)
    assert web.post(settings_url, {"fiscal_year_start_month": "10", "target_check": "refuse",
                                   "dhis2_data_set": "DsPdpKor001", "dhis2_attribute_option_combo": "AocUsaid001"},
                    page=settings_url).status_code == 302
    dhis2.save_data_element(reporting.mtg.indicator, data_element="DeClspMtg01")
    dhis2.save_org_unit(province_id=province_id("Kasaï-Oriental"), org_unit="OuKasaiOr01")
    _db.session.commit()
    url = f"/indicators/programmes/{reporting.programme.id}/dhis2.json?period=FY2017-Q1&area=p{province_id('Kasaï-Oriental')}"
    payload = json.loads(export_by_job(web, url)[0].data)
    Draft202012Validator(DATAVALUESET_SCHEMA).validate(payload)
    assert (payload["dataSet"], payload["attributeOptionCombo"], payload["period"]) == ("DsPdpKor001", "AocUsaid001",
                                                                                        "2016Q4")


def test_a_dhis2_export_by_commune_with_no_commune_mapped_says_what_to_map(web, client, login_as, reporting):
    from cpms.core.jobs import run_queued_jobs
    login_as("me_officer")
    dhis2.save_data_element(reporting.mtg.indicator, data_element="DeClspMtg01")
    _db.session.commit()
    url = f"/indicators/programmes/{reporting.programme.id}/dhis2.json?period=FY2017-Q1&level=commune"
    asked = web.post(url, {}, page=f"/indicators/programmes/{reporting.programme.id}/report")
    assert run_queued_jobs() == 1
    html = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "No commune has a DHIS2 organisation unit yet: map them on the DHIS2 mapping page" in html


def test_dhis2_periods():
    from datetime import date

    from cpms.indicators.service import periods as P
    assert dhis2.dhis2_period(P.parse_period("FY2017", 10)) == "2016Oct"
    assert dhis2.dhis2_period(P.parse_period("FY2017-Q1", 10)) == "2016Q4"
    assert dhis2.dhis2_period(P.parse_period("FY2017-H1", 4)) == "2016AprilS1"
    assert dhis2.dhis2_period(P.parse_period("2017-H2", 1)) == "2017S2"
    assert dhis2.dhis2_period(P.parse_period("2017", 1)) == "2017"
    assert dhis2.dhis2_period(P.make_period("quarter", 2017, 1, 2)) is None
    assert P.parse_period("FY2017", 10).start == date(2016, 10, 1)


def _table(sheet):
    """A report sheet's table: its rows from the header ("Code") on, below the title block."""
    rows = list(sheet.iter_rows(values_only=True))
    return rows[next(i for i, row in enumerate(rows) if row[0] == "Code"):]


def _sheets(data):
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: _table(sheet) for sheet in workbook.worksheets if sheet.title != "Read me"}


def test_the_xlsx_is_ready_for_a_donor_title_block_formats_widths_frozen_header_properties_readme(
        web, login_as, reporting):
    login_as("viewer")
    response, _job = export_by_job(web, report_url(reporting, "xlsx"))
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.properties.title == f"Indicator report – {reporting.programme.code} – FY2017 Q1"
    assert workbook.properties.creator == "CPMS"
    totals = workbook["Totals"]
    block = {row[0]: row[1] for row in totals.iter_rows(max_row=5, values_only=True)}
    assert block["Programme"] == f"{reporting.programme.code} – {reporting.programme.name}"
    assert block["Period"].startswith("FY2017 Q1 (") and block["Status"] == "Open: the figures may still change."
    assert block["Area"] and block["Generated"]
    assert totals.freeze_panes == "A8"  # title block (5 lines), a blank line, the header: frozen below it
    assert totals["A7"].value == "Code" and totals.column_dimensions["B"].width == 44
    mtg = next(row for row in totals.iter_rows(min_row=8) if row[0].value == "MTG")
    assert mtg[7].number_format == '0.0" %"' and mtg[7].value == 66.7  # percent of target, one decimal
    assert mtg[6].number_format == "#,##0"  # a count: thousands separator
    readme = {row[0]: row for row in workbook["Read me"].iter_rows(values_only=True)}
    assert readme["MTG"][3].startswith("Computed by CPMS: Meetings of the programme's committees")
    assert readme["DLG"][3] == "Entered by the M&E officer for each period."


def test_xlsx_sheets_are_the_reports_of_each_disaggregation(app, reporting, make_indicator, add_to_framework,
                                                           make_user, count_queries):
    """Every sheet holds what the report in that disaggregation shows (a locked period's frozen figures included),
    and a computed indicator costs the workbook one query, whatever its number of disaggregations."""
    from cpms.core.permissions import Scope
    from cpms.indicators.service import locking
    from cpms.indicators.service import periods as P
    from cpms.indicators.service.exports import header, report_xlsx, table_rows
    from cpms.indicators.service.reports import build_report
    from cpms.indicators.service.values import Area
    from tests.conftest import english

    period = P.parse_period("FY2017-Q1", 10)
    locking.lock_period(make_user("me_officer"), Scope.national(), reporting.programme, "FY2017-Q1", note="Envoyé")
    _db.session.commit()

    def workbook():
        with english(app), count_queries() as statements:
            data = report_xlsx(reporting.programme, period, scope=Scope.national(), area=Area(), area_label="All")
        return _sheets(data), len(statements)

    sheets, queries = workbook()
    with english(app):
        expected = {"Totals": [tuple(header())] + [tuple(r) for r in table_rows(build_report(
            reporting.programme, period, scope=Scope.national(), area=Area(), with_trend=False))]}
        for dimension, title in (("sex", "By sex"), ("commune", "By commune of the venue"), ("committee_kind", "By kind of committee")):
            report = build_report(reporting.programme, period, scope=Scope.national(), area=Area(), dimension=dimension,
                                  with_trend=False)
            expected[title] = [tuple(header())] + [tuple(r) for r in table_rows(report) if r[2] != ""]
    def plain(rows):  # what a spreadsheet keeps: empty text is an empty cell, 90.0 reads back as 90
        return [tuple(None if c == "" else float(c) if isinstance(c, (int, float)) else c for c in r) for r in rows]
    assert list(sheets) == list(expected)
    for title in expected:
        assert plain(sheets[title]) == plain(expected[title]), title
    assert any(row[0] == "MTG" and row[12] == 2 for row in sheets["Totals"][1:])  # locked: today's figure beside

    more = make_indicator(code="MTG2", source="computed", computation="committee_meetings_held",
                          disaggregations=["commune", "committee_kind", "province"], name_en="Meetings again")
    add_to_framework(reporting.framework, more)
    sheets, with_one_more = workbook()
    assert "By province" in sheets and with_one_more <= queries + 2  # its query, and the province names


def test_another_user_can_neither_see_nor_download_an_export(web, client, login_as, reporting):
    login_as("me_officer")
    _downloaded, job_url = export_by_job(web, report_url(reporting, "xlsx"))
    web.post("/logout", page="/")
    login_as("viewer")
    assert client.get(job_url).status_code == 404
    assert client.get(f"{job_url}/result").status_code == 404


def test_a_refused_dhis2_export_says_why_in_the_users_language(web, client, login_as, reporting):
    from cpms.core.jobs import run_queued_jobs
    login_as("me_officer", locale="fr")
    url = f"/indicators/programmes/{reporting.programme.id}/dhis2.json?period=FY2017-Q1"
    asked = web.post(url, {}, page=f"/indicators/programmes/{reporting.programme.id}/report")
    assert run_queued_jobs() == 1
    html = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Échec" in html and "abord la zone du rapport à une unité" in html and "organisation DHIS2" in html


def test_the_export_page_asks_before_preparing(client, login_as, reporting):
    from cpms.core.jobs import run_queued_jobs
    login_as("viewer")
    html = client.get(report_url(reporting, "pdf")).get_data(as_text=True)
    assert "Prepare the PDF file" in html and "FY2017 Q1" in html
    assert run_queued_jobs() == 0  # a GET starts nothing


def test_a_past_programme_opens_on_its_last_quarter_with_data_not_on_an_empty_one(client, login_as, reporting):
    """The programme's values stop in FY2017 Q1 (October–December 2016): today its report, its figures and the API
    open there, not on the last quarter ended (years later, with nothing recorded)."""
    login_as("viewer")
    html = client.get(f"/indicators/programmes/{reporting.programme.id}/report").get_data(as_text=True)
    assert re.search(r'<option value="FY2017-Q1"\s+selected', html), "the period picker opens on FY2017 Q1"
    assert "0 on track" not in html
