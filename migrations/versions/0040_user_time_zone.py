"""auth: the time zone a user reads times in – `users.time_zone`, an IANA name (Africa/Kinshasa, UTC+1, or
Africa/Lubumbashi, UTC+2), empty for "that of my areas"

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07 07:40:00

Times of records (a job finished, a certificate issued, a last login) were shown in UTC: a sheet asked at 07:51 in
Mbuji-Mayi read "05:51". Existing accounts keep an empty value: their areas' zone applies.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(64), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("time_zone")
