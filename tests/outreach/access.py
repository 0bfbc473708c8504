"""Who may use the outreach pages (the same decisions as cpms/outreach/views.py).

- Admins and project officers record activities, their rosters and counts.
- M&E officers read activities and rosters.
- Trainers and viewers see the reach through the indicators only.
Everything is limited to the user's area: elsewhere the answer is 404.
"""
MANAGE = frozenset({"admin", "project_officer"})
READ = frozenset({"admin", "project_officer", "me_officer"})

EXPECTED = {
    "outreach.activity_list": READ,
    "outreach.activity_detail": READ,
    "outreach.activity_create": MANAGE,
    "outreach.activity_edit": MANAGE,
    "outreach.officer_add": MANAGE,
    "outreach.civilian_add": MANAGE,
    "outreach.participant_remove": MANAGE,
    "outreach.count_set": MANAGE,
}


def samples(request):
    """A workshop in Bipemba (Kasaï-Oriental) with one civil-society participant."""
    from cpms.extensions import db
    from cpms.outreach import service
    activity = request.getfixturevalue("make_activity")()
    participant = service.add_civilian(activity, name="Mama Test", organisation="", category="youth", sex="F")
    db.session.commit()
    return {"activity_id": activity.id, "participant_id": participant.id}
