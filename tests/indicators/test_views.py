"""Indicators pages through the test client: framework management, values with evidence, reports, drill-down,
locking, dashboards; a fixed number of queries per report."""
import io
import re
from datetime import datetime, timezone

from sqlalchemy import func, select

from cpms.extensions import db as _db
from cpms.indicators.models import Indicator, IndicatorValue, PeriodLock, ProgrammeIndicator, ResultNode, Target
from tests.conftest import commune_id
from tests.helpers.pdf import pdf_pages, scanned_pdf

PDF = scanned_pdf(1)  # an attendance sheet, scanned


def test_me_officer_builds_a_framework_with_targets(web, client, login_as, make_programme):
    programme = make_programme(provinces=["Kasaï-Oriental"])
    login_as("me_officer")
    response = web.post("/indicators/library/new", {
        "code": "trn-9", "name_en": "Officers trained in SGBV", "name_fr": "Policiers formés aux VSBG",
        "definition": "", "unit": "count", "direction": "higher", "aggregation": "sum", "source": "computed",
        "computation": "officers_enrolled", "computation_param": "", "disaggregations": ["sex", "province"],
        "is_active": "y"})
    assert response.status_code == 302
    indicator = _db.session.scalar(select(Indicator))
    assert (indicator.code, indicator.disaggregations) == ("TRN-9", ["sex", "province"])
    base = f"/indicators/programmes/{programme.id}"
    assert web.post(f"{base}/settings", {"fiscal_year_start_month": "10", "target_check": "refuse"}).status_code == 302
    assert web.post(f"{base}/nodes/new", {"level": "goal", "parent_id": "0", "code": "G", "title_en": "Trust",
                                          "title_fr": "Confiance", "position": "0"}).status_code == 302
    goal = _db.session.scalar(select(ResultNode))
    refused = web.post(f"{base}/nodes/new", {"level": "output", "parent_id": str(goal.id), "code": "OP1",
                                             "title_en": "x", "title_fr": "x", "position": "0"})
    assert refused.status_code == 422 and "An output sits under an outcome" in refused.get_data(as_text=True)
    assert web.post(f"{base}/nodes/new", {"level": "outcome", "parent_id": str(goal.id), "code": "OC1",
                                          "title_en": "Police serve", "title_fr": "La police sert",
                                          "position": "1"}).status_code == 302
    outcome = _db.session.scalar(select(ResultNode).where(ResultNode.code == "OC1"))
    assert web.post(f"{base}/indicators/new", {"node_id": str(outcome.id), "indicator_id": str(indicator.id),
                                               "code": "", "baseline_value": "0", "baseline_date": "2016-03-01",
                                               "lop_target": "400", "position": "0", "notes": ""}).status_code == 302
    pi = _db.session.scalar(select(ProgrammeIndicator))
    grid = client.get(f"/indicators/programme-indicators/{pi.id}/targets").get_data(as_text=True)
    assert 'name="FY2017-Q1"' in grid and "Oct 2016 – Sep 2017" in grid
    bad = web.post(f"/indicators/programme-indicators/{pi.id}/targets",
                   {"FY2017": "100", "FY2017-Q1": "50", "FY2017-Q2": "60", "FY2017-Q3": "0", "FY2017-Q4": "0"})
    assert bad.status_code == 422
    assert "FY2017: the quarterly targets add up to 110, not the FY2017 target of 100" in bad.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Target)) == 0
    good = web.post(f"/indicators/programme-indicators/{pi.id}/targets",
                    {"FY2017": "100", "FY2017-Q1": "50", "FY2017-Q2": "50", "FY2017-Q3": "", "FY2017-Q4": "0"})
    assert good.status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "TRN-9" in page and "Officers trained in SGBV" in page and "starts in October" in page


