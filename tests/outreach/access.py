"""Who may use the outreach pages (the same decisions as cpms/outreach/views.py).

- Admins and project officers record activities, their rosters and counts.
- M&E officers read activities, rosters and evidence.
- Viewers (donors, management) read activities and their reach by category and sex, not the names or evidence.
- Trainers see the reach through the indicators only.
- Admins, project and M&E officers follow up the actions agreed in workshops that the programme follows up.
Everything is limited to the user's area: elsewhere the answer is 404.
"""
MANAGE = frozenset({"admin", "project_officer"})
READ = frozenset({"admin", "project_officer", "me_officer", "viewer"})
PEOPLE = frozenset({"admin", "project_officer", "me_officer"})
FOLLOW = PEOPLE  # the programme's follow-up of agreed actions: admins, project and M&E officers of the area

EXPECTED = {
    "outreach.activity_list": READ,
    "outreach.activity_detail": READ,
    "outreach.activity_create": MANAGE,
    "outreach.activity_edit": MANAGE,
    "outreach.officer_add": MANAGE,
    "outreach.civilian_add": MANAGE,
    "outreach.participant_remove": MANAGE,
    "outreach.count_set": MANAGE,
    "outreach.scores_save": MANAGE,
    "outreach.evidence_add": MANAGE,
    "outreach.evidence_remove": MANAGE,
    "outreach.action_agree": MANAGE,
    "outreach.facilitator_add": MANAGE,
    "outreach.facilitator_remove": MANAGE,
    "outreach.programme_action_list": FOLLOW,
    "outreach.programme_action_update": FOLLOW,
    "outreach.evidence_file": PEOPLE,
    "outreach.evidence_thumbnail": PEOPLE,
    "api.outreach_activity_list": READ,
    "api.outreach_activity_detail": READ,
    "api.outreach_programme_action_list": FOLLOW,
}


def samples(request):
    """A workshop in Bipemba (Kasaï-Oriental) with one civil-society participant, a photo as evidence, a
    facilitator to remind and an action its programme follows up."""
    from cpms.extensions import db
    from cpms.outreach import service
    from tests.helpers.images import image_bytes, upload
    activity = request.getfixturevalue("make_activity")()
    participant = service.add_civilian(activity, name="Mama Test", organisation="", category="youth", sex="F")
    evidence = service.add_evidence(None, activity, kind="photo", upload=upload(image_bytes()))
    facilitator = service.add_facilitator(activity, user_id=0, name="Maître Test", email="maitre@example.org")
    action = service.carry_to_programme(None, activity, description="Éclairer le marché", responsible="Kabeya Ilunga, mairie",
                                        due_date=activity.end_date)
    db.session.commit()
    return {"programme_id": activity.programme_id, "item_id": action.id, "activity_id": activity.id, "participant_id": participant.id, "evidence_id": evidence.id,
            "facilitator_id": facilitator.id}
