"""Maps of DR Congo drawn on the server as SVG, so that they work offline and print in PDFs alike.

The 26 provinces come from data/drc_provinces.geojson (Natural Earth admin-1, public domain, simplified; source
and licence in docs/maps.md), read once per process. The projection is equirectangular, with longitudes scaled by
the cosine of the country's middle latitude: true enough at the equator for a country-wide shaded map.

`province_map` returns the geometry and the legend; templates/geo/_map.html draws it with a title, a legend and a
table of the figures (the text alternative).
"""
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BOUNDARIES = Path(__file__).parent / "data" / "drc_provinces.geojson"
# light to dark: the higher the figure, the darker the province
SHADES = ("#d6e6f4", "#9ecae1", "#4a98c9", "#0b4f8a")
NO_DATA = "#eeeeee"


@dataclass(frozen=True)
class Province:
    name: str
    code: str
    rings: tuple  # ((lon, lat), …) per ring, outer rings and holes alike (even-odd fill)


@lru_cache(maxsize=1)
def provinces():
    """The 26 provinces, in alphabetical order."""
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    found = []
    for feature in data["features"]:
        rings = tuple(tuple((lon, lat) for lon, lat in ring)
                      for polygon in feature["geometry"]["coordinates"] for ring in polygon)
        found.append(Province(feature["properties"]["name"], feature["properties"]["iso_3166_2"], rings))
    return tuple(found)


@lru_cache(maxsize=4)
def _outlines(width):
    """(height, {province name: SVG path}) projected into a box `width` wide."""
    points = [point for province in provinces() for ring in province.rings for point in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = width / ((east - west) * squeeze)
    height = round((north - south) * scale, 1)

    def xy(lon, lat):
        return f"{(lon - west) * squeeze * scale:.1f},{(north - lat) * scale:.1f}"

    paths = {province.name: " ".join("M" + " L".join(xy(*point) for point in ring) + "Z" for ring in province.rings)
             for province in provinces()}
    return height, paths


def classes(values, count=len(SHADES)):
    """Equal-interval classes [(low, high, shade)] over the known values (fewer when they are few or equal)."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return []
    low, high = known[0], known[-1]
    if high == low:
        return [(low, high, SHADES[-1])]
    count = min(count, len(set(known)))
    step = (high - low) / count
    shades = SHADES[len(SHADES) - count:]
    return [(low + i * step, high if i == count - 1 else low + (i + 1) * step, shades[i]) for i in range(count)]


def _shade(value, bands):
    if value is None:
        return NO_DATA
    for _low, high, shade in bands:
        if value <= high + 1e-9:
            return shade
    return bands[-1][2]


def province_map(values, fmt=str, width=400, highlighted=()):
    """The map of the provinces shaded by `values` ({province name: figure or None}); `fmt` writes a figure in the
    user's language; `highlighted`: names of provinces drawn with a darker outline (e.g. the programme's).
    Provinces absent from `values` are drawn without data."""
    height, paths = _outlines(width)
    bands = classes(values.values())
    shapes = []
    for province in provinces():
        value = values.get(province.name)
        shapes.append({"name": province.name, "code": province.code, "path": paths[province.name],
                       "fill": _shade(value, bands), "value": value,
                       "text": fmt(value) if value is not None else "",
                       "is_highlighted": province.name in highlighted})
    legend = [{"shade": shade, "low": fmt(low), "high": fmt(high), "is_single": fmt(low) == fmt(high)}
              for low, high, shade in bands]
    return {"width": width, "height": height, "shapes": shapes, "legend": legend, "no_data": NO_DATA,
            "rows": [s for s in shapes if s["value"] is not None]}