def test_project_officer_enters_a_value_with_evidence_and_the_me_officer_approves(web, client, login_as, reporting):
    officer = login_as("project_officer", "Kasaï-Oriental")
    url = f"/indicators/programme-indicators/{reporting.dlg.id}/values/new"
    form = {"period": "FY2017-Q2", "province_id": "0", "commune_id": str(commune_id("Muya")), "value": "30",
            "part-sex-F": "12", "part-sex-M": "18", "comment": "Journée portes ouvertes", "evidence_url": "",
            "evidence_file": (io.BytesIO(PDF), "feuille de présence.pdf")}
    response = web.post(url, form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    value = _db.session.scalar(select(IndicatorValue).where(IndicatorValue.entered_by_id == officer.id))
    assert (value.value, value.status, value.evidence_name) == (30.0, "submitted", "feuille de présence.pdf")
    evidence = client.get(f"/indicators/values/{value.id}/evidence")
    assert evidence.status_code == 200 and pdf_pages(evidence.data) == 1
    assert evidence.headers["Content-Disposition"].startswith("attachment")
    assert web.post(f"/indicators/values/{value.id}/review", {"decision": "approve", "note": ""},
                    page=f"/indicators/values/{value.id}").status_code == 403
    refused = web.post(url, {**form, "commune_id": str(commune_id("Kampemba")),
                             "evidence_file": (io.BytesIO(PDF), "x.pdf")}, content_type="multipart/form-data")
    assert refused.status_code == 422  # Kampemba is not offered: outside the area and the programme

    client.post("/logout", data={"csrf_token": web.token("/account")})
    login_as("me_officer")
    detail = client.get(f"/indicators/values/{value.id}").get_data(as_text=True)
    assert "Awaiting approval" in detail and "feuille de présence.pdf" in detail and "Women: 12" not in detail
    assert web.post(f"/indicators/values/{value.id}/review", {"decision": "approve", "note": ""},
                    page=f"/indicators/values/{value.id}").status_code == 302
    _db.session.refresh(value)
    assert value.status == "approved"


def test_viewer_reads_aggregates_without_drill_down(client, login_as, reporting):
    login_as("viewer")
    base = f"/indicators/programmes/{reporting.programme.id}"
    html = client.get(f"{base}/report?period=FY2017-Q1&dimension=sex").get_data(as_text=True)
    assert "Dialogue participants" in html and re.search(r">\s*90\s*<", html) and "Women" in html and "On track" in html
    assert "/records" not in html and "Lock FY2017 Q1" not in html
    assert client.get(f"/indicators/programme-indicators/{reporting.mtg.id}/records?period=FY2017-Q1").status_code == 403
    assert client.get(f"/indicators/values/{reporting.value.id}").status_code == 403
    dashboard = client.get(f"{base}/dashboard?period=FY2017-Q1").get_data(as_text=True)
    assert "<svg" in dashboard and "Meetings held" in dashboard


def test_drill_down_lists_the_records_behind_a_figure(client, login_as, reporting):
    login_as("me_officer")
    html = client.get(f"/indicators/programmes/{reporting.programme.id}/report?period=FY2017-Q1").get_data(as_text=True)
    link = re.search(rf'href="(/indicators/programme-indicators/{reporting.mtg.id}/records\?[^"]+)">\s*2\s*<', html)
    assert link, "the actual links to its records"
    records = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "CLSP Bipemba" in records and "2016-10-10" in records and "2016-11-10" in records
    assert "2017-01-10" not in records  # a meeting of the next quarter
    entered = client.get(f"/indicators/programme-indicators/{reporting.dlg.id}/records?period=FY2017-Q1"
                         "&dimension=sex&category=F").get_data(as_text=True)
    assert "Bipemba" in entered and "https://drive.example.org/dlg.pdf" in entered


def test_locking_through_the_report_page(web, client, login_as, reporting, make_meeting):
    login_as("me_officer")
    base = f"/indicators/programmes/{reporting.programme.id}"
    form = client.get(f"{base}/report?period=FY2017-Q1").get_data(as_text=True)
    assert "Lock FY2017 Q1" in form
    response = web.post(f"{base}/locks", {"period": "FY2017-Q1", "note": "Rapport envoyé"},
                        page=f"{base}/report?period=FY2017-Q1")
    assert response.status_code == 302
    assert _db.session.scalar(select(func.count()).select_from(PeriodLock)) == 1
    make_meeting(reporting.committee, when=datetime(2016, 12, 5, 9, tzinfo=timezone.utc))
    html = client.get(f"{base}/report?period=FY2017-Q1").get_data(as_text=True)
    assert "Locked period." in html and "Rapport envoyé" in html
    assert "today: 3 (+1)" in html


def test_a_report_runs_a_fixed_number_of_queries(client, login_as, reporting, count_queries, make_committee,
                                                 make_meeting):
    login_as("me_officer")
    url = f"/indicators/programmes/{reporting.programme.id}/report?period=FY2017-Q1&dimension=commune"
    client.get(url)  # warm up: first-request work (translations, caches)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for commune in ("Muya", "Dibindi"):
        committee = make_committee(programme=reporting.programme, commune=commune)
        for day in range(1, 20):
            make_meeting(committee, when=datetime(2016, 11, day, 9, tzinfo=timezone.utc))
    with count_queries() as large:
        html = client.get(url).get_data(as_text=True)
    assert re.search(r">\s*40\s*<", html)  # 2 + 38 meetings now
    assert len(large) == len(small)
    assert len(small) <= 20, "\n\n".join(q[:150] for q in small)


def test_home_dashboard_cards(client, login_as, reporting):
    login_as("me_officer")
    html = client.get("/").get_data(as_text=True)
    assert "Indicators in the results frameworks" in html and "Indicator values awaiting approval" in html


def test_pages_in_french(client, login_as, reporting):
    login_as("me_officer", locale="fr")
    html = client.get(f"/indicators/programmes/{reporting.programme.id}/report?period=FY2017-Q1").get_data(as_text=True)
    assert "Rapport des indicateurs" in html and "Dans les temps" in html and "Indicateur" in html
