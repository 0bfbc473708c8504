"""Browser journey: an M&E officer uploads the XLSForm, defines the trust measure, creates a baseline and an
endline round, imports a CSV into each (preview, then confirm) and reads the change in trust with its interval."""

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD, commune_id

pytestmark = pytest.mark.e2e


def test_me_officer_imports_baseline_and_endline_and_reads_the_change(live_server, db, make_user, make_programme,
                                                                      page, tmp_path, survey_files):
    user = make_user("me_officer", locale="en")
    programme = make_programme(provinces=["Kasaï-Oriental"], code="PDP-KOR")
    bipemba, muya, programme_id = commune_id("Bipemba"), commune_id("Muya"), programme.id
    email = user.email
    db.session.close()
    form = tmp_path / "perception.xlsx"
    form.write_bytes(survey_files.xlsform_bytes())
    baseline_csv = tmp_path / "baseline.csv"
    baseline_csv.write_bytes(survey_files.csv_data([survey_files.response_row(i, trust="agree" if i < 4 else "disagree")
                                                    for i in range(10)]))
    endline_csv = tmp_path / "endline.csv"
    endline_csv.write_bytes(survey_files.csv_data(
        [survey_files.response_row(100 + i, trust="strongly_agree" if i < 7 else "disagree", commune="muya")
         for i in range(10)], delimiter=";"))

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    page.click("nav.mainnav >> text=Surveys")

    page.click("text=Upload an XLSForm")
    page.set_input_files("input[name=file]", str(form))
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Perception de la sécurité")
    expect(page.locator("main")).to_contain_text("I trust the police")

    page.click("text=New measure")
    page.select_option("select[name=question_id]", label="trust – I trust the police")
    page.select_option("select[name=kind]", "share")
    page.fill("input[name=name_en]", "Trusts the police")
    page.fill("input[name=name_fr]", "Fait confiance à la police")
    counted = page.locator("fieldset", has_text="Answers that count")  # ticked among the choices, not typed
    counted.get_by_label("trust: Agree (agree)", exact=True).check()
    counted.get_by_label("trust: Strongly agree (strongly_agree)", exact=True).check()
    page.click("main form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Measure saved")

    for name, kind, start, csv_file in [("Baseline 2015", "baseline", "2015-05-01", baseline_csv),
                                        ("Endline 2017", "endline", "2017-06-01", endline_csv)]:
        page.goto(f"{live_server}/surveys/rounds/new")
        page.select_option("select[name=programme_id]", str(programme_id))
        page.fill("input[name=name]", name)
        page.select_option("select[name=kind]", kind)
        page.fill("input[name=start_date]", start)
        page.check(f"input[name=communes][value='{bipemba}']")
        page.check(f"input[name=communes][value='{muya}']")
        page.select_option("select[name=sex_question]", "sex")
        page.select_option("select[name=age_question]", "age")
        page.select_option("select[name=commune_question]", "commune")
        page.click("main form button[type=submit]")
        expect(page.locator("h1")).to_have_text(name)
        page.click("text=Import responses")
        page.set_input_files("input[name=file]", str(csv_file))
        page.click("text=Check the file")
        expect(page.locator("#new-rows")).to_have_text("10")
        page.click("text=Import 10 responses")
        expect(page.locator("#response-count")).to_have_text("10")

    page.click("a.button >> text=Results")
    trust = page.locator("section.measure").first
    expect(trust.locator(".headline")).to_contain_text("+75.0 %")
    expect(trust.locator(".headline")).to_contain_text("+30.0 pts")
    expect(trust.locator("table.results").first).to_contain_text("[16.8 % – 68.7 %]")
    expect(trust.locator("svg.survey-chart")).to_be_visible()


