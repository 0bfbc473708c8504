"""A project officer records a joint police–population workshop on a phone (375 px), in French and in English: the
activity, an officer from the registry by matricule, a civil-society participant, a crowd count, the attendance
sheet's photo and a radio recording (played in the page), a facilitator to remind, an agreed action carried into
the committee's action items and another into the programme's; the reach by sex shows on the page, and nothing scrolls sideways."""
import io
import os
import wave

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD, commune_id
from tests.helpers.images import image_bytes

pytestmark = pytest.mark.e2e

WORDS = {"fr": {"nav": "Sensibilisation", "record": "Enregistrer une activité", "saved": "Activité enregistrée.",
                "officer": "Agent ajouté à la liste.", "civilian": "Participant ajouté à la liste.",
                "count": "Comptage enregistré.", "file": "Fichier enregistré.", "reach": "1 femmes et 41 hommes",
                "facilitator": "Facilitateur ajouté : un rappel lui sera envoyé avant l’activité.",
                "action": "Action reportée dans les actions du comité.", "agreed": "Convenue lors de :",
                "programme_action": "Action reportée dans les actions du programme.",
                "programme": "Le programme PDP-KOR", "overdue": "En retard", "update": "Mettre à jour",
                "updated": "Action mise à jour.", "why": "Indiquez pourquoi l'action a été abandonnée.",
                "panel": "1 action ouverte, 1 en retard"},
         "en": {"nav": "Outreach", "record": "Record an activity", "saved": "Activity saved.",
                "officer": "Officer added to the roster.", "civilian": "Participant added to the roster.",
                "count": "Count saved.", "file": "File saved.", "reach": "1 women and 41 men",
                "facilitator": "Facilitator added: they will be reminded before the activity.",
                "action": "Action carried into the committee's action items.", "agreed": "Agreed in:",
                "programme_action": "Action carried into the programme's action items.",
                "programme": "The programme PDP-KOR", "overdue": "Overdue", "update": "Update",
                "updated": "Action updated.", "why": "Say why the action was dropped.",
                "panel": "1 open action, 1 overdue"}}


