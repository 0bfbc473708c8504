"""Province → city or territory → commune → quartier."""
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.models import Audited, TimestampMixin
from cpms.extensions import db
from cpms.geo.reference import COUNTRY_LATITUDE, COUNTRY_LONGITUDE, DEFAULT_ZONE, province_zone

CITY_KINDS = ("city", "territory")


def _default_zone(context):
    return province_zone(context.get_current_parameters().get("name")) or DEFAULT_ZONE


class Province(Audited, TimestampMixin, db.Model):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # IANA name (cpms/geo/time.py); by default the zone of a known province's name (migration 0018 fills it)
    time_zone: Mapped[str] = mapped_column(String(64), default=_default_zone, server_default=DEFAULT_ZONE)

    cities: Mapped[list["City"]] = relationship(back_populates="province", lazy="raise",
                                                order_by="City.name")

    def __repr__(self):
        return f"<Province {self.name}>"


class City(Audited, TimestampMixin, db.Model):
    __tablename__ = "cities"
    __table_args__ = (
        UniqueConstraint("province_id", "name", name="uq_cities_province_name"),
        CheckConstraint("kind IN ('city', 'territory')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="city")

    province: Mapped[Province] = relationship(back_populates="cities", lazy="joined")
    communes: Mapped[list["Commune"]] = relationship(back_populates="city", lazy="raise",
                                                     order_by="Commune.name")

    def __repr__(self):
        return f"<City {self.name}>"


class Commune(Audited, TimestampMixin, db.Model):
    """A commune (or chefferie/secteur in a territory).

    `province_id` repeats the city's province so that every area-scoped query can filter on it
    without two joins; services set it from the city and never let it differ. `latitude`/`longitude` place it on
    the maps (committees, survey communes): the reference communes start at their city's centre.
    """

    __tablename__ = "communes"
    __table_args__ = (
        UniqueConstraint("city_id", "name", name="uq_communes_city_name"),
        CheckConstraint(f"latitude IS NULL OR (latitude >= {COUNTRY_LATITUDE[0]} AND latitude <= {COUNTRY_LATITUDE[1]})",
                        name="latitude"),
        CheckConstraint(f"longitude IS NULL OR (longitude >= {COUNTRY_LONGITUDE[0]} AND longitude <= {COUNTRY_LONGITUDE[1]})",
                        name="longitude"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    city: Mapped[City] = relationship(back_populates="communes", lazy="joined")
    province: Mapped[Province] = relationship(lazy="joined")
    quartiers: Mapped[list["Quartier"]] = relationship(back_populates="commune", lazy="raise",
                                                       order_by="Quartier.name")

    @property
    def label(self):
        return f"{self.name} ({self.city.name})"

    def __repr__(self):
        return f"<Commune {self.name}>"


class Quartier(Audited, TimestampMixin, db.Model):
    __tablename__ = "quartiers"
    __table_args__ = (UniqueConstraint("commune_id", "name", name="uq_quartiers_commune_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    commune: Mapped[Commune] = relationship(back_populates="quartiers", lazy="raise")

    def __repr__(self):
        return f"<Quartier {self.name}>"
