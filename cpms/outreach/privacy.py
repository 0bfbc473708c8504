"""What outreach contributes to data protection: the retirement of participants' names, facilitators and
attendance sheets."""
import sqlalchemy as sa

from cpms.extensions import db
from cpms.outreach.models import (
    OutreachActivity,
    OutreachEvidence,
    OutreachFacilitator,
    OutreachParticipant,
    OutreachProgrammeAction,
)
from cpms.privacy.service.retention import MASK, anonymise


def retire_participants(before):
    """Anonymise the civil-society participants and facilitators of activities that ended before `before`, delete
    the facilitators to remind (names, e-mail addresses: the reminder is long past) and the attendance sheets (the
    names are on them); anonymise who was responsible for the programme's agreed actions that are closed (open ones
    are still followed up)."""
    old = sa.select(OutreachActivity.id).where(OutreachActivity.end_date < before.date())
    people = anonymise(OutreachParticipant.__table__,
                       sa.and_(OutreachParticipant.activity_id.in_(old), OutreachParticipant.name != "",
                               OutreachParticipant.name.not_like("anon-%")), "outreach_participant")
    facilitators = anonymise(OutreachActivity.__table__,
                             sa.and_(OutreachActivity.end_date < before.date(), OutreachActivity.facilitators != MASK,
                                     OutreachActivity.facilitators != ""), "outreach_participant")
    reachable = db.session.execute(sa.delete(OutreachFacilitator).where(OutreachFacilitator.activity_id.in_(old))
                                   .execution_options(synchronize_session=False)).rowcount
    responsible = anonymise(OutreachProgrammeAction.__table__,
                            sa.and_(OutreachProgrammeAction.activity_id.in_(old), OutreachProgrammeAction.status != "open",
                                    OutreachProgrammeAction.responsible != MASK), "outreach_participant")
    return people + facilitators + reachable + responsible + _retire_attendance_sheets(old)


def _retire_attendance_sheets(old_activities):
    from cpms.outreach.service import evidence_files, remove_files
    sheets = db.session.scalars(sa.select(OutreachEvidence).where(OutreachEvidence.activity_id.in_(old_activities),
                                                                  OutreachEvidence.kind == "attendance_sheet")).all()
    files = [name for sheet in sheets for name in evidence_files(sheet)]
    for sheet in sheets:
        db.session.delete(sheet)
    db.session.flush()
    remove_files(files)  # a failed commit afterwards leaves rows whose file answers 404: no name survives either way
    return len(sheets)
