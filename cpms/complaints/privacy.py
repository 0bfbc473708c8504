"""What complaints contribute to data protection: the retirement of closed cases' accounts, contacts and answers."""
import sqlalchemy as sa

from cpms.complaints.models import Complaint, Referral
from cpms.privacy.service.retention import MASK, anonymise


def retire_complaints(before):
    """Anonymise the accounts, contacts, answers and referral notes of cases closed before `before`."""
    closed = sa.and_(Complaint.closed_at < before, Complaint.account != MASK)
    ids = sa.select(Complaint.id).where(closed)
    count = anonymise(Referral.__table__, Referral.complaint_id.in_(ids), "complaint")
    return count + anonymise(Complaint.__table__, closed, "complaint")
