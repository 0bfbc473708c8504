"""Outreach rules and writes (flush, never commit): activities, rosters, counts and questionnaires (activities.py),
agreed actions and facilitators to remind (followup.py), the programme's follow-up of agreed actions
(programme_actions.py),
evidence files (evidence.py), the home page's cards and "today" lines (dashboard.py)."""
from cpms.outreach.models import OutreachActivity, OutreachEvidence, OutreachParticipant  # noqa: F401
from cpms.outreach.service import dashboard  # noqa: F401  (registers the home page's cards and lines)
from cpms.outreach.service.activities import (  # noqa: F401
    MANAGERS,
    MAX_ROSTER,
    PEOPLE_READERS,
    READERS,
    TRAININGS,
    activity_counts,
    activity_roster,
    add_civilian,
    add_officer,
    can_see_activity,
    create_activity,
    knowledge_gain,
    reach_by_category,
    reach_by_sex,
    record_scores,
    remove_participant,
    set_count,
    update_activity,
    visible_activities,
)
from cpms.outreach.service.evidence import (  # noqa: F401
    MAX_EVIDENCE_PER_ACTIVITY,
    activity_evidence,
    add_evidence,
    evidence_files,
    file_path,
    remove_evidence,
    remove_files,
)
from cpms.outreach.service.followup import (  # noqa: F401
    AGREEING_KINDS,
    activity_facilitators,
    add_facilitator,
    agree_action,
    agreed_actions,
    committee_choices,
    facilitator_user_choices,
    remove_facilitator,
)
from cpms.outreach.service.programme_actions import (  # noqa: F401
    FOLLOWERS,
    SHOWS,
    can_follow,
    carry_to_programme,
    programme_action_counts,
    programme_actions,
    programme_actions_of,
    update_programme_action,
    visible_programme_actions,
)
