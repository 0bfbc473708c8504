"""Committees: a secret, revocable calendar feed address per user; indicators: the DHIS2 data set and attribute
option combo of a programme (issue 23)

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "committee_calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_committee_calendar_feeds_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_committee_calendar_feeds_token_hash")),
    )
    with op.batch_alter_table("committee_calendar_feeds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_calendar_feeds_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("results_frameworks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dhis2_data_set", sa.String(length=11), server_default="", nullable=False))
        batch_op.add_column(sa.Column("dhis2_attribute_option_combo", sa.String(length=11), server_default="",
                                      nullable=False))


def downgrade():
    with op.batch_alter_table("results_frameworks", schema=None) as batch_op:
        batch_op.drop_column("dhis2_attribute_option_combo")
        batch_op.drop_column("dhis2_data_set")
    with op.batch_alter_table("committee_calendar_feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_calendar_feeds_user_id"))
    op.drop_table("committee_calendar_feeds")
