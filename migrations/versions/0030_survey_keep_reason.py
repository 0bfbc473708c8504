"""surveys: the reason an officer gave for keeping the answers of a question not stored by default

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 17:40:00

Questions already there keep their setting: a free-text question imported before this revision stays stored
(its reason reads "stored before private-by-default"), so that no answer already used disappears unannounced.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keep_reason", sa.String(length=500), server_default="", nullable=False))
    op.execute("UPDATE survey_questions SET keep_reason = 'stored before private-by-default' "
               "WHERE is_identifying = false AND type NOT IN "
               "('select_one', 'select_multiple', 'integer', 'decimal', 'range', 'date')")


def downgrade():
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.drop_column("keep_reason")
