"""What training contributes to data protection: the retirement of officers' and vetting data, and the officer
as the subject of a subject-access export."""
import sqlalchemy as sa

from cpms.core.permissions import get_or_404
from cpms.extensions import db
from cpms.privacy.service.retention import ANON_PREFIX, anonymise, tables_referencing
from cpms.training.models import Cohort, Enrolment, Trainee, Vetting


def _expired_trainees(before):
    recent_training = (sa.select(Enrolment.id).join(Cohort, Cohort.id == Enrolment.cohort_id)
                       .where(Enrolment.trainee_id == Trainee.id, Cohort.end_date >= before.date()))
    return (sa.select(Trainee.id).where(Trainee.updated_at < before, ~sa.exists(recent_training),
                                        ~Trainee.matricule.startswith(ANON_PREFIX)))


def retire_trainees(before):
    """Anonymise officers whose last training ended before `before`, and what records about them hold
    of the same class (every table with a foreign key to trainees)."""
    ids = db.session.scalars(_expired_trainees(before)).all()
    if not ids:
        return 0
    for table, column in tables_referencing("trainees"):
        anonymise(table, column.in_(ids), "trainee")
    return anonymise(Trainee.__table__, Trainee.id.in_(ids), "trainee")


def retire_vetting_notes(before):
    """Erase the notes of vetting steps decided (or submitted) before `before`."""
    day = before.date()
    when = sa.func.coalesce(Vetting.decided_on, Vetting.submitted_on)
    return anonymise(Vetting.__table__, sa.and_(when < day, Vetting.notes != ""), "vetting")


def find_trainee(trainee_id, user):
    """The officer whose data is asked for; 404 when `user` may not see them."""
    from cpms.training.service import can_see_trainee
    return get_or_404(Trainee, trainee_id, user, check=can_see_trainee)