@pytest.mark.parametrize("locale, texts", [
    ("en", {"versions": "Form versions", "one": "(1 row)", "dropped": "gps", "button": "Import 3 responses",
            "nothing": "there is nothing new to import"}),
    ("fr", {"versions": "Versions du formulaire", "one": "(1 ligne)", "dropped": "gps", "button": "Importer 3 réponses",
            "nothing": "il n'y a rien de nouveau à importer"}),
])
def test_a_kobo_export_with_two_form_versions_imports_at_375_px(live_server, db, make_user, make_instrument,
                                                                 make_round, page, tmp_path, survey_files,
                                                                 locale, texts):
    """Issue 20: rows collected with two versions of the form (KoBo's deployment id, an ODK Central date) import
    with no manual step; the gps column is dropped as personal; the same file again offers nothing to import."""
    user = make_user("me_officer", locale=locale)
    survey_round = make_round(make_instrument())
    round_id, email = survey_round.id, user.email
    db.session.commit()
    db.session.close()
    export = tmp_path / "kobo.csv"
    export.write_bytes(survey_files.csv_data([survey_files.response_row(i, version=v) for i, v in
                                              enumerate(["vQxW2015", "2024-05-02", "2024-05-02"])], delimiter=";"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    for attempt in range(2):
        page.goto(f"{live_server}/surveys/rounds/{round_id}/import")
        page.set_input_files("input[name=file]", str(export))
        page.click("main form[enctype] button[type=submit]")
        main = page.locator("main")
        expect(main).to_contain_text(texts["versions"])
        expect(main).to_contain_text(f"vQxW2015 {texts['one']}")
        expect(page.locator("section.preview")).to_contain_text(texts["dropped"])
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(tmp_path / f"preview-{locale}-{attempt}.png"), full_page=True)
        if attempt == 0:
            page.click(f"text={texts['button']}")
            expect(page.locator("#response-count")).to_have_text("3")
        else:
            expect(main).to_contain_text(texts["nothing"])
            expect(page.locator("section.preview button.primary")).to_have_count(0)


@pytest.mark.parametrize("width", [375, 1280])
def test_an_export_mixing_three_versions_of_the_form_imports_with_no_manual_step(live_server, db, make_user,
                                                                                  make_instrument, make_round, page,
                                                                                  tmp_path, survey_files, width):
    """Issue 20: the officer uploads two new versions of the XLSForm (they join the questionnaire), then an export
    whose rows come from the three versions: the preview says, per version, which questions are missing or added,
    and the rows import with no manual step."""
    user = make_user("me_officer", locale="en")
    survey_round = make_round(make_instrument())
    round_id, email = survey_round.id, user.email
    db.session.commit()
    db.session.close()
    visit = ("select_one yn", "visit", "Did the police visit?", "La police est-elle passée ?")
    patrol = ("integer", "patrol", "Patrols seen", "Patrouilles vues")
    forms = {"2016-1": survey_files.QUESTIONS + [visit], "2017-1": survey_files.QUESTIONS + [visit, patrol]}
    export = tmp_path / "kobo.csv"
    rows = []
    for n in range(9):
        version = ("2015-1", "2016-1", "2017-1")[n % 3]
        rows.append(survey_files.response_row(n, version=version) + ["" if version == "2015-1" else "yes",
                                                                    n if version == "2017-1" else ""])
    export.write_bytes(survey_files.csv_data(rows, header=survey_files.HEADER + ["visit", "patrol"], delimiter=";"))
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    for version, questions in forms.items():
        form = tmp_path / f"perception-{version}.xlsx"
        form.write_bytes(survey_files.xlsform_bytes(questions=questions, version=version))
        page.goto(f"{live_server}/surveys/instruments/new")
        page.set_input_files("input[name=file]", str(form))
        page.click("main form button[type=submit]")
        expect(page.locator(".flash-success")).to_contain_text(f"Version {version} added to the questionnaire")
    expect(page.locator("ul.versions li")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/surveys/versions-questionnaire-{width}.png", full_page=True)
    page.goto(f"{live_server}/surveys/rounds/{round_id}/import")
    page.set_input_files("input[name=file]", str(export))
    page.click("main form[enctype] button[type=submit]")
    versions = page.locator("section.preview ul.versions")
    expect(versions.locator("li")).to_have_count(3)
    expect(versions.locator("li").nth(0)).to_contain_text("Questions missing: visit (left empty in these rows), "
                                                          "patrol (left empty in these rows)")
    expect(versions.locator("li").nth(2)).to_contain_text("the current version of the questionnaire")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/surveys/versions-preview-{width}.png", full_page=True)
    page.click("text=Import 9 responses")
    expect(page.locator("#response-count")).to_have_text("9")
