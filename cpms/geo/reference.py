"""The places named in the programme documents, preloaded by a data migration.

Province → [(city or territory, kind, [communes])]. Plain data: the migration imports it, so it
must stay free of application imports.
"""
from datetime import datetime, timezone

import sqlalchemy as sa

_provinces = sa.table("provinces", sa.column("id", sa.Integer), sa.column("name", sa.String),
                      sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime))
_cities = sa.table("cities", sa.column("id", sa.Integer), sa.column("province_id", sa.Integer),
                   sa.column("name", sa.String), sa.column("kind", sa.String),
                   sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime))
_communes = sa.table("communes", sa.column("id", sa.Integer), sa.column("city_id", sa.Integer),
                     sa.column("latitude", sa.Float), sa.column("longitude", sa.Float),
                     sa.column("province_id", sa.Integer), sa.column("name", sa.String),
                     sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime))

PLACES = {
    "Kasaï-Oriental": [
        ("Mbuji-Mayi", "city", ["Bipemba", "Dibindi", "Diulu", "Kanshi", "Muya"]),
    ],
    "Haut-Katanga": [
        ("Lubumbashi", "city", ["Annexe", "Kamalondo", "Kampemba", "Katuba", "Kenya", "Lubumbashi", "Rwashi"]),
    ],
    "Kasaï": [
        ("Tshikapa", "city", ["Dibumba I", "Kanzala", "Mabondo", "Mbumba"]),
        ("Kamonia", "territory", ["Kamako"]),
    ],
    "Kasaï-Central": [
        ("Kananga", "city", ["Kananga", "Katoka", "Lukonga", "Ndesha", "Nganza"]),
    ],
    "Nord-Kivu": [
        ("Goma", "city", ["Goma", "Karisimbi"]),
        ("Masisi", "territory", ["Masisi centre", "Sake"]),
    ],
    "Tanganyika": [
        ("Kalemie", "city", ["Kalemie", "Kituku", "Lac"]),
    ],
    "Ituri": [
        ("Bunia", "city", ["Mbunya", "Nyakasanza", "Shari"]),
    ],
    "Kinshasa": [
        ("Kinshasa", "city", ["Gombe", "Kalamu", "Kintambo", "Lingwala", "Masina", "Ngaliema"]),
    ],
}


# Where a place may be: the country's frame in degrees (as the stations' GPS positions, cpms/stations/reference.py)
COUNTRY_LATITUDE = (-13.5, 5.4)
COUNTRY_LONGITUDE = (12.2, 31.4)

# The approximate centre (latitude, longitude, rounded to 0.01°, about 1 km) of each city or territory seat above:
# the reference communes start at their city's centre, which puts them on a country-wide map (a commune's own
# position may be recorded on the province page). Public geographic facts, not survey data.
CITY_POSITIONS = {
    ("Kasaï-Oriental", "Mbuji-Mayi"): (-6.14, 23.59),
    ("Haut-Katanga", "Lubumbashi"): (-11.66, 27.48),
    ("Kasaï", "Tshikapa"): (-6.42, 20.80),
    ("Kasaï-Central", "Kananga"): (-5.90, 22.42),
    ("Nord-Kivu", "Goma"): (-1.68, 29.22),
    ("Nord-Kivu", "Masisi"): (-1.40, 28.82),
    ("Tanganyika", "Kalemie"): (-5.95, 29.19),
    ("Ituri", "Bunia"): (1.57, 30.25),
    ("Kinshasa", "Kinshasa"): (-4.32, 15.31),
}


def set_commune_positions(connection):
    """Put the reference communes that have no position at their city's centre (migration 0033, and after loading
    the places on a new schema); a position already recorded is kept."""
    for (province_name, city_name), (latitude, longitude) in CITY_POSITIONS.items():
        city_ids = (sa.select(_cities.c.id).join(_provinces, _provinces.c.id == _cities.c.province_id)
                    .where(_provinces.c.name == province_name, _cities.c.name == city_name))
        names = [names for city, _kind, names in PLACES[province_name] if city == city_name][0]
        connection.execute(sa.update(_communes).where(_communes.c.city_id.in_(city_ids), _communes.c.name.in_(names),
                                                      _communes.c.latitude.is_(None))
                           .values(latitude=latitude, longitude=longitude))


