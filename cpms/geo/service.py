"""Geography: reference places and the admin operations that add more."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.extensions import db
from cpms.geo.models import City, Commune, Province, Quartier
from cpms.geo.reference import COUNTRY_LATITUDE, COUNTRY_LONGITUDE, province_zone
from cpms.geo.time import valid_zone


def province_choices():
    return [(p.id, p.name) for p in db.session.scalars(select(Province).order_by(Province.name))]


def commune_choices(scope=None):
    """(id, "commune – city (province)") of every commune, or of those in `scope`."""
    stmt = (select(Commune.id, Commune.name, City.name, Province.name)
            .join(City, Commune.city_id == City.id).join(Province, Commune.province_id == Province.id)
            .order_by(Province.name, City.name, Commune.name))
    if scope is not None:
        stmt = stmt.where(scope.filter(Commune.province_id, Commune.id))
    rows = db.session.execute(stmt)
    return [(cid, f"{name} – {city} ({province})") for cid, name, city, province in rows]


def city_choices():
    rows = db.session.execute(select(City.id, City.name, Province.name).join(Province).order_by(Province.name, City.name))
    return [(cid, f"{name} ({province})") for cid, name, province in rows]


def _clean_name(name):
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Enter a name."), field="name")
    return name


def create_province(*, name, time_zone=None):
    """A new province; its time zone is the one given, or that of a known province's name (see reference.py).

    Errors: empty or duplicate name, an unknown time zone, no time zone for a name that is not a province's.
    """
    name = _clean_name(name)
    if db.session.scalar(select(Province.id).where(func.lower(Province.name) == name.lower())):
        raise DomainError(_("A province with this name already exists."), field="name")
    time_zone = time_zone or province_zone(name)
    if not time_zone:
        raise DomainError(_("Choose the province's time zone: Africa/Kinshasa (UTC+1) in the west, "
                            "Africa/Lubumbashi (UTC+2) in the centre and the east."), field="time_zone")
    if not valid_zone(time_zone):
        raise DomainError(_("Unknown time zone: choose one of the list."), field="time_zone")
    province = Province(name=name, time_zone=time_zone)
    db.session.add(province)
    db.session.flush()
    return province


def create_city(province, *, name, kind):
    name = _clean_name(name)
    if kind not in ("city", "territory"):
        raise DomainError(_("Choose city or territory."), field="kind")
    if db.session.scalar(select(City.id).where(City.province_id == province.id, func.lower(City.name) == name.lower())):
        raise DomainError(_("This province already has a city or territory with this name."), field="name")
    city = City(province_id=province.id, name=name, kind=kind)
    db.session.add(city)
    db.session.flush()
    return city


def create_commune(city, *, name):
    name = _clean_name(name)
    if db.session.scalar(select(Commune.id).where(Commune.city_id == city.id, func.lower(Commune.name) == name.lower())):
        raise DomainError(_("This city already has a commune with this name."), field="name")
    commune = Commune(city_id=city.id, province_id=city.province_id, name=name)
    db.session.add(commune)
    db.session.flush()
    return commune


def set_commune_position(commune, *, latitude, longitude):
    """Record where a commune is (its centre, for the maps), or forget it with neither value."""
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Enter both latitude and longitude, or neither."),
                          field="latitude" if latitude is None else "longitude")
    if latitude is not None and not COUNTRY_LATITUDE[0] <= latitude <= COUNTRY_LATITUDE[1]:
        raise DomainError(_("This latitude is outside the DR Congo (between %(low)s and %(high)s). "
                            "Check the sign: south of the equator is negative.",
                            low=COUNTRY_LATITUDE[0], high=COUNTRY_LATITUDE[1]), field="latitude")
    if longitude is not None and not COUNTRY_LONGITUDE[0] <= longitude <= COUNTRY_LONGITUDE[1]:
        raise DomainError(_("This longitude is outside the DR Congo (between %(low)s and %(high)s).",
                            low=COUNTRY_LONGITUDE[0], high=COUNTRY_LONGITUDE[1]), field="longitude")
    commune.latitude, commune.longitude = latitude, longitude
    db.session.flush()
    return commune


def create_quartier(commune, *, name):
    name = _clean_name(name)
    if db.session.scalar(select(Quartier.id).where(Quartier.commune_id == commune.id,
                                                   func.lower(Quartier.name) == name.lower())):
        raise DomainError(_("This commune already has a quartier with this name."), field="name")
    quartier = Quartier(commune_id=commune.id, name=name)
    db.session.add(quartier)
    db.session.flush()
    return quartier


def province_overview():
    """Provinces with their number of cities/territories and communes: one grouped query."""
    city_counts = select(City.province_id, func.count(City.id).label("cities")).group_by(City.province_id).subquery()
    commune_counts = (select(Commune.province_id, func.count(Commune.id).label("communes"))
                      .group_by(Commune.province_id).subquery())
    stmt = (select(Province, func.coalesce(city_counts.c.cities, 0), func.coalesce(commune_counts.c.communes, 0))
            .outerjoin(city_counts, city_counts.c.province_id == Province.id)
            .outerjoin(commune_counts, commune_counts.c.province_id == Province.id)
            .order_by(Province.name))
    return db.session.execute(stmt).all()


def province_tree(province):
    """Cities of a province with their communes and quartiers, in three queries."""
    cities = db.session.scalars(select(City).where(City.province_id == province.id).order_by(City.name)).all()
    communes = db.session.scalars(select(Commune).where(Commune.province_id == province.id).order_by(Commune.name)).all()
    quartiers = db.session.scalars(select(Quartier).join(Commune).where(Commune.province_id == province.id)
                                   .order_by(Quartier.name)).all()
    by_commune = {}
    for q in quartiers:
        by_commune.setdefault(q.commune_id, []).append(q)
    by_city = {}
    for c in communes:
        by_city.setdefault(c.city_id, []).append((c, by_commune.get(c.id, [])))
    return [(city, by_city.get(city.id, [])) for city in cities]