@pytest.fixture
def officer_and_registry(db, make_user, make_programme, make_trainee, make_committee, request):
    language = request.node.callspec.params["language"]
    user = make_user("project_officer", provinces=["Kasaï-Oriental"], locale=language)
    programme = make_programme(provinces=["Kasaï-Oriental"], code="PDP-KOR")
    trainee = make_trainee(last_name="Kalala", sex="M", matricule="1-234-5678")
    committee = make_committee(name="CLSP de Bipemba", programme=programme)
    ids = {"email": user.email, "programme_id": programme.id, "matricule": trainee.matricule,
           "bipemba": commune_id("Bipemba"), "committee_id": committee.id}
    db.session.close()  # no transaction of the test thread stays open while the server works
    return ids


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def flash(page, text):
    expect(page.locator(".flash-success")).to_have_text(text)
    fits(page)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_project_officer_records_a_workshop_on_a_phone(live_server, officer_and_registry, page, tmp_path, language):
    words = WORDS[language]
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", officer_and_registry["email"])
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    nav = page.locator("nav.mainnav").get_by_role("link", name=words["nav"])
    if not nav.is_visible():  # on a phone the menu is folded
        page.click("details.menu > summary")
    nav.click()
    page.locator("main").get_by_role("link", name=words["record"]).first.click()
    expect(page.locator("select[name=kind]")).to_be_visible()  # the form's page, not the list's still unloading
    fits(page)

    page.select_option("select[name=kind]", "joint_workshop")
    page.fill("input[name=title]", "Atelier police–population de Bipemba")
    page.select_option("select[name=topic]", "community_policing")
    page.select_option("select[name=programme_id]", str(officer_and_registry["programme_id"]))
    page.select_option("select[name=commune_id]", str(officer_and_registry["bipemba"]))
    page.fill("input[name=quartier]", "Tshiala")
    page.fill("input[name=start_date]", "2016-10-03")
    page.fill("input[name=end_date]", "2016-10-07")
    page.fill("input[name=language]", "Tshiluba")
    page.click("main form button[type=submit]")
    flash(page, words["saved"])
    expect(page.locator("h1")).to_have_text("Atelier police–population de Bipemba")

    page.fill("#officer-form input[name=matricule]", "1 234 5678")
    page.click("#officer-form button[type=submit]")
    flash(page, words["officer"])
    page.fill("#civilian-form input[name=name]", "Mama Ngalula")
    page.fill("#civilian-form input[name=organisation]", "Femmes de Bipemba")
    page.select_option("#civilian-form select[name=category]", "womens_group")
    page.select_option("#civilian-form select[name=sex]", "F")
    page.click("#civilian-form button[type=submit]")
    flash(page, words["civilian"])
    page.select_option("#count-form select[name=category]", "public")
    page.select_option("#count-form select[name=sex]", "M")
    page.fill("#count-form input[name=people]", "40")
    page.fill("#count-form input[name=estimate_source]", "Comptage à l'entrée")
    page.click("#count-form button[type=submit]")
    flash(page, words["count"])

    sheet = tmp_path / "liste.jpg"
    sheet.write_bytes(image_bytes(size=(1200, 1600), colour=(240, 240, 235)))
    page.select_option("#evidence-form select[name=kind]", "attendance_sheet")
    page.set_input_files("#evidence-form input[name=file]", str(sheet))
    page.click("#evidence-form button[type=submit]")
    flash(page, words["file"])
    thumbnail = page.locator("#evidence-list img")
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("img => img.naturalWidth") > 0

    expect(page.locator("#reach")).to_have_text(words["reach"])
    roster = page.locator("#roster-table")
    expect(roster).to_contain_text("Kalala")
    expect(roster).to_contain_text("Mama Ngalula")
    fits(page)

    recording = tmp_path / "emission.wav"
    sound = io.BytesIO()
    with wave.open(sound, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x10" * 16000)  # two seconds
    recording.write_bytes(sound.getvalue())
    page.select_option("#evidence-form select[name=kind]", "material")
    page.set_input_files("#evidence-form input[name=file]", str(recording))
    page.click("#evidence-form button[type=submit]")
    flash(page, words["file"])
    player = page.locator("#evidence-list audio")
    player.evaluate("audio => audio.load()")
    page.wait_for_function("() => document.querySelector('#evidence-list audio').readyState >= 1")
    assert player.evaluate("audio => audio.duration") == pytest.approx(2, abs=0.1)  # the browser could read it

    page.fill("#facilitator-form input[name=name]", "Maître Kabongo")
    page.fill("#facilitator-form input[name=email]", "kabongo@example.org")
    page.click("#facilitator-form button[type=submit]")
    flash(page, words["facilitator"])
    expect(page.locator("#facilitator-list")).to_contain_text("Maître Kabongo")

    page.fill("#action-form textarea[name=description]", "Éclairer le marché de Bipemba la nuit")
    page.fill("#action-form input[name=responsible]", "Mairie de Bipemba")
    page.fill("#action-form input[name=due_date]", "2016-12-15")
    page.select_option("#action-form select[name=committee_id]", str(officer_and_registry["committee_id"]))
    page.click("#action-form button[type=submit]")
    flash(page, words["action"])
    expect(page.locator("#actions-table")).to_contain_text("CLSP de Bipemba")
    fits(page)
    os.makedirs("/tmp/outreach", exist_ok=True)
    page.screenshot(path=f"/tmp/outreach/workshop_{language}.png", full_page=True)

    page.locator("#actions-table a").click()  # the committee's action list, with the link back
    expect(page.locator("main")).to_contain_text("Éclairer le marché de Bipemba la nuit")
    expect(page.locator("main")).to_contain_text(words["agreed"])
    fits(page)
    page.screenshot(path=f"/tmp/outreach/committee_actions_{language}.png", full_page=True)
    page.locator("main").get_by_role("link", name="Atelier police–population de Bipemba (2016-10-03)").click()
    expect(page.locator("h1")).to_have_text("Atelier police–population de Bipemba")

    # a second action, followed up by the programme (the form's first choice)
    page.fill("#action-form textarea[name=description]", "Installer une boîte à plaintes au marché")
    page.fill("#action-form input[name=responsible]", "Femmes pour la paix")
    page.fill("#action-form input[name=due_date]", "2016-11-30")
    expect(page.locator("#action-form select[name=committee_id] option:checked")).to_have_text(words["programme"])
    page.click("#action-form button[type=submit]")
    flash(page, words["programme_action"])
    page.locator("#actions-table").get_by_role("link", name=words["programme"]).click()
    expect(page.locator("#programme-actions")).to_contain_text("Installer une boîte à plaintes au marché")
    expect(page.locator("#programme-actions")).to_contain_text(words["overdue"])
    fits(page)
    page.screenshot(path=f"/tmp/outreach/programme_actions_{language}.png", full_page=True)

    # the programme's page counts it; dropping it needs a note
    page.locator("nav.breadcrumbs").get_by_role("link", name="PDP-KOR").click()
    expect(page.locator("main")).to_contain_text(words["panel"])
    fits(page)
    page.screenshot(path=f"/tmp/outreach/programme_{language}.png", full_page=True)
    page.go_back()
    page.locator("#programme-actions").get_by_role("link", name=words["update"]).click()
    page.select_option("#programme-action-form select[name=status]", "dropped")
    page.click("#programme-action-form button[type=submit]")
    expect(page.locator("main")).to_contain_text(words["why"])
    fits(page)
    page.fill("#programme-action-form textarea[name=note]", "La mairie a déjà installé une boîte")
    page.click("#programme-action-form button[type=submit]")
    flash(page, words["updated"])
    expect(page.locator("#programme-actions")).to_contain_text("La mairie a déjà installé une boîte")
