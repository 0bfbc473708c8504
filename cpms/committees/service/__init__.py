"""Committees' rules and writes.

committees.py: who sees what, choices for the forms, creating and editing committees, the dashboard cards;
members.py: members and the representation targets; meetings.py: meetings with roll call and quorum, security
issues; calendar.py: iCalendar documents and each user's feed address; action_items.py: action items and their follow-up from meeting to meeting; places.py: the committees on the map.

Services check the business rules, flush and raise DomainError saying what to fix; the request commits.
"""
from cpms.committees.service import places
from cpms.committees.service.action_items import (
                                                  action_counts,
                                                  carried_over_items,
                                                  current_members,
                                                  meeting_action_items,
                                                  raise_action_item,
                                                  raise_sourced_action_item,
                                                  sourced_action_items,
                                                  update_action_item,
                                                  visible_action_items,
)
from cpms.committees.service.calendar import (
                                                  active_calendar_feed,
                                                  calendar_feed_user,
                                                  calendar_ics,
                                                  close_calendar_feed,
                                                  feed_address,
                                                  feed_meetings,
                                                  open_calendar_feed,
)
from cpms.committees.service.committees import (
                                                  can_see,
                                                  can_see_item,
                                                  can_see_meeting,
                                                  child_committees,
                                                  committee_cards,
                                                  committee_choices,
                                                  commune_choices,
                                                  count_by_kind,
                                                  create_committee,
                                                  programme_choices,
                                                  quartier_choices,
                                                  update_committee,
                                                  visible_committees,
)
from cpms.committees.service.meetings import (
                                                  Quorum,
                                                  add_security_issue,
                                                  committee_meetings,
                                                  meeting_issues,
                                                  meeting_sent_with,
                                                  meetings_to_keep,
                                                  presence_by_sex,
                                                  quorum,
                                                  quorum_chart,
                                                  roll_call,
                                                  save_meeting,
                                                  signatories,
                                                  upcoming_meetings,
                                                  visible_meetings,
)
from cpms.committees.service.members import (
                                                  DEFAULT_REQUIRED_CATEGORIES,
                                                  Representation,
                                                  active_members,
                                                  add_member,
                                                  committee_members,
                                                  member_active_on,
                                                  representation,
                                                  update_member,
)

__all__ = ["places", "DEFAULT_REQUIRED_CATEGORIES", "Quorum", "Representation", "action_counts", "active_calendar_feed",
           "active_members", "calendar_feed_user", "close_calendar_feed", "feed_address", "feed_meetings", "open_calendar_feed",
           "add_member", "add_security_issue", "calendar_ics", "can_see", "can_see_item", "can_see_meeting",
           "carried_over_items", "child_committees", "current_members", "committee_cards", "committee_choices", "committee_meetings",
           "committee_members", "commune_choices", "count_by_kind", "create_committee", "meeting_action_items",
           "meeting_issues", "meeting_sent_with", "meetings_to_keep", "member_active_on", "presence_by_sex", "signatories", "programme_choices", "quartier_choices", "quorum", "quorum_chart",
           "raise_action_item", "raise_sourced_action_item", "sourced_action_items", "representation", "roll_call", "save_meeting", "update_action_item",
           "update_committee", "update_member", "upcoming_meetings", "visible_action_items", "visible_committees",
           "visible_meetings"]
