"""Users, their roles and area scopes, personal API tokens."""
import hashlib
import json
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Column, Float, ForeignKey, String, Table, false, inspect
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from cpms.core.models import Audited, TimestampMixin, UTCDateTime, personal, utcnow
from cpms.core.permissions import ROLES
from cpms.extensions import db
from cpms.geo.reference import DEFAULT_ZONE

user_provinces = Table(
    "user_provinces", db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("province_id", ForeignKey("provinces.id", ondelete="CASCADE"), primary_key=True),
)
user_communes = Table(
    "user_communes", db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("commune_id", ForeignKey("communes.id", ondelete="CASCADE"), primary_key=True),
)


# Loader options a domain adds to the query that loads the logged-in user (e.g. with_expression for
# a figure of the top bar), so that every page costs the same fixed number of queries.
USER_LOAD_OPTIONS = []


def new_session_token():
    return secrets.token_urlsafe(32)


class User(Audited, UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __audit_ignore__ = frozenset({"last_login_at"})
    __table_args__ = (
        CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="role"),
        CheckConstraint("locale IN ('fr', 'en')", name="locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), info=personal())
    # stored lower-cased by the services, so uniqueness is case-insensitive
    email: Mapped[str] = mapped_column(String(254), unique=True, info=personal())
    password_hash: Mapped[str] = mapped_column(String(255), info=personal("sensitive"))
    role: Mapped[str] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    # the zone times are shown in (IANA name); None: that of the user's areas (`display_zone`)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when an administrator chose the password (a reset, or an initial password typed on the new-user form):
    # the owner must choose their own at the next login before any other page opens.
    is_password_change_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Rotated at logout and password change: every session cookie issued before is dead.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token,
                                               info=personal("sensitive"))

    # TOTP second factor: the shared secret once confirmed, and the SHA-256 of unused recovery codes
    totp_secret: Mapped[str | None] = mapped_column(String(64), info=personal("sensitive"))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recovery_codes: Mapped[str | None] = mapped_column(String(1000), info=personal("sensitive"))

    provinces = relationship("Province", secondary=user_provinces, lazy="selectin", order_by="Province.name")
    communes = relationship("Commune", secondary=user_communes, lazy="selectin", order_by="Commune.name")
    # Figures loaded with the user of a request in the same query (see USER_LOAD_OPTIONS above),
    # so the top bar costs no query of its own; None when not loaded.
    unread_notifications = query_expression()
    # The areas of the request's user as JSON text, loaded with it (cpms/auth/views.py, area_expressions) rather
    # than as joined Province and Commune entities: [[id, name, zone], …] and [[id, name, province id, zone], …].
    # None when not loaded: `area` then reads the relationships.
    province_rows = query_expression()
    commune_rows = query_expression()
    rows_in_order = False  # True when the database sorted those rows by name itself (PostgreSQL, in its collation)

    def get_id(self):
        return self.session_token

    @property
    def has_two_factor(self):
        return self.totp_enabled_at is not None

    @property
    def area(self):
        """The user's areas as plain tuples, each list ordered by name: (provinces as (id, name, zone), communes as
        (id, name, province id, zone)). Read from the JSON loaded with the request's user while the relationships
        are not loaded (issue 22: the joined entities were a tenth of every page's fixed cost), else from them
        (another query's user, or areas just changed)."""
        unloaded = inspect(self).unloaded
        if self.province_rows is None or "provinces" not in unloaded or "communes" not in unloaded:
            return (tuple((p.id, p.name, p.time_zone) for p in self.provinces),
                    tuple((c.id, c.name, c.province_id, c.province.time_zone) for c in self.communes))
        kept = self.__dict__.get("_area")
        if kept is None or kept[0] is not self.province_rows or kept[1] is not self.commune_rows:
            provinces = [tuple(row) for row in json.loads(self.province_rows)]
            communes = [tuple(row) for row in json.loads(self.commune_rows)]
            if not self.rows_in_order:  # SQLite: by code point, as its ORDER BY name (BINARY collation) sorts
                provinces.sort(key=lambda row: row[1])
                communes.sort(key=lambda row: row[1])
            kept = self.__dict__["_area"] = (self.province_rows, self.commune_rows, (tuple(provinces), tuple(communes)))
        return kept[2]

    @property
    def area_zone(self):
        """The zone of the user's areas when they are all in one (provinces, communes' provinces), else the
        country's default zone (Kinshasa time): what `display_zone` falls back to."""
        provinces, communes = self.area
        zones = {zone for *_rest, zone in provinces} | {zone for *_rest, zone in communes}
        return zones.pop() if len(zones) == 1 else DEFAULT_ZONE

    @property
    def display_zone(self):
        """The IANA zone the user reads times in: their choice on "My account", else their areas' zone."""
        return self.time_zone or self.area_zone

    @property
    def area_label(self):
        provinces, communes = self.area
        return ", ".join([name for _id, name, _zone in provinces] + [name for _id, name, *_rest in communes])

    def __repr__(self):
        return f"<User {self.id} {self.role}>"


def hash_api_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(Audited, db.Model):
    """A personal API token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"
    __audit_ignore__ = frozenset({"last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info=personal("sensitive"))
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self):
        return f"<ApiToken {self.prefix}… user={self.user_id}>"


class RateLimitCounter(db.Model):
    """One rate-limit window of Flask-Limiter (cpms/auth/ratelimit.py), shared by every worker."""

    __tablename__ = "rate_limit_counters"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the key: no address kept
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
