"""harden: TOTP second factor on user accounts

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 13:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enabled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("recovery_codes", sa.String(length=1000), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("recovery_codes")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")
