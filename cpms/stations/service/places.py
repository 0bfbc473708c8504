"""Stations on the map of DR Congo (cpms.geo.maps.place_map): one marker per station with a GPS position,
coloured by its status, in the user's area.

`station_map` costs one query whatever the number of stations: the first MAX_POINTS positioned stations (the
highlighted one first, then by name) with the count of all of them (a window function), so the map can say
"and N more".
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, select

from cpms.extensions import db
from cpms.geo.maps import MAX_POINTS, Layer, Place, place_map
from cpms.geo.models import Province
from cpms.stations.labels import STATION_STATUS_LABELS
from cpms.stations.models import ConstructionProject, Station
from cpms.stations.reference import STATION_STATUSES

# colours told apart by people with the commonest colour blindness (blue, orange, dark grey)
STATUS_COLOURS = {"operational": "#0b4f8a", "under_construction": "#d55e00", "planned": "#555555"}
STATUS_LAYERS = tuple(Layer(f"station-{status}", _l("Stations: %(status)s", status=STATION_STATUS_LABELS[status]),
                            STATUS_COLOURS[status])
                      for status in reversed(STATION_STATUSES))


def station_places(scope, *, province_id=None, programme_id=None, highlight=None, cap=MAX_POINTS):
    """([Place], total): the positioned stations the `scope` allows (of a province, of a programme's projects),
    at most `cap` of them, the station `highlight` (an id) first; total counts them all. One query."""
    stmt = (select(Station.id, Station.name, Station.status, Station.latitude, Station.longitude,
                   func.count().over().label("total"))
            .where(scope.filter(Station.province_id, Station.commune_id), Station.latitude.is_not(None),
                   Station.longitude.is_not(None)))
    if province_id:
        stmt = stmt.where(Station.province_id == province_id)
    if programme_id:
        stmt = stmt.where(exists().where(ConstructionProject.station_id == Station.id,
                                         ConstructionProject.programme_id == programme_id))
    first = case((Station.id == highlight, 0), else_=1) if highlight else None
    order = ([first] if first is not None else []) + [Station.name, Station.id]
    rows = db.session.execute(stmt.order_by(*order).limit(cap)).all()
    places = [Place(row.longitude, row.latitude, f"{row.name} – {STATION_STATUS_LABELS.get(row.status, row.status)}",
                    f"station-{row.status}", is_highlighted=row.id == highlight, name=row.name) for row in rows]
    return places, (rows[0].total if rows else 0)


def station_layer(scope, *, province_id=None, cap=None):
    """The stations' layers for maps of an area (cpms.core.contract.MapLayer)."""
    places, total = station_places(scope, province_id=province_id, cap=cap or MAX_POINTS)
    return STATUS_LAYERS, places, total


def station_map(scope, *, province_id=None, programme_id=None, highlight=None, highlighted_provinces=(), cap=None):
    """The map of the stations by status (see station_places); `highlighted_provinces`: names outlined; at most
    `cap` markers (MAX_POINTS by default)."""
    cap = cap or MAX_POINTS
    places, total = station_places(scope, province_id=province_id, programme_id=programme_id, highlight=highlight,
                                   cap=cap)
    return place_map(places, STATUS_LAYERS, total=total, highlighted=highlighted_provinces, cap=cap)


def province_names(province_ids):
    """Names of provinces (to outline them on a map); one query, none without ids."""
    if not province_ids:
        return set()
    return set(db.session.scalars(select(Province.name).where(Province.id.in_(sorted(province_ids)))))

