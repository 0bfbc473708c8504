"""indicators: the narrative per programme outcome and reporting period, written by the M&E officer and shown in
the PDF report and the XLSX read-me (issue 23)

Revision ID: 0034
Revises: 0033
"""
import sqlalchemy as sa
from alembic import op


revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "indicator_narratives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("period_kind IN ('quarter', 'half', 'year')", name=op.f("ck_indicator_narratives_period_kind")),
        sa.ForeignKeyConstraint(["node_id"], ["result_nodes.id"], name=op.f("fk_indicator_narratives_node_id_result_nodes"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                name=op.f("fk_indicator_narratives_programme_id_programmes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["written_by_id"], ["users.id"], name=op.f("fk_indicator_narratives_written_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_narratives")),
        sa.UniqueConstraint("node_id", "period_kind", "period_start", name="uq_indicator_narratives_period"),
    )
    with op.batch_alter_table("indicator_narratives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_narratives_node_id"), ["node_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_indicator_narratives_programme_id"), ["programme_id"], unique=False)


def downgrade():
    with op.batch_alter_table("indicator_narratives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_narratives_programme_id"))
        batch_op.drop_index(batch_op.f("ix_indicator_narratives_node_id"))
    op.drop_table("indicator_narratives")
