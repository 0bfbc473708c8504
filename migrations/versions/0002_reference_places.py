"""Reference geography: the provinces, cities/territories and communes named in the programme documents.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

from cpms.geo.reference import load_reference_places, unload_reference_places

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    load_reference_places(op.get_bind())


def downgrade():
    unload_reference_places(op.get_bind())
