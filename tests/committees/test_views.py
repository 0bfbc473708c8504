import io
import re
from datetime import date, datetime, timezone

from sqlalchemy import func, select

from cpms.committees.models import ActionItem, Committee, Meeting, MeetingAttendance
from cpms.extensions import db as _db
from tests.conftest import commune_id


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def test_project_officer_creates_a_clsp_and_a_forum(web, client, login_as, make_programme):
    programme = make_programme(provinces=["Kasaï-Oriental"], code="PDP-KOR")
    login_as("project_officer", "Kasaï-Oriental")
    data = {"kind": "clsp", "name": "CLSP de Bipemba", "commune_id": commune_id("Bipemba"), "quartier_id": "",
            "parent_id": "", "programme_id": programme.id, "established_on": "2016-03-22", "status": "active"}
    response = web.post("/committees/new", data)
    assert response.status_code == 302
    clsp = _db.session.scalar(select(Committee))
    response = web.post("/committees/new", {**data, "kind": "forum", "name": "Forum de Tshiala", "parent_id": clsp.id})
    assert response.status_code == 302
    html = client.get(f"/committees/{clsp.id}").get_data(as_text=True)
    assert "Forum de Tshiala" in html and "Forums feeding this committee" in html


def test_bad_committee_input_is_explained_and_nothing_saved(web, login_as, make_programme):
    hkt = make_programme(provinces=["Haut-Katanga"], code="HKT")
    kor = make_programme(provinces=["Kasaï-Oriental"], code="KOR")
    login_as("admin")
    base = {"kind": "clsp", "name": "CLSP de Muya", "commune_id": commune_id("Muya"), "quartier_id": "",
            "parent_id": "", "programme_id": kor.id, "established_on": "2016-03-22", "status": "active"}
    for change, message in [({"programme_id": hkt.id}, "programme that covers the committee"),
                            ({"established_on": "22/03/2016"}, "YYYY-MM-DD"),
                            ({"name": ""}, "Enter the committee")]:
        response = web.post("/committees/new", {**base, **change})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(Committee) == 0


def test_meeting_with_roll_call_quorum_and_carried_over_items(web, client, login_as, make_committee, make_member,
                                                               make_meeting, make_action_item):
    committee = make_committee()
    members = [make_member(committee, name=f"Membre {i}") for i in range(4)]
    earlier = make_meeting(committee, when=datetime(2017, 4, 10, 10, tzinfo=timezone.utc))
    make_action_item(earlier, description="Installer des lampadaires au marché")
    login_as("project_officer", "Kasaï-Oriental")
    response = web.post(f"/committees/{committee.id}/meetings/new", {
        "starts_at": "2017-05-08T10:00", "place": "Maison communale", "kind": "ordinary", "status": "held",
        "present": [str(members[0].id), str(members[1].id)], "guests_women": "3", "guests_men": "2",
        "agenda": "Sécurité du marché", "minutes": "La séance est ouverte à 10 h.", "decisions": ""})
    assert response.status_code == 302
    meeting = _db.session.scalar(select(Meeting).order_by(Meeting.starts_at.desc()))
    assert _db.session.scalar(select(func.count()).select_from(MeetingAttendance).where(
        MeetingAttendance.meeting_id == meeting.id, MeetingAttendance.is_present)) == 2
    html = client.get(f"/committees/meetings/{meeting.id}").get_data(as_text=True)
    assert "2 of 4 members present (2 needed)" in html and "quorum reached" in html
    assert "Installer des lampadaires au marché" in html and "3 women, 2 men" in html


