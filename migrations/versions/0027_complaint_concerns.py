"""complaints: the station or committee a case concerns, picked by staff among those of their area

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 17:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("concerns_station_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("concerns_committee_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_complaints_concerns_station_id_stations"), "stations",
                                    ["concerns_station_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_complaints_concerns_committee_id_committees"), "committees",
                                    ["concerns_committee_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_complaints_concerns_committee_id_committees"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_complaints_concerns_station_id_stations"), type_="foreignkey")
        batch_op.drop_column("concerns_committee_id")
        batch_op.drop_column("concerns_station_id")
