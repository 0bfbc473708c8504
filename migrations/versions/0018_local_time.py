"""Local time: each province gets its time zone, and committee meeting times become real UTC

- provinces.time_zone (IANA name): Africa/Kinshasa (UTC+1) for the ten western provinces, Africa/Lubumbashi
  (UTC+2) for the others known by name (cpms/geo/reference.py PROVINCE_ZONES); a province with another name
  keeps the server default Africa/Kinshasa (an admin can correct it).
- committee_meetings.starts_at: until now the meeting form took the time typed (the local wall-clock time of
  the meeting) and stored it as if it were UTC. ASSUMPTION: every existing meeting time was entered that way,
  as the local time of its committee's province (the only form and the demo both did so; the API is read-only).
  So each one is read back as a wall-clock time in its committee's province zone and converted to real UTC:
  09:00 stored for a meeting in Mbuji-Mayi becomes 07:00 UTC, in Kinshasa 08:00 UTC. The downgrade does the
  reverse (real UTC back to wall-clock time stored as UTC).

Revision ID: 0018
Revises: 0017
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from cpms.geo.reference import DEFAULT_ZONE, set_province_zones

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_meetings = sa.table("committee_meetings", sa.column("id", sa.Integer), sa.column("committee_id", sa.Integer),
                     sa.column("starts_at", sa.DateTime(timezone=True)))
_committees = sa.table("committees", sa.column("id", sa.Integer), sa.column("province_id", sa.Integer))
_provinces = sa.table("provinces", sa.column("id", sa.Integer), sa.column("time_zone", sa.String))


def _as_utc(value):
    if isinstance(value, str):  # SQLite without type information
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _shift_meetings(to_real_utc):
    """Re-read every meeting time in its committee's zone (see the docstring), in batches of 500."""
    connection = op.get_bind()
    stmt = (sa.select(_meetings.c.id, _meetings.c.starts_at, _provinces.c.time_zone)
            .join(_committees, _committees.c.id == _meetings.c.committee_id)
            .join(_provinces, _provinces.c.id == _committees.c.province_id).order_by(_meetings.c.id))
    rows = connection.execute(stmt).all()
    naive = connection.dialect.name == "sqlite"
    for start in range(0, len(rows), 500):
        updates = []
        for meeting_id, starts_at, zone_name in rows[start:start + 500]:
            value, zone = _as_utc(starts_at), ZoneInfo(zone_name or DEFAULT_ZONE)
            if to_real_utc:  # the stored "UTC" digits are the local wall-clock time
                shifted = value.replace(tzinfo=zone).astimezone(timezone.utc)
            else:  # the local wall-clock time, stored with UTC digits again
                shifted = value.astimezone(zone).replace(tzinfo=timezone.utc)
            updates.append({"meeting_id": meeting_id, "new_starts_at": shifted.replace(tzinfo=None) if naive else shifted})
        if updates:
            connection.execute(sa.update(_meetings).where(_meetings.c.id == sa.bindparam("meeting_id"))
                               .values(starts_at=sa.bindparam("new_starts_at")), updates)


def upgrade():
    op.add_column("provinces", sa.Column("time_zone", sa.String(length=64), nullable=False,
                                         server_default=DEFAULT_ZONE))  # native ADD COLUMN on both
    set_province_zones(op.get_bind())
    _shift_meetings(to_real_utc=True)


def downgrade():
    _shift_meetings(to_real_utc=False)
    # native DROP COLUMN (SQLite 3.35+): a batch copy of provinces would fail on the foreign keys that point to it
    op.drop_column("provinces", "time_zone")
