"""Demo: a neighbourhood forum of Bipemba met three weeks ago and has one action item overdue and one due
soon, so the demo project officer of Kasaï-Oriental gets reminders at the scheduler's first sweep; the demo
M&E officer takes the survey reminders in a daily digest."""
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from cpms.core.demo import demo_loader
from cpms.extensions import db


@demo_loader
def load_notifications(context):
    from cpms.committees.models import Committee
    from cpms.committees.service import raise_action_item, save_meeting
    from cpms.notifications.models import NotificationPreference

    today = date.today()
    clsp = context.get("committees", {}).get("Bipemba")
    forum = clsp and db.session.scalar(select(Committee).where(Committee.parent_id == clsp.id,
                                                               Committee.status == "active").order_by(Committee.id))
    items = 0
    if forum is not None:
        held = datetime.combine(today - timedelta(days=21), time(15, 0), timezone.utc)
        meeting = save_meeting(forum, starts_at=held, place="École primaire du quartier", kind="ordinary",
                               status="held", guests_women=5, guests_men=7,
                               agenda="1. Éclairage du marché\n2. Patrouilles de nuit",
                               minutes="Les habitants signalent des vols à la tombée de la nuit près du marché.",
                               decisions="Deux actions sont confiées à la mairie et au sous-commissariat.",
                               present_member_ids=[])
        for description, organisation, due in (
                ("Remplacer les ampoules de l'éclairage du marché", "Mairie", today - timedelta(days=5)),
                ("Organiser deux patrouilles de nuit par semaine", "PNC – sous-commissariat", today + timedelta(days=2))):
            raise_action_item(meeting, description=description, responsible_member_id=None,
                              responsible_organisation=organisation, due_date=due)
            items += 1
    me_officer = context.get("users", {}).get("suivi@demo.cpms.example")
    if me_officer is not None:
        db.session.add(NotificationPreference(user_id=me_officer.id, kind="survey_round_due", delivery="digest"))
    return {"action items due for reminders": items}
