"""Browser journey: a project officer creates a construction project from the template, logs progress with a
photo, completes the gender-sensitivity checklist and records the handover."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD, commune_id
from tests.helpers.images import image_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture
def bipemba(db, make_user, make_programme):
    """A project officer of Kasaï-Oriental, a programme, and the Bipemba station without any project yet."""
    from cpms.stations.service import create_station, ensure_default_template

    officer = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="en")
    programme = make_programme(provinces=["Kasaï-Oriental"], code="PDP-KOR")
    ensure_default_template()
    station = create_station(None, name="Commissariat de Bipemba", kind="commissariat",
                             commune_id=commune_id("Bipemba"), latitude=-6.1082, longitude=23.6121,
                             status="planned", specialised_units=["sgbv_desk"], staff_count=None)
    db.session.commit()
    ids = {"email": officer.email, "programme_id": programme.id, "station_id": station.id}
    db.session.close()  # no transaction of the test thread stays open while the server works
    return ids


def bipemba_title():
    return "Commissariat de Bipemba – New build"


def test_project_officer_builds_a_station_from_template_to_handover(live_server, bipemba, page, tmp_path):
    today = date.today()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", bipemba["email"])
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")

    # 1. from the station's page, a new project: the template's milestones come with it
    page.locator("nav.mainnav").get_by_role("link", name="Stations").click()
    page.get_by_role("link", name="Commissariat de Bipemba").click()
    expect(page.get_by_text("No construction or rehabilitation is recorded")).to_be_visible()
    page.get_by_role("link", name="New construction project").click()
    expect(page.locator("select[name=station_id]")).to_have_value(str(bipemba["station_id"]))
    expect(page.get_by_text("The project starts with 11 milestones from the template")).to_be_visible()
    page.select_option("select[name=programme_id]", str(bipemba["programme_id"]))
    page.fill("input[name=contractor]", "Bâtisseurs du Kasaï SPRL")
    page.fill("input[name=contract_amount]", "185000")
    page.fill("input[name=start_date]", (today - timedelta(days=60)).isoformat())
    page.fill("input[name=planned_completion_date]", (today + timedelta(days=120)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_have_text("Construction project saved.")
    expect(page.locator("h1")).to_have_text("Commissariat de Bipemba – New build")
    milestones = page.locator("table").nth(0)
    expect(milestones.locator("tbody tr")).to_have_count(11)
    expect(milestones).to_contain_text("Site identification")
    expect(milestones).to_contain_text("Final handover")

    # 2. log progress with a site photo
    photo = tmp_path / "IMG_2016.jpg"
    photo.write_bytes(image_bytes(size=(800, 600), colour=(150, 110, 70)))
    page.get_by_role("link", name="Log progress").click()
    page.fill("input[name=report_date]", today.isoformat())
    page.fill("input[name=physical_progress]", "25")
    page.fill("textarea[name=narrative]", "Foundations poured; walls started.")
    page.set_input_files("input[name=photos]", str(photo))
    page.get_by_role("button", name="Save the report").click()
    expect(page.locator(".flash-success")).to_have_text("Progress report saved.")
    report = page.locator("article.report").first
    expect(report).to_contain_text("25 %")
    expect(report).to_contain_text("Foundations poured; walls started.")
    thumbnail = report.locator(".photos img")
    expect(thumbnail).to_have_count(1)
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("img => img.naturalWidth") == 320  # served, decoded, scaled down

    # 3. the handover is refused while the gender checklist is incomplete
    page.get_by_role("link", name="Handover", exact=True).click()
    expect(page.get_by_text("The gender-sensitivity checklist is incomplete")).to_be_visible()
    page.fill("input[name=handover_date]", today.isoformat())
    page.fill("input[name=police_representative]", "Commissaire supérieur Albert Mukendi")
    page.check("input[name=is_final_acceptance]")
    page.get_by_role("button", name="Sign off the handover").click()
    expect(page.locator(".flashes .flash-error")).to_contain_text("cannot be signed off before")

    # 4. complete the checklist
    page.get_by_role("link", name="Complete the checklist").click()
    for label in ("Separate cell for men", "Separate cell for women", "Separate cell for minors",
                  "Separate sanitation for women and men", "SGBV and child-protection reception desk",
                  "Accessible to people with disabilities"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_have_text("Gender-sensitivity checklist saved.")
    expect(page.get_by_text("Complete: the handover can be signed off.")).to_be_visible()

    # 5. the final acceptance waits for the required milestones (roofing, finishing, equipment)
    page.get_by_role("link", name="Handover", exact=True).click()
    expect(page.get_by_text("The gender-sensitivity checklist is incomplete")).to_have_count(0)
    expect(page.get_by_text("Required milestones not reached yet")).to_be_visible()
    page.fill("input[name=handover_date]", today.isoformat())
    page.fill("input[name=police_representative]", "Commissaire supérieur Albert Mukendi")
    page.fill("textarea[name=defects]", "Paint of cell 2 to redo")
    page.check("input[name=is_final_acceptance]")
    page.get_by_role("button", name="Sign off the handover").click()
    expect(page.get_by_text("Final acceptance needs every required milestone reached").first).to_be_visible()
    page.get_by_role("link", name=bipemba_title()).first.click()
    page.get_by_role("link", name="Update milestones").click()
    for row in range(11):
        if page.locator(f"input[name=rows-{row}-is_required]").is_checked():
            page.fill(f"input[name=rows-{row}-actual_date]", today.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_have_text("Milestones saved.")

    # 6. sign off the handover: the project is handed over and the station operational
    page.get_by_role("link", name="Handover", exact=True).click()
    page.fill("input[name=handover_date]", today.isoformat())
    page.fill("input[name=police_representative]", "Commissaire supérieur Albert Mukendi")
    page.fill("textarea[name=defects]", "Paint of cell 2 to redo")
    page.check("input[name=is_final_acceptance]")
    page.get_by_role("button", name="Sign off the handover").click()
    expect(page.locator(".flash-success")).to_have_text("Handover recorded.")
    expect(page.locator(".status-badge").first).to_have_text("Handed over")
    expect(page.get_by_text("Commissaire supérieur Albert Mukendi")).to_be_visible()
    page.get_by_role("link", name="Commissariat de Bipemba").first.click()
    expect(page.locator(".facts")).to_contain_text("Operational")
