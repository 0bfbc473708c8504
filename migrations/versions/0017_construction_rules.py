"""Construction project rules: required milestones and the reason of an overridden final acceptance

- milestone_template_items.is_required and milestones.is_required: a final acceptance needs every required
  milestone reached; the default roofing, finishing and equipment milestones are required (existing rows too);
- handovers.override_reason: the written reason when the final acceptance was given without them.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

from cpms.stations.reference import mark_required_milestones

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("milestone_template_items", "milestones"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("is_required", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_reason", sa.Text(), nullable=False, server_default=""))
    mark_required_milestones(op.get_bind())


def downgrade():
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_column("override_reason")
    for table in ("milestones", "milestone_template_items"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("is_required")
