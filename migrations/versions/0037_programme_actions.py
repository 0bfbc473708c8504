"""outreach: actions agreed in a joint workshop followed up by the workshop's programme (issue 25)

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06 21:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("outreach_programme_actions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("activity_id", sa.Integer(), nullable=False),
    sa.Column("description", sa.String(length=2000), nullable=False),
    sa.Column("responsible", sa.String(length=200), nullable=False),
    sa.Column("due_date", sa.Date(), nullable=False),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("note", sa.String(length=1000), nullable=False),
    sa.Column("closed_on", sa.Date(), nullable=True),
    sa.Column("recorded_by_id", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'done', 'dropped')", name=op.f("ck_outreach_programme_actions_status")),
    sa.CheckConstraint("(status = 'open') = (closed_on IS NULL)", name=op.f("ck_outreach_programme_actions_closed_on")),
    sa.ForeignKeyConstraint(["activity_id"], ["outreach_activities.id"],
                            name=op.f("fk_outreach_programme_actions_activity_id_outreach_activities"),
                            ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                            name=op.f("fk_outreach_programme_actions_recorded_by_id_users"), ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_programme_actions")),
    )
    with op.batch_alter_table("outreach_programme_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outreach_programme_actions_activity_id"), ["activity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outreach_programme_actions_due_date"), ["due_date"], unique=False)


def downgrade():
    with op.batch_alter_table("outreach_programme_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_programme_actions_due_date"))
        batch_op.drop_index(batch_op.f("ix_outreach_programme_actions_activity_id"))
    op.drop_table("outreach_programme_actions")
