"""Browser journey: a project officer logs a CLSP meeting with its roll call and two action items; the next
meeting shows them carried over."""
import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.e2e


def test_officer_logs_a_meeting_and_the_next_one_carries_its_action_items(live_server, db, make_user,
                                                                         make_programme, page, make_committee,
                                                                         make_member):
    programme = make_programme(provinces=["Kasaï-Oriental"], code="PDP-KOR")
    committee = make_committee(programme=programme, commune="Bipemba", name="CLSP de Bipemba")
    names = ["Mamie Tshibola", "Jean Mutombo", "Pascaline Kanku", "Albert Kalonji"]
    for name in names:
        make_member(committee, name=name)
    committee_id = committee.id
    email = make_user("project_officer", provinces=["Kasaï-Oriental"], locale="en").email
    db.session.close()

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{live_server}/")

    # the committee page, then a new meeting with its roll call: three of four members present
    page.get_by_role("link", name="Committees", exact=True).first.click()
    page.get_by_role("link", name="CLSP de Bipemba").click()
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Date and time").fill("2017-05-08T10:00")
    page.get_by_label("Place").fill("Maison communale de Bipemba")
    page.get_by_label("Status").select_option("held")
    for name in names[:3]:
        page.get_by_label(name).check()
    page.get_by_label("Guests: women").fill("4")
    page.get_by_label("Minutes").fill("Le commandant présente la situation du mois.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Meeting of")
    expect(page.locator(".quorum")).to_contain_text("3 of 4 members present (2 needed)")
    expect(page.locator(".quorum")).to_contain_text("quorum reached")

    # two action items decided in the meeting
    for description, organisation in [("Réparer l'éclairage du marché", "Mairie de Bipemba"),
                                      ("Organiser des patrouilles de nuit", "PNC – sous-commissariat")]:
        form = page.locator("form.action-item-form")
        form.get_by_label("Action", exact=True).fill(description)
        form.get_by_label("or responsible organisation").fill(organisation)
        form.get_by_label("Due date").fill("2017-06-30")
        form.get_by_role("button", name="Add the action item").click()
        expect(page.locator(".flash-success")).to_contain_text("Action item recorded.")
    expect(page.locator("table.action-items tbody tr")).to_have_count(2)

    # the next meeting: both items are on its agenda, carried over
    page.goto(f"{live_server}/committees/{committee_id}/meetings/new")
    page.get_by_label("Date and time").fill("2017-06-12T10:00")
    page.get_by_label("Status").select_option("held")
    page.get_by_label(names[3]).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Meeting of")
    carried = page.locator("table.action-items").first
    expect(carried).to_contain_text("Réparer l'éclairage du marché")
    expect(carried).to_contain_text("Organiser des patrouilles de nuit")
    expect(page.locator(".quorum")).to_contain_text("quorum not reached")
