"""Retention: personal data past its retention class is anonymised (or deleted), and the run is logged.

The classes are those of cpms/core/classification.py. A period of 0 keeps the data. Anonymising keeps the
rows (a trainee still counts in the attendance rates and indicator figures) but overwrites every personal
or sensitive column of the class: NULL where allowed, `anon-<id>` where the value must be unique, else ''
or '***'. Each class that touched rows writes one `retention` entry to the audit log.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from cpms.core.audit import AuditEntry, record_event
from cpms.core.classification import column_retention, is_personal
from cpms.core.models import utcnow
from cpms.extensions import db

MASK = "***"
ANON_PREFIX = "anon-"

# retention class → (setting, unit)
PERIODS = {
    "account": ("RETENTION_ACCOUNT_DAYS", "days"),
    "trainee": ("RETENTION_TRAINEE_YEARS", "years"),
    "vetting": ("RETENTION_VETTING_YEARS", "years"),
    "committee_member": ("RETENTION_MEMBER_YEARS", "years"),
    "survey": ("RETENTION_SURVEY_TEXT_YEARS", "years"),
    "audit": ("RETENTION_AUDIT_DAYS", "days"),
}


def cutoff(retention_class, now=None):
    """The moment before which data of this class has expired, or None when it is kept for ever."""
    setting, unit = PERIODS[retention_class]
    amount = current_app.config[setting]
    if not amount:
        return None
    return (now or utcnow()) - (timedelta(days=amount) if unit == "days" else timedelta(days=round(amount * 365.25)))


def _anonymous_value(table, column):
    if column.nullable:
        return None
    if column.unique or any(isinstance(c, sa.UniqueConstraint) and column.name in c.columns.keys()
                            for c in table.constraints):
        return sa.literal(ANON_PREFIX) + sa.cast(table.c.id, sa.String)
    default = getattr(column.default, "arg", None)
    return "" if default == "" else MASK


def anonymise(table, where, retention_class):
    """Overwrite the personal columns of `retention_class` in the rows of `table` matching `where`."""
    values = {column.name: _anonymous_value(table, column) for column in table.columns
              if is_personal(column) and column_retention(column) == retention_class}
    if not values:
        return 0
    return db.session.execute(sa.update(table).where(where).values(**values)).rowcount


def _tables_referencing(table_name):
    """(table, foreign-key column) of every table with a foreign key to `table_name`."""
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name:
                yield table, fk.parent


def _expired_trainees(before):
    from cpms.training.models import Cohort, Enrolment, Trainee
    recent_training = (sa.select(Enrolment.id).join(Cohort, Cohort.id == Enrolment.cohort_id)
                       .where(Enrolment.trainee_id == Trainee.id, Cohort.end_date >= before.date()))
    return (sa.select(Trainee.id).where(Trainee.updated_at < before, ~sa.exists(recent_training),
                                        ~Trainee.matricule.startswith(ANON_PREFIX)))


def retire_trainees(before):
    """Anonymise officers whose last training ended before `before`, and what records about them hold
    of the same class (every table with a foreign key to trainees)."""
    from cpms.training.models import Trainee
    ids = db.session.scalars(_expired_trainees(before)).all()
    if not ids:
        return 0
    for table, column in _tables_referencing("trainees"):
        anonymise(table, column.in_(ids), "trainee")
    return anonymise(Trainee.__table__, Trainee.id.in_(ids), "trainee")


def retire_vetting_notes(before):
    from cpms.training.models import Vetting
    day = before.date()
    when = sa.func.coalesce(Vetting.decided_on, Vetting.submitted_on)
    return anonymise(Vetting.__table__, sa.and_(when < day, Vetting.notes != ""), "vetting")


def retire_accounts(before):
    from cpms.auth.models import ApiToken, User
    tokens = db.session.execute(sa.delete(ApiToken).where(ApiToken.revoked_at < before)).rowcount
    users = anonymise(User.__table__, sa.and_(User.is_active.is_(False), User.updated_at < before,
                                              ~User.email.startswith(ANON_PREFIX)), "account")
    return users + tokens


def retire_committee_members(before):
    from cpms.committees.models import Member
    return anonymise(Member.__table__, sa.and_(Member.end_date < before.date(), Member.name != MASK),
                     "committee_member")


def retire_survey_text(before):
    from cpms.surveys.models import SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyRound
    old_text = (sa.select(SurveyAnswer.id).join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
                .join(SurveyRound, SurveyRound.id == SurveyResponse.round_id)
                .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
                .where(SurveyQuestion.type == "text", SurveyAnswer.value_text.is_not(None),
                       sa.func.coalesce(SurveyRound.end_date, SurveyRound.start_date) < before.date()))
    return anonymise(SurveyAnswer.__table__, SurveyAnswer.id.in_(old_text), "survey")


def retire_audit_entries(before):
    return db.session.execute(sa.delete(AuditEntry).where(AuditEntry.at < before)).rowcount


RETIRE = {
    "account": retire_accounts,
    "trainee": retire_trainees,
    "vetting": retire_vetting_notes,
    "committee_member": retire_committee_members,
    "survey": retire_survey_text,
    "audit": retire_audit_entries,
}


def apply_retention(now=None):
    """Apply every retention class once; {class: rows changed}. Logged in the audit log; the caller commits."""
    done = {}
    for retention_class, retire in RETIRE.items():
        before = cutoff(retention_class, now)
        if before is None:
            continue
        count = retire(before)
        if count:
            done[retention_class] = count
    for retention_class, count in done.items():
        record_event("retention", entity=retention_class, actor_label="retention job",
                     detail=f"{count} rows anonymised or deleted: {retention_class} data older than "
                            f"{cutoff(retention_class, now):%Y-%m-%d}")
    db.session.flush()
    return done
