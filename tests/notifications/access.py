"""Who may use the notification pages.

- Every logged-in user has notifications (the bell), can open and mark them read, and chooses which
  e-mails to receive; a notification of another user answers 404.
- Only admins change the reminder kinds' settings, see the scheduler's state and read the outbox (it
  holds e-mails with personal data of trainees and committee members).
"""
from tests.access import ADMIN, ANY

EXPECTED = {
    "notifications.notification_list": ANY,
    "notifications.notification_open": ANY,
    "notifications.notification_read": ANY,
    "notifications.notification_read_all": ANY,
    "notifications.preferences": ANY,
    "notifications.settings": ADMIN,
    "notifications.outbox": ADMIN,
    "notifications.outbox_message": ADMIN,
    "notifications.outbox_retry": ADMIN,
}


def samples(request):
    """A notification of another user, and a message in the outbox."""
    from datetime import date

    from cpms.extensions import db
    from cpms.notifications.models import Notification, OutboxMessage

    owner = request.getfixturevalue("make_user")("project_officer", provinces=["Kasaï-Oriental"])
    notification = Notification(kind="action_overdue", object_key="committee_action_item:1", due_on=date(2017, 6, 1),
                                recipient_key=f"user:{owner.id}", user_id=owner.id, locale="en",
                                link_endpoint="core.index", link_values={},
                                context={"committee": "CLSP", "description": "Éclairage", "responsible": "Mairie",
                                         "due_on": "2017-06-01"}, delivery="immediate")
    message = OutboxMessage(dedup_key="sample:1", kind="action_overdue", user_id=owner.id, to_address=owner.email,
                            locale="en", subject="Overdue action item", body_text="Text", body_html="<p>Text</p>")
    db.session.add_all([notification, message])
    db.session.commit()
    return {"notification_id": notification.id, "message_id": message.id}
