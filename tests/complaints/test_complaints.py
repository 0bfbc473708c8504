import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from cpms.complaints import service
from cpms.complaints.models import Complaint
from cpms.core.audit import AuditEntry
from cpms.core.errors import DomainError
from cpms.extensions import db as _db
from tests.conftest import english

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")  # each test starts with no request counted



def test_the_public_pages_are_rate_limited(app, web):
    before = app.config["COMPLAINT_RATE_LIMIT"]
    app.config["COMPLAINT_RATE_LIMIT"] = "2 per hour"
    try:
        assert web.get("/feedback/status").status_code == 200
        assert web.get("/feedback/status").status_code == 200
        assert web.get("/feedback/status").status_code == 429
    finally:
        app.config["COMPLAINT_RATE_LIMIT"] = before


def test_public_form_end_to_end_gives_a_code_that_shows_the_answer(app, web, make_user):
    assert "http" not in web.get("/feedback/").get_data(as_text=True).split("<head>")[1].split("</head>")[0].replace("http-equiv", "")
    response = web.post("/feedback/", {"category": "programme", "account": "Les lampadaires ne marchent pas",
                                       "concerns": "", "preferred_channel": "", "sex": "", "age_group": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    receipt = web.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'class="receipt-code">([A-Z0-9-]+)<', receipt).group(1)
    complaint = _db.session.scalar(select(Complaint))
    assert complaint.receipt_code == code and complaint.contact == "" and complaint.channel == "web"
    status = web.get(f"/feedback/status?code={code.lower()}").get_data(as_text=True)
    assert "Received" in status or "Reçu" in status

    officer = make_user("project_officer")
    with english(app):
        service.answer_complaint(officer, complaint, "Les lampadaires seront réparés en mai.")
    _db.session.commit()
    status = web.get(f"/feedback/status?code={code}").get_data(as_text=True)
    assert "Les lampadaires seront réparés en mai." in status
    assert web.get("/feedback/status?code=AAAAA-BBBBB").status_code == 404


def test_honeypot_and_missing_account_are_refused(web):
    assert web.post("/feedback/", {"category": "feedback", "account": "x", "website": "http://spam"}).status_code == 400
    response = web.post("/feedback/", {"category": "feedback", "account": ""})
    assert response.status_code == 422
    assert _db.session.scalar(select(Complaint)) is None


def test_public_form_needs_csrf(app, client):
    response = client.post("/feedback/", data={"category": "feedback", "account": "x"})
    assert "receipt" not in response.headers.get("Location", "")  # sent back to the form, nothing saved
    assert _db.session.scalar(select(Complaint)) is None


def test_workflow_and_deadlines(app, make_user):
    officer = make_user("project_officer")
    with english(app):
        complaint = service.submit_complaint(category="police_conduct", account="Racket au marché", channel="telephone",
                                             received_at=datetime(2026, 3, 10, 9, tzinfo=timezone.utc))
        assert (complaint.acknowledge_by, complaint.answer_by) == (date(2026, 3, 13), date(2026, 4, 9))
        with pytest.raises(DomainError):
            service.close_complaint(officer, complaint)
        service.acknowledge_complaint(officer, complaint)
        service.answer_complaint(officer, complaint, "Transmis à l'inspection.")
        service.close_complaint(officer, complaint, "satisfied")
    assert complaint.status == "closed" and complaint.satisfaction == "satisfied"
    assert not complaint.is_sensitive


@pytest.mark.parametrize("role", ["admin", "project_officer", "me_officer", "viewer"])
def test_sensitive_cases_are_hidden_from_everybody_but_focal_points(app, web, login_as, role):
    with english(app):
        sensitive = service.submit_complaint(category="sea", account="SECRET-ACCOUNT")
        ordinary = service.submit_complaint(category="feedback", account="Bonne patrouille")
    _db.session.commit()
    login_as(role)
    assert web.get(f"/complaints/{sensitive.id}").status_code == 404
    if role != "viewer":
        listing = web.get("/complaints/").get_data(as_text=True)
        assert ordinary.receipt_code in listing and sensitive.receipt_code not in listing
        assert web.get(f"/complaints/{ordinary.id}").status_code == 200
    assert web.get("/complaints/sensitive/").status_code == 404
    assert "SECRET-ACCOUNT" not in web.get("/complaints/figures").get_data(as_text=True)


def test_focal_point_opens_a_sensitive_case_with_a_logged_reason(app, web, login_as):
    with english(app):
        sensitive = service.submit_complaint(category="child_safeguarding", account="SECRET-ACCOUNT")
    _db.session.commit()
    user = login_as("me_officer")
    service.add_focal_point(user.id)
    _db.session.commit()
    first = web.get(f"/complaints/{sensitive.id}").get_data(as_text=True)
    assert "SECRET-ACCOUNT" not in first and "reason" in first.lower()
    response = web.post(f"/complaints/{sensitive.id}", {"reason": "Suivi du cas"})
    assert response.status_code == 302
    assert "SECRET-ACCOUNT" in web.get(f"/complaints/{sensitive.id}").get_data(as_text=True)
    event = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "complaint_sensitive_opened"))
    assert event is not None and "Suivi du cas" in event.detail
    assert sensitive.receipt_code in web.get("/complaints/sensitive/").get_data(as_text=True)


def test_figures_suppress_small_cells(app, web, login_as):
    with english(app):
        for _i in range(6):
            service.submit_complaint(category="feedback", account="Merci")
        service.submit_complaint(category="fraud", account="SECRET")
    _db.session.commit()
    login_as("viewer")
    page = web.get("/complaints/figures").get_data(as_text=True)
    assert "Cases received: 7" in page
    assert "fewer than 5" in page
    assert "SECRET" not in page


def test_deadlines_count_from_the_day_of_receipt_where_the_case_is(app):
    """23:30 UTC on 31 March is already 1 April in Mbuji-Mayi (UTC+2): the three days run from 1 April."""
    from tests.conftest import commune_id
    with english(app):
        complaint = service.submit_complaint(category="police_conduct", account="Racket au marché",
                                             commune_id=commune_id("Bipemba"),
                                             received_at=datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc))
    assert complaint.acknowledge_by == date(2026, 4, 4)


def test_subject_access_exports_a_case_with_its_contact_for_handlers_only(app, web, login_as):
    import json

    with english(app):
        case = service.submit_complaint(category="police_conduct", account="Racket au marché",
                                        contact="+243 81 000 0000", preferred_channel="telephone")
        sensitive = service.submit_complaint(category="sea", account="SECRET-ACCOUNT", contact="+243 99 111 1111")
    _db.session.commit()
    login_as("me_officer")  # reads the cases, does not handle them
    assert web.get(f"/complaints/{case.id}/data.json?reason=Demande de la personne").status_code == 404
    web.post("/logout", {})
    login_as("project_officer")
    page = web.get(f"/complaints/{case.id}").get_data(as_text=True)
    assert f"/complaints/{case.id}/data.json" in page
    assert "reason" in web.get(f"/complaints/{case.id}/data.json").get_data(as_text=True).lower()  # asks why first
    response = web.get(f"/complaints/{case.id}/data.json?reason=Demande de la personne")
    data = json.loads(response.get_data(as_text=True))
    assert data["receipt_code"] == case.receipt_code and data["contact"] == "+243 81 000 0000"
    assert data["account"] == "Racket au marché"
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id.desc()))
    assert entry is not None and "Demande de la personne" in entry.detail
    assert web.get(f"/complaints/{sensitive.id}/data.json?reason=Demande de la personne").status_code == 404
