"""Demo: the demo M&E officer takes the survey reminders in a daily digest (the meeting and action items that make
reminders due at the scheduler's first sweep are the committees' demo data)."""
from cpms.core.demo import demo_loader
from cpms.extensions import db


@demo_loader
def load_notifications(context):
    from cpms.notifications.models import NotificationPreference

    me_officer = context.get("users", {}).get("suivi@demo.cpms.example")
    if me_officer is not None:
        db.session.add(NotificationPreference(user_id=me_officer.id, kind="survey_round_due", delivery="digest"))
