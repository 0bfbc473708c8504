"""Passed deadlines remind the right people once; a sensitive case's reminder says nothing of the case."""
from datetime import date, datetime, time, timezone

import time_machine
from sqlalchemy import select

from cpms.complaints import service
from cpms.extensions import db as _db
from cpms.notifications.models import Notification, OutboxMessage
from cpms.notifications.service.sweep import sweep_reminders
from tests.conftest import commune_id, english

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # acknowledge by 5 March, answer by 1 April


def sweep(day, kind):
    with time_machine.travel(datetime.combine(day, time(8), timezone.utc), tick=False):
        return sweep_reminders(only={kind})


def recipients(kind):
    return {n.recipient_key for n in _db.session.scalars(select(Notification).where(Notification.kind == kind))}


def test_passed_acknowledgement_reminds_the_officers_of_the_commune_then_the_answer_escalates(app, db, make_user,
                                                                                             mail_settings):
    officer = make_user("project_officer", communes=["Bipemba"])
    make_user("project_officer", communes=["Muya"])
    admin = make_user("admin", provinces=["Kasaï-Oriental"])
    with english(app):
        complaint = service.submit_complaint(category="police_conduct", account="Racket au marché de Bipemba",
                                             channel="telephone",
                                             commune_id=commune_id("Bipemba"), received_at=RECEIVED)
    _db.session.commit()
    assert complaint.acknowledge_by == date(2026, 3, 5)

    assert sweep(date(2026, 3, 5), "complaint_acknowledgement_overdue")["claimed"] == 0  # the last day: not yet
    assert sweep(date(2026, 3, 6), "complaint_acknowledgement_overdue")["claimed"] == 1
    assert recipients("complaint_acknowledgement_overdue") == {f"user:{officer.id}"}
    mail = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == officer.email))
    assert mail.subject == f"Complaint {complaint.receipt_code} not acknowledged in time"
    assert "Complaint about police conduct" in mail.body_text and "March 5, 2026" in mail.body_text
    assert sweep(date(2026, 3, 7), "complaint_acknowledgement_overdue")["claimed"] == 0  # once

    with english(app):
        service.acknowledge_complaint(officer, complaint)
    _db.session.commit()
    assert sweep(date(2026, 4, 1), "complaint_answer_overdue")["claimed"] == 0
    assert sweep(date(2026, 4, 2), "complaint_answer_overdue")["claimed"] == 2
    assert recipients("complaint_answer_overdue") == {f"user:{officer.id}", f"user:{admin.id}"}


def test_answered_cases_are_not_reminded(app, db, make_user, mail_settings):
    officer = make_user("project_officer")
    with english(app):
        complaint = service.submit_complaint(category="feedback", account="Merci", received_at=RECEIVED)
        service.answer_complaint(officer, complaint, "Merci à vous.")
    _db.session.commit()
    assert sweep(date(2026, 3, 6), "complaint_acknowledgement_overdue")["claimed"] == 0
    assert sweep(date(2026, 4, 2), "complaint_answer_overdue")["claimed"] == 0


def test_a_sensitive_case_reminds_only_the_focal_points_and_tells_nothing_of_it(app, db, make_user, mail_settings):
    focal = make_user("me_officer", communes=["Muya"])
    service.add_focal_point(focal.id)
    admin = make_user("admin")
    officer = make_user("project_officer", communes=["Bipemba"])
    with english(app):
        complaint = service.submit_complaint(category="sea", account="SECRET-ACCOUNT", quartier="Quartier-Secret",
                                             commune_id=commune_id("Bipemba"), contact="+243 999 000 111",
                                             received_at=RECEIVED)
    _db.session.commit()
    assert complaint.acknowledge_by == date(2026, 3, 3)
    assert sweep(date(2026, 3, 4), "complaint_acknowledgement_overdue")["claimed"] == 1
    assert recipients("complaint_acknowledgement_overdue") == {f"user:{focal.id}"}
    assert _db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address.in_((admin.email, officer.email)))) \
        is None
    mail = _db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == focal.email))
    assert mail.subject == "A sensitive case needs attention"
    notification = _db.session.scalar(select(Notification).where(Notification.kind == "complaint_acknowledgement_overdue"))
    for text in (mail.subject, mail.body_text, mail.body_html or "", str(notification.context)):
        for secret in ("SECRET-ACCOUNT", "Quartier-Secret", "Bipemba", complaint.receipt_code, "exploitation",
                       "999 000"):
            assert secret not in text
    assert "A sensitive case was to be acknowledged by March 3, 2026." in mail.body_text
    assert (notification.link_endpoint, notification.link_values) == ("complaints.sensitive_list", {})


def test_a_focal_point_of_any_role_chooses_how_the_complaint_reminders_reach_them(app, web, client, login_as):
    """An M&E officer named focal point receives the sensitive cases' reminders: the preferences page offers those
    kinds, and the choice is saved (before, only project officers' and admins' pages listed them)."""
    from cpms.notifications.models import NotificationPreference

    user = login_as("me_officer", "Kasaï-Oriental")
    with english(app):
        page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Complaint not acknowledged in time" not in page  # not a focal point yet
    service.add_focal_point(user.id)
    _db.session.commit()
    with english(app):
        page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Complaint not acknowledged in time" in page and "Complaint not answered in time" in page
    response = web.post("/notifications/preferences", {"kind_complaint_acknowledgement_overdue": "digest",
                                                       "kind_complaint_answer_overdue": "off"})
    assert response.status_code == 302
    chosen = dict(_db.session.execute(select(NotificationPreference.kind, NotificationPreference.delivery)
                                      .where(NotificationPreference.user_id == user.id)).all())
    assert chosen["complaint_acknowledgement_overdue"] == "digest" and chosen["complaint_answer_overdue"] == "off"
