"""The feedback panel offered to the committees' meeting page: counts of the commune's non-sensitive cases since
the previous held meeting, nobody named."""
from datetime import datetime, timezone

from cpms.complaints import service
from cpms.extensions import db as _db
from tests.conftest import commune_id, english


def test_the_panel_counts_the_commune_s_feedback_since_the_last_meeting(app, make_programme, make_committee,
                                                                         make_meeting, make_user):
    clsp = make_committee(programme=make_programme(), commune="Bipemba", name="CLSP de Bipemba")
    make_meeting(clsp, when=datetime(2026, 10, 5, 9, tzinfo=timezone.utc))
    meeting = make_meeting(clsp, when=datetime(2026, 11, 2, 9, tzinfo=timezone.utc), status="planned")
    officer = make_user("project_officer")
    with english(app):
        def case(category, day, commune="Bipemba", month=10):
            return service.submit_complaint(category=category, account=f"ACCOUNT-{category}-{day}",
                                            commune_id=commune_id(commune),
                                            received_at=datetime(2026, month, day, 12, tzinfo=timezone.utc))
        case("police_conduct", 1)  # before the previous meeting
        service.answer_complaint(officer, case("police_conduct", 10), "Réponse")
        case("police_conduct", 12)
        case("feedback", 20)
        case("sea", 21)  # sensitive: never here
        case("feedback", 22, commune="Muya")
        case("feedback", 3, month=11)  # after this meeting
    _db.session.commit()

    with app.test_request_context(headers={"Accept-Language": "en"}), english(app):
        html = app.jinja_env.from_string('{{ panels("committees.meeting", meeting) }}').render(meeting=meeting)
    assert "Feedback from the population since October 5, 2026" in html
    rows = [row.split("</td>")[0:3] for row in html.split("<tr><td>")[1:]]
    cells = [[cell.replace('<td class="num">', "") for cell in row] for row in rows]
    assert cells == [["Complaint about police conduct", "2", "1"], ["Feedback or suggestion", "1", "0"]]
    assert "ACCOUNT" not in html and "exploitation" not in html


def test_the_meeting_page_shows_the_panel(client, login_as, make_programme, make_committee, make_meeting):
    login_as("project_officer", "Kasaï-Oriental")
    clsp = make_committee(programme=make_programme(), commune="Bipemba", name="CLSP de Bipemba")
    make_meeting(clsp, when=datetime(2026, 10, 5, 9, tzinfo=timezone.utc))
    meeting = make_meeting(clsp, when=datetime(2026, 11, 2, 9, tzinfo=timezone.utc), status="planned")
    service.submit_complaint(category="feedback", account="Des patrouilles la nuit", commune_id=commune_id("Bipemba"),
                             received_at=datetime(2026, 10, 20, 12, tzinfo=timezone.utc))
    _db.session.commit()
    html = client.get(f"/committees/meetings/{meeting.id}").get_data(as_text=True)
    assert "Feedback from the population since October 5, 2026" in html
    assert "Des patrouilles la nuit" not in html
