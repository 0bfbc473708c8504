"""geo: a position (latitude, longitude) per commune, to place committees and survey communes on the maps

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 20:40:00

The reference communes (cpms/geo/reference.py) start at their city's centre; other communes have no position
until an admin records one on the province page.
"""
from alembic import op
import sqlalchemy as sa

from cpms.geo.reference import set_commune_positions

# revision identifiers, used by Alembic.
revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Double(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_communes_position"), "(latitude IS NULL) = (longitude IS NULL)")
        batch_op.create_check_constraint(op.f("ck_communes_latitude"),
                                         "latitude IS NULL OR (latitude >= -13.5 AND latitude <= 5.4)")
        batch_op.create_check_constraint(op.f("ck_communes_longitude"),
                                         "longitude IS NULL OR (longitude >= 12.2 AND longitude <= 31.4)")
    set_commune_positions(op.get_bind())


def downgrade():
    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_communes_longitude"), type_="check")
        batch_op.drop_constraint(op.f("ck_communes_latitude"), type_="check")
        batch_op.drop_constraint(op.f("ck_communes_position"), type_="check")
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