# The time zone of each of the 26 provinces (IANA names): the west is on UTC+1, the centre and the east on UTC+2.
WEST, EAST = "Africa/Kinshasa", "Africa/Lubumbashi"
PROVINCE_ZONES = {
    **{name: WEST for name in ("Kinshasa", "Kongo-Central", "Kwango", "Kwilu", "Mai-Ndombe", "Équateur",
                               "Sud-Ubangi", "Nord-Ubangi", "Mongala", "Tshuapa")},
    **{name: EAST for name in ("Bas-Uele", "Haut-Uele", "Ituri", "Tshopo", "Nord-Kivu", "Sud-Kivu", "Maniema",
                               "Sankuru", "Lomami", "Kasaï", "Kasaï-Central", "Kasaï-Oriental", "Lualaba",
                               "Haut-Katanga", "Haut-Lomami", "Tanganyika")},
}
DEFAULT_ZONE = WEST


def province_zone(name):
    """The time zone of a province known by name (accents and case as written above), else None."""
    return PROVINCE_ZONES.get(" ".join((name or "").split()))


def set_province_zones(connection):
    """Give each known province its time zone (migration 0018, and after loading the places on a new schema)."""
    provinces = sa.table("provinces", sa.column("name", sa.String), sa.column("time_zone", sa.String))
    for zone in (WEST, EAST):
        names = [name for name, value in PROVINCE_ZONES.items() if value == zone]
        connection.execute(sa.update(provinces).where(provinces.c.name.in_(names), provinces.c.time_zone != zone)
                           .values(time_zone=zone))


def load_reference_places(connection):
    """Insert the reference places that are missing; running it twice adds nothing."""
    now = datetime.now(timezone.utc)
    stamps = {"created_at": now, "updated_at": now}
    for province_name, city_rows in PLACES.items():
        province_id = connection.execute(sa.select(_provinces.c.id).where(_provinces.c.name == province_name)).scalar()
        if province_id is None:
            province_id = connection.execute(sa.insert(_provinces).values(name=province_name, **stamps)
                                             .returning(_provinces.c.id)).scalar()
        for city_name, kind, commune_names in city_rows:
            city_id = connection.execute(sa.select(_cities.c.id).where(_cities.c.province_id == province_id,
                                                                       _cities.c.name == city_name)).scalar()
            if city_id is None:
                city_id = connection.execute(sa.insert(_cities).values(province_id=province_id, name=city_name,
                                                                       kind=kind, **stamps)
                                             .returning(_cities.c.id)).scalar()
            existing = set(connection.execute(sa.select(_communes.c.name).where(_communes.c.city_id == city_id)).scalars())
            rows = [dict(city_id=city_id, province_id=province_id, name=name, **stamps)
                    for name in commune_names if name not in existing]
            if rows:
                connection.execute(sa.insert(_communes), rows)
    if "time_zone" in {column["name"] for column in sa.inspect(connection).get_columns("provinces")}:
        set_province_zones(connection)  # a schema from create_all() or past migration 0018
    if "latitude" in {column["name"] for column in sa.inspect(connection).get_columns("communes")}:
        set_commune_positions(connection)  # a schema from create_all() or past migration 0033


def unload_reference_places(connection):
    """Remove the reference places (the data migration's downgrade). Fails if other rows still use them."""
    for province_name, city_rows in PLACES.items():
        province_id = connection.execute(sa.select(_provinces.c.id).where(_provinces.c.name == province_name)).scalar()
        if province_id is None:
            continue
        for city_name, _kind, commune_names in city_rows:
            city_id = connection.execute(sa.select(_cities.c.id).where(_cities.c.province_id == province_id,
                                                                       _cities.c.name == city_name)).scalar()
            if city_id is None:
                continue
            connection.execute(sa.delete(_communes).where(_communes.c.city_id == city_id,
                                                          _communes.c.name.in_(commune_names)))
            remaining = connection.execute(sa.select(sa.func.count()).select_from(_communes)
                                           .where(_communes.c.city_id == city_id)).scalar()
            if not remaining:
                connection.execute(sa.delete(_cities).where(_cities.c.id == city_id))
        remaining = connection.execute(sa.select(sa.func.count()).select_from(_cities)
                                       .where(_cities.c.province_id == province_id)).scalar()
        if not remaining:
            connection.execute(sa.delete(_provinces).where(_provinces.c.id == province_id))
