"""What outreach contributes to data protection: the retirement of participants' names and facilitators."""
import sqlalchemy as sa

from cpms.outreach.models import OutreachActivity, OutreachParticipant
from cpms.privacy.service.retention import MASK, anonymise


def retire_participants(before):
    """Anonymise the civil-society participants and facilitators of activities that ended before `before`."""
    old = sa.select(OutreachActivity.id).where(OutreachActivity.end_date < before.date())
    people = anonymise(OutreachParticipant.__table__,
                       sa.and_(OutreachParticipant.activity_id.in_(old), OutreachParticipant.name != "",
                               OutreachParticipant.name.not_like("anon-%")), "outreach_participant")
    facilitators = anonymise(OutreachActivity.__table__,
                             sa.and_(OutreachActivity.end_date < before.date(), OutreachActivity.facilitators != MASK,
                                     OutreachActivity.facilitators != ""), "outreach_participant")
    return people + facilitators