def test_bad_meeting_and_action_item_input(web, login_as, make_committee, make_meeting, make_action_item):
    committee = make_committee()
    meeting = make_meeting(committee, when=datetime(2017, 5, 8, 10, tzinfo=timezone.utc))
    item = make_action_item(meeting)
    login_as("project_officer", "Kasaï-Oriental")
    response = web.post(f"/committees/{committee.id}/meetings/new", {
        "starts_at": "2030-01-10T10:00", "kind": "ordinary", "status": "held", "guests_women": "0", "guests_men": "0"})
    assert response.status_code == 422
    assert "A meeting in the future cannot be marked as held" in response.get_data(as_text=True)
    assert count(Meeting) == 1
    response = web.post(f"/committees/meetings/{meeting.id}/action-items", {
        "description": "Sensibiliser les jeunes", "responsible_member_id": "", "responsible_organisation": "PNC",
        "due_date": "2017-05-01"}, page=f"/committees/meetings/{meeting.id}")
    assert response.status_code == 422 and "cannot be before the meeting" in response.get_data(as_text=True)
    assert count(ActionItem) == 1
    response = web.post(f"/committees/action-items/{item.id}", {"status": "done", "closing_note": ""})
    assert response.status_code == 422 and "write a note on what was done" in response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(ActionItem, item.id).status == "open"
    response = web.post(f"/committees/action-items/{item.id}", {"status": "done", "closing_note": "Fait le 2 juin"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(ActionItem, item.id).closed_on == date.today()


def test_action_item_list_export_and_api_stay_in_the_users_area(web, client, login_as, make_user, make_committee,
                                                                make_meeting, make_action_item):
    from cpms.auth.service import create_api_token
    from tests.conftest import english

    bipemba = make_committee(commune="Bipemba", name="CLSP de Bipemba")
    kampemba = make_committee(commune="Kampemba", province="Haut-Katanga", name="CLSP de Kampemba")
    for committee in (bipemba, kampemba):
        meeting = make_meeting(committee)
        make_action_item(meeting, description=f"Action {committee.name}", due_date=date(2017, 6, 1))
    user = login_as("project_officer", "Kasaï-Oriental")
    html = client.get("/committees/action-items").get_data(as_text=True)
    assert "Action CLSP de Bipemba" in html and "Kampemba" not in html and "1 result" in html and "Overdue" in html
    csv = client.get("/committees/action-items.csv?reason=Quarterly+follow-up").get_data(as_text=True)
    assert len(csv.strip().splitlines()) == 2 and "Kampemba" not in csv
    assert "CLSP de Kampemba" not in client.get("/committees/").get_data(as_text=True)
    assert client.get(f"/committees/{kampemba.id}").status_code == 404
    with english(client.application):
        _t, token = create_api_token(user)
    _db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for url in ("/api/v1/committees", "/api/v1/meetings", "/api/v1/action-items"):
        answer = client.get(url, headers=headers).get_json()
        assert answer["total"] == 1, url
    assert client.get("/api/v1/action-items?overdue=1", headers=headers).get_json()["items"][0]["is_overdue"] is True


def test_viewer_sees_representation_but_no_member_names(client, login_as, make_committee, make_member):
    committee = make_committee()
    make_member(committee, name="Mamie Tshibola", sex="F", category="womens_group")
    make_member(committee, name="Jean Mutombo", sex="M", category="police")
    login_as("viewer")
    html = client.get(f"/committees/{committee.id}").get_data(as_text=True)
    assert "Mamie Tshibola" not in html and "50 % (1)" in html and "Missing:" in html


def test_minutes_pdf_in_french_and_english(client, login_as, make_committee, make_member, make_meeting,
                                           make_action_item):
    from pypdf import PdfReader

    committee = make_committee(name="CLSP de Dibindi")
    member = make_member(committee, name="Pascaline Kanku")
    meeting = make_meeting(committee, present=[member], minutes="Le commandant présente les statistiques.")
    make_action_item(meeting, description="Réhabiliter le poste de Bonzola", due_date=date(2017, 6, 30))
    login_as("me_officer", "Kasaï-Oriental")

    def text(lang):
        response = client.get(f"/committees/meetings/{meeting.id}/minutes.pdf?lang={lang}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)

    french, english_text = text("fr"), text("en")
    for content in (french, english_text):
        assert "CLSP de Dibindi" in content and "Pascaline Kanku" in content
        assert "Réhabiliter le poste de Bonzola" in content and "Le commandant présente" in content
    assert "Procès-verbal" in french and "Minutes of the meeting" in english_text
    assert "1 of 1 members present" in english_text
    # held at 10:00 UTC in Mbuji-Mayi (UTC+2): 12:00 local time, with the zone's name
    assert "12:00" in french and "heure de Mbuji-Mayi, UTC+2" in french and "Mbuji-Mayi time, UTC+2" in english_text
    assert "12:00:00" not in french and "12:00:00" not in english_text  # no seconds


def test_minutes_carry_the_logos_attendance_by_sex_and_the_signature_block(client, login_as, make_committee,
                                                                           make_member, make_meeting):
    from pypdf import PdfReader

    from cpms.certificates.models import CertificateProfile
    from tests.helpers.images import image_bytes
    committee = make_committee(name="CLSP de Kanshi")
    chair = make_member(committee, name="Jean-Pierre Mulumba", sex="M", role="president")
    secretary = make_member(committee, name="Odette Ngalula", sex="F", role="secretary")
    member = make_member(committee, name="Thérèse Kabedi", sex="F")
    make_member(committee, name="Absent Kasongo", sex="M")
    meeting = make_meeting(committee, present=[chair, secretary, member])  # guests: 2 women, 1 man
    _db.session.add(CertificateProfile(programme_id=committee.programme_id, programme_logo=image_bytes("PNG", size=(120, 60))))
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    response = client.get(f"/committees/meetings/{meeting.id}/minutes.pdf?lang=en")
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert ("6 in all – women: 4, men: 2 (members – women: 2, men: 1; guests – women: 2, men: 1)"
            in " ".join(text.split()))
    assert "The chair" in text and "The secretary" in text
    assert text.index("The chair") < text.rindex("Jean-Pierre Mulumba")
    assert text.index("The secretary") < text.rindex("Odette Ngalula")
    images = [image for page in reader.pages for image in page.images]
    assert len({image.name for image in images}) == 1  # the programme's logo


def test_calendar_feed_over_http(client, login_as, make_committee):
    from icalendar import Calendar

    committee = make_committee()
    login_as("viewer")
    response = client.get(f"/committees/{committee.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert Calendar.from_ical(response.data).get("x-wr-calname") == committee.name


def test_committee_list_issues_a_fixed_number_of_queries(client, login_as, make_committee, make_member,
                                                         count_queries):
    login_as("admin")
    make_committee(commune="Muya")
    with count_queries() as few:
        client.get("/committees/")
    for commune in ("Bipemba", "Dibindi", "Kanshi"):
        committee = make_committee(commune=commune)
        make_member(committee)
    with count_queries() as many:
        client.get("/committees/")
    assert len(many) == len(few)


def test_security_issue_and_member_forms(web, client, login_as, make_committee, make_meeting):
    from cpms.committees.models import Member, SecurityIssue

    committee = make_committee()
    meeting = make_meeting(committee)
    login_as("project_officer", "Kasaï-Oriental")
    page = f"/committees/meetings/{meeting.id}"
    response = web.post(f"{page}/issues", {"issue_category": "youth_gangs", "issue_description": ""}, page=page)
    assert response.status_code == 422 and "Describe the security issue." in response.get_data(as_text=True)
    response = web.post(f"{page}/issues", {"issue_category": "youth_gangs",
                                           "issue_description": "Kuluna au rond-point le soir"}, page=page)
    assert response.status_code == 302 and count(SecurityIssue) == 1
    assert "Kuluna au rond-point le soir" in client.get(page).get_data(as_text=True)

    member = {"name": "Germaine Mbuyi", "sex": "F", "category": "womens_group", "role": "secretary", "phone": "",
              "email": "", "start_date": "2016-03-22", "end_date": "2016-01-01"}
    response = web.post(f"/committees/{committee.id}/members/new", member)
    assert response.status_code == 422 and "end date must be on or after" in response.get_data(as_text=True)
    assert count(Member) == 0
    assert web.post(f"/committees/{committee.id}/members/new", {**member, "end_date": ""}).status_code == 302
    html = client.get(f"/committees/{committee.id}").get_data(as_text=True)
    assert "Germaine Mbuyi" in html and "100 % (1)" in html


def test_editing_a_meeting_updates_its_roll_call(web, login_as, make_committee, make_member, make_meeting):
    committee = make_committee()
    first, second = make_member(committee), make_member(committee)
    meeting = make_meeting(committee, present=[first])
    login_as("admin")
    response = web.post(f"/committees/meetings/{meeting.id}/edit", {
        "starts_at": "2017-05-08T10:00", "kind": "ordinary", "status": "held", "present": [str(second.id)],
        "guests_women": "0", "guests_men": "0"})
    assert response.status_code == 302
    present = _db.session.scalars(select(MeetingAttendance.member_id).where(MeetingAttendance.meeting_id == meeting.id,
                                                                     MeetingAttendance.is_present)).all()
    assert present == [second.id]


def test_meeting_page_issues_a_fixed_number_of_queries(client, login_as, make_committee, make_member, make_meeting,
                                                       make_action_item, count_queries):
    committee = make_committee()
    members = [make_member(committee) for _ in range(2)]
    earlier = make_meeting(committee, when=datetime(2017, 4, 10, 10, tzinfo=timezone.utc))
    make_action_item(earlier)
    meeting = make_meeting(committee, present=members)
    login_as("admin")
    with count_queries() as few:
        client.get(f"/committees/meetings/{meeting.id}")
    members += [make_member(committee) for _ in range(5)]
    for _ in range(4):
        make_action_item(earlier)
        make_action_item(meeting)
    from cpms.committees.service import save_meeting
    save_meeting(committee, meeting, starts_at=meeting.starts_at, place="", kind="ordinary", status="held",
                 guests_women=0, guests_men=0, agenda="", minutes="", decisions="",
                 present_member_ids=[m.id for m in members])
    _db.session.commit()
    with count_queries() as many:
        html = client.get(f"/committees/meetings/{meeting.id}").get_data(as_text=True)
    assert "7 of 7 members present" in html
    assert len(many) == len(few), "\n".join(s[:150] for s in many)


def test_committee_page_counts_open_and_overdue_items(client, login_as, make_committee, make_meeting,
                                                      make_action_item):
    from cpms.committees.service import update_action_item
    from tests.conftest import english

    committee = make_committee()
    meeting = make_meeting(committee)
    make_action_item(meeting, due_date=date(2017, 6, 1))
    make_action_item(meeting, due_date=date(2030, 1, 1))
    done = make_action_item(meeting, due_date=date(2017, 6, 1))
    with english(client.application):
        update_action_item(done, status="done", closing_note="Fait")
    _db.session.commit()
    login_as("project_officer", "Kasaï-Oriental")
    html = client.get(f"/committees/{committee.id}").get_data(as_text=True)
    assert "2 open, of which 1 overdue." in html


def test_action_item_list_issues_a_fixed_number_of_queries(client, login_as, make_committee, make_meeting,
                                                            make_action_item, count_queries):
    login_as("me_officer")
    make_action_item(make_meeting(make_committee(commune="Muya")))
    with count_queries() as few:
        client.get("/committees/action-items?status=")
    for commune in ("Bipemba", "Dibindi", "Kampemba"):
        meeting = make_meeting(make_committee(commune=commune, province="Haut-Katanga" if commune == "Kampemba"
                                              else "Kasaï-Oriental"))
        for _ in range(3):
            make_action_item(meeting)
    with count_queries() as many:
        html = client.get("/committees/action-items?status=").get_data(as_text=True)
    assert "10 results" in html
    assert len(many) == len(few)


def test_a_secret_calendar_address_serves_the_users_meetings_without_a_session(app, web, client, login_as,
                                                                                make_committee, make_meeting,
                                                                                make_programme, monkeypatch):
    """Calendar programs subscribe without logging in; a cancelled meeting stays, marked cancelled, with a higher
    SEQUENCE; UIDs come from CPMS_BASE_URL whatever host the request used; a new address revokes the old one."""
    from datetime import datetime, timedelta, timezone

    from icalendar import Calendar

    from cpms.committees import service as committees
    monkeypatch.setitem(app.config, "BASE_URL", "https://cpms.example.org")
    soon = datetime.now(timezone.utc).replace(microsecond=0, second=0) + timedelta(days=5)
    mine = make_committee(name="CLSP Bipemba")
    meeting = make_meeting(mine, when=soon, status="planned")
    elsewhere = make_committee(name="CLSP Kenya", commune="Kenya", province="Haut-Katanga")
    make_meeting(elsewhere, when=soon, status="planned")
    login_as("project_officer", "Kasaï-Oriental")
    assert web.post("/committees/calendar/new", {}, page="/committees/calendar").status_code == 302
    page = client.get("/committees/calendar").get_data(as_text=True)
    address = re.search(r'<code class="token">([^<]+)</code>', page).group(1)
    assert address.startswith("https://cpms.example.org/committees/calendar/") and address.endswith(".ics")
    path = address.removeprefix("https://cpms.example.org")
    calendar_app = app.test_client()  # no session
    feed = calendar_app.get(path, base_url="http://10.0.0.5:8000")  # and another host
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = list(Calendar.from_ical(feed.data).walk("VEVENT"))
    assert [str(e["summary"]).split(" – ")[0] for e in events] == ["CLSP Bipemba"]  # the user's area only
    assert str(events[0]["uid"]) == f"cpms-meeting-{meeting.id}@cpms.example.org"
    assert str(events[0]["status"]) == "CONFIRMED"
    first_sequence = int(events[0]["sequence"])

    meeting.status, meeting.updated_at = "cancelled", meeting.updated_at + timedelta(minutes=5)
    _db.session.commit()
    events = list(Calendar.from_ical(calendar_app.get(path).data).walk("VEVENT"))
    assert str(events[0]["status"]) == "CANCELLED" and int(events[0]["sequence"]) > first_sequence
    assert str(events[0]["uid"]) == f"cpms-meeting-{meeting.id}@cpms.example.org"

    again = client.get("/committees/calendar").get_data(as_text=True)
    assert "An address is active since" in again and address not in again  # shown once only
    web.post("/committees/calendar/new", {}, page="/committees/calendar")
    assert calendar_app.get(path).status_code == 404  # the old address stopped working
    web.post("/committees/calendar/stop", {}, page="/committees/calendar")
    assert "You have no calendar address." in client.get("/committees/calendar").get_data(as_text=True)
    assert committees.calendar_feed_user("not-a-token") is None


def test_the_calendar_page_in_french(client, login_as):
    login_as("trainer", locale="fr")
    html = client.get("/committees/calendar").get_data(as_text=True)
    assert "Réunions dans mon agenda" in html and "Créer mon adresse d'agenda" in html


def test_committee_map_places_committees_at_their_commune_in_the_users_area(client, web, login_as, make_committee):
    from cpms.geo.models import Commune
    make_committee(commune="Bipemba", name="CLSP Bipemba")
    make_committee(commune="Bipemba", name="Forum Bipemba", kind="forum")
    make_committee(commune="Kampemba", province="Haut-Katanga", name="CLSP Kampemba")
    make_committee(commune="Muya", name="CLSP Muya")
    muya = _db.session.scalar(select(Commune).where(Commune.name == "Muya"))
    muya.latitude = muya.longitude = None  # a commune without a recorded position is not drawn
    _db.session.commit()
    login_as("me_officer", "Kasaï-Oriental")
    html = client.get("/committees/").get_data(as_text=True)
    svg = html[html.index('id="committee-map"'):html.index("</svg>", html.index('id="committee-map"'))]
    assert svg.count('class="marker marker-committee') == 1  # both committees of Bipemba share a marker
    assert "<title>CLSP Bipemba (Bipemba); Forum Bipemba (Bipemba)</title>" in svg
    assert "Kampemba" not in svg and "Muya" not in svg
    assert "Committees (at their commune) (2)" in html
    web.post("/logout", page="/account")
    login_as("me_officer")
    html = client.get("/committees/").get_data(as_text=True)
    assert "<title>CLSP Kampemba (Kampemba)</title>" in html and "Committees (at their commune) (3)" in html


def test_committee_page_charts_members_present_against_the_quorum(client, login_as, make_committee, make_member,
                                                                  make_meeting):
    committee = make_committee()
    members = [make_member(committee) for _ in range(5)]
    make_meeting(committee, when=datetime(2017, 5, 8, 10, tzinfo=timezone.utc), present=members[:2])
    make_meeting(committee, when=datetime(2017, 6, 12, 10, tzinfo=timezone.utc), present=members[:4])
    make_meeting(committee, when=datetime(2017, 7, 10, 10, tzinfo=timezone.utc), status="cancelled")
    login_as("viewer")
    html = client.get(f"/committees/{committee.id}").get_data(as_text=True)
    chart = html[html.index('id="quorum-chart"'):html.index("</svg>", html.index('id="quorum-chart"'))]
    assert "8 May 17 – Present: 2" in chart and "12 Jun 17 – Present: 4" in chart
    assert "8 May 17 – Quorum: 3" in chart and chart.count('class="actual-dot"') == 2  # the cancelled one is left out
