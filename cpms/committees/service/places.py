"""Committees on the map of DR Congo (cpms.geo.maps.place_map), at the position of their commune.

One query whatever the number of committees: the first MAX_POINTS committees of the user's area whose commune has
a position, with the count of all of them (a window function), so the map can say "and N more". Committees of the
same commune share a marker that names them.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from cpms.committees.models import Committee
from cpms.extensions import db
from cpms.geo.maps import MAX_POINTS, Layer, Place, place_map
from cpms.geo.models import Commune

COMMITTEE_LAYER = Layer("committee", _l("Committees (at their commune)"), "#009e73", "square")


def committee_places(scope, *, kind=None, province_id=None, cap=None):
    """([Place], total) of the committees the `scope` allows (of a kind, of a province) placed at their commune."""
    stmt = (select(Committee.name, Committee.kind, Commune.name.label("commune"), Commune.latitude, Commune.longitude,
                   func.count().over().label("total"))
            .join(Commune, Committee.commune_id == Commune.id)
            .where(scope.filter(Committee.province_id, Committee.commune_id), Commune.latitude.is_not(None)))
    if kind:
        stmt = stmt.where(Committee.kind == kind)
    if province_id:
        stmt = stmt.where(Committee.province_id == province_id)
    rows = db.session.execute(stmt.order_by(Commune.name, Committee.name).limit(cap or MAX_POINTS)).all()
    places = [Place(row.longitude, row.latitude, f"{row.name} ({row.commune})", COMMITTEE_LAYER.key) for row in rows]
    return places, (rows[0].total if rows else 0)


def committee_layer(scope, *, province_id=None, cap=None):
    """The committees' layer for maps of an area (cpms.core.contract.MapLayer)."""
    places, total = committee_places(scope, province_id=province_id, cap=cap)
    return (COMMITTEE_LAYER,), places, total


def committee_map(scope, *, kind=None, highlighted_provinces=(), cap=None):
    """The map of the committees (see committee_places)."""
    places, total = committee_places(scope, kind=kind, cap=cap)
    return place_map(places, (COMMITTEE_LAYER,), total=total, highlighted=highlighted_provinces,
                     cap=cap or MAX_POINTS)
