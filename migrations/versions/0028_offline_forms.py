"""offline field forms: the key of the device draft that saved a meeting or created a progress report

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("committee_meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offline_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_committee_meetings_offline_key", ["committee_id", "offline_key"])
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offline_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_progress_reports_offline_key", ["project_id", "offline_key"])


def downgrade():
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.drop_constraint("uq_progress_reports_offline_key", type_="unique")
        batch_op.drop_column("offline_key")
    with op.batch_alter_table("committee_meetings", schema=None) as batch_op:
        batch_op.drop_constraint("uq_committee_meetings_offline_key", type_="unique")
        batch_op.drop_column("offline_key")
