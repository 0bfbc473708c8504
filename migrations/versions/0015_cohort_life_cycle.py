"""Cohort life cycle and enrolment dates

- cohorts.closed_on: the explicit close of an ended cohort (its records become final; who closed it is in the
  audit log);
  the phase planned → running → ended is derived from the dates (docs/rules/training.md);
- cohorts.status, a cache of the phase for SQL filters, is brought in line with the dates (cancelled stays);
- enrolments: every enrolment has a date within its cohort's dates; existing enrolments whose date lies outside
  (none should) get the cohort's start date.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN, no batch copy: on SQLite, copying cohorts (DROP TABLE with foreign keys on) would delete
    # every enrolment, session and mark through their ON DELETE CASCADE
    op.add_column("cohorts", sa.Column("closed_on", sa.Date(), nullable=True))
    today = sa.func.current_date()
    cohorts = sa.table("cohorts", sa.column("status", sa.String), sa.column("start_date", sa.Date),
                       sa.column("end_date", sa.Date))
    op.execute(cohorts.update().where(cohorts.c.status != "cancelled").values(status=sa.case(
        (cohorts.c.start_date > today, "planned"), (cohorts.c.end_date >= today, "running"), else_="completed")))
    op.execute("""
        UPDATE enrolments SET enrolled_on = (SELECT start_date FROM cohorts WHERE cohorts.id = enrolments.cohort_id)
        WHERE (enrolled_on < (SELECT start_date FROM cohorts WHERE cohorts.id = enrolments.cohort_id)
               OR enrolled_on > (SELECT end_date FROM cohorts WHERE cohorts.id = enrolments.cohort_id))
          AND (withdrawn_on IS NULL
               OR withdrawn_on >= (SELECT start_date FROM cohorts WHERE cohorts.id = enrolments.cohort_id))
    """)


def downgrade():
    op.drop_column("cohorts", "closed_on")  # native DROP COLUMN (SQLite 3.35+), no table copy
