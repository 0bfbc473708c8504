"""What committees contribute to data protection: the retirement of former members' names and contacts."""
import sqlalchemy as sa

from cpms.committees.models import Member
from cpms.privacy.service.retention import MASK, anonymise


def retire_committee_members(before):
    """Anonymise the members who left a committee before `before`."""
    return anonymise(Member.__table__, sa.and_(Member.end_date < before.date(), Member.name != MASK),
                     "committee_member")
