"""Closing the loop: the feedback of a committee's commune since its last held meeting, for its next agenda.

Offered to the slot "committees.meeting" (the committees' meeting page opens it with
`{{ panels("committees.meeting", meeting) }}`): counts by category and how many were answered, of the
non-sensitive cases received in the committee's commune between its previous held meeting (or 90 days before)
and this meeting. Aggregated, so no person, account or code is shown.
"""
from datetime import timedelta

from sqlalchemy import case, func, select

from cpms.complaints.models import CATEGORIES, Complaint
from cpms.extensions import db

WITHOUT_PREVIOUS_DAYS = 90


def meeting_feedback_panel(meeting):
    from cpms.committees.models import Committee, Meeting
    committee = db.session.get(Committee, meeting.committee_id)
    previous = db.session.scalar(select(func.max(Meeting.starts_at)).where(
        Meeting.committee_id == meeting.committee_id, Meeting.status == "held", Meeting.starts_at < meeting.starts_at))
    since = previous or meeting.starts_at - timedelta(days=WITHOUT_PREVIOUS_DAYS)
    answered = func.sum(case((Complaint.status.in_(("answered", "closed")), 1), else_=0))
    rows = db.session.execute(
        select(Complaint.category, func.count(), answered)
        .where(Complaint.is_sensitive.is_(False), Complaint.commune_id == committee.commune_id,
               Complaint.received_at >= since, Complaint.received_at < meeting.starts_at)
        .group_by(Complaint.category).order_by(func.count().desc(), Complaint.category)).all()
    return {"feedback_since": since, "feedback_rows": [(CATEGORIES[category], count, done or 0)
                                                       for category, count, done in rows]}
