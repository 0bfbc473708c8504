from tests.access import ANY, PUBLIC, STAFF

EDITORS = frozenset({"admin", "project_officer"})

EXPECTED = {
    "committees.committee_list": ANY,
    "committees.committee_detail": ANY,
    "committees.committee_create": EDITORS,
    "committees.committee_edit": EDITORS,
    "committees.committee_calendar": ANY,
    "committees.calendar_feed": ANY,
    "committees.calendar_feed_new": ANY,
    "committees.calendar_feed_stop": ANY,
    "committees.calendar_feed_ics": PUBLIC,  # the secret address is the credential
    "committees.member_create": EDITORS,
    "committees.member_edit": EDITORS,
    "committees.meeting_create": EDITORS,
    "committees.meeting_edit": EDITORS,
    "committees.meeting_detail": STAFF,
    "committees.security_issue_add": EDITORS,
    "committees.action_item_add": EDITORS,
    "committees.meeting_minutes_pdf": STAFF,
    "committees.action_item_list": STAFF,
    "committees.action_item_export": STAFF,
    "committees.action_item_update": EDITORS,
    "api.committee_list": ANY,
    "api.meeting_list": ANY,
    "api.action_item_list": STAFF,
}


def samples(request):
    from tests.committees import fixtures as factories

    programme = request.getfixturevalue("make_programme")(provinces=["Kasaï-Oriental"], code="CLSP-ACCESS")
    committee = factories.new_committee(programme, commune="Bipemba")
    member = factories.new_member(committee)
    meeting = factories.new_meeting(committee, present=[member])
    item = factories.new_action_item(meeting)
    from cpms.committees.service import open_calendar_feed
    from cpms.extensions import db
    feed_token = open_calendar_feed(request.getfixturevalue("make_user")("viewer"))
    db.session.commit()
    return {"committee_id": committee.id, "member_id": member.id, "meeting_id": meeting.id, "item_id": item.id,
            "feed_token": feed_token}
