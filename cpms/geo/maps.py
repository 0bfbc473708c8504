"""Maps of DR Congo drawn on the server as SVG, so that they work offline and print in PDFs alike.

The 26 provinces come from data/drc_provinces.geojson (Natural Earth admin-1, public domain, simplified; source
and licence in docs/maps.md), read once per process. The projection is equirectangular, with longitudes scaled by
the cosine of the country's middle latitude: true enough at the equator for a country-wide shaded map.

`province_map` returns the geometry and the legend; templates/_charts.html draws it with a title, a legend and a
table of the figures (the text alternative). `place_map` draws places (stations, committees, survey communes…) as
markers of a few layers over the provinces: bounded to MAX_POINTS markers, the rest counted ("and N more").
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
def _frame(width):
    """(height, project) of the country in a box `width` wide: `project(lon, lat)` gives (x, y)."""
    points = [point for province in provinces() for ring in province.rings for point in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = width / ((east - west) * squeeze)

    def project(lon, lat):
        return (lon - west) * squeeze * scale, (north - lat) * scale

    return round((north - south) * scale, 1), project


@lru_cache(maxsize=4)
def _outlines(width):
    """(height, {province name: SVG path}) projected into a box `width` wide."""
    height, project = _frame(width)

    def xy(lon, lat):
        x, y = project(lon, lat)
        return f"{x:.1f},{y:.1f}"

    paths = {province.name: " ".join("M" + " L".join(xy(*point) for point in ring) + "Z" for ring in province.rings)
             for province in provinces()}
    return height, paths


def _simplify(points, tolerance):
    """Douglas–Peucker on projected points (both ends kept), without recursion."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, index = -1.0, first
        for i in range(first + 1, last):
            x, y = points[i]
            d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm if norm else math.hypot(x - x1, y - y1)
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep) if kept]


@lru_cache(maxsize=4)
def _light_outlines(width):
    """{province name: SVG path} for maps whose provinces are a backdrop (place_map): simplified to about a pixel
    of the drawing, in whole units, with relative moves – a third of the size of _outlines' paths, so that a page
    with a map stays light."""
    _height, project = _frame(width)
    paths = {}
    for province in provinces():
        parts = []
        for ring in province.rings:
            points = _simplify([project(lon, lat) for lon, lat in ring], 0.6)
            whole = []
            for x, y in points:
                point = (round(x), round(y))
                if not whole or whole[-1] != point:
                    whole.append(point)
            if len(whole) < 3:
                continue
            (x0, y0), moves = whole[0], []
            for (xa, ya), (xb, yb) in zip(whole, whole[1:]):
                moves.append(f"{xb - xa} {yb - ya}")
            parts.append(f"M{x0} {y0}l" + " ".join(moves) + "z")
        paths[province.name] = "".join(parts)
    return paths


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


# --- Places: point layers over the provinces -----------------------------------------------------------------

MAX_POINTS = 300  # places drawn at most on one map; the others are counted ("and N more")
MAX_TITLES = 5  # names in the title of a marker shared by several places at the same spot
SHAPES = ("circle", "square", "diamond")
COUNTRY = "#f4f4f1"


@dataclass(frozen=True)
class Layer:
    """A kind of marker: `key` named by the points, `label` in the user's language (the legend), a colour and a
    shape (circle, square or diamond: layers stay apart in black-and-white prints)."""
    key: str
    label: str
    colour: str
    shape: str = "circle"


@dataclass(frozen=True)
class Place:
    """A point to draw: its position, its marker's title (read out and shown on hover) and its layer's key;
    a highlighted place is drawn larger and named on the map."""
    lon: float
    lat: float
    title: str
    layer: str
    is_highlighted: bool = False
    name: str = ""  # the words written beside a highlighted place (its title when empty)


def _marker_shape(shape, x, y, r):
    """SVG geometry of a marker: a circle (cx, cy, r) or a polygon's points."""
    if shape == "square":
        return {"points": f"{x - r:.1f},{y - r:.1f} {x + r:.1f},{y - r:.1f} {x + r:.1f},{y + r:.1f} {x - r:.1f},{y + r:.1f}"}
    if shape == "diamond":
        d = r * 1.3
        return {"points": f"{x:.1f},{y - d:.1f} {x + d:.1f},{y:.1f} {x:.1f},{y + d:.1f} {x - d:.1f},{y:.1f}"}
    return {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": f"{r:.1f}"}


MAX_NUDGES = 4  # steps sideways at most, so that a marker stays near its place


def _beside(placed, x, y, radius, layer):
    """Where to draw a marker of `layer` near (x, y): moved right, a marker's width at a time, while it would cover a
    marker of another layer already drawn."""
    gap = radius * 2.2
    for _step in range(MAX_NUDGES):
        if all(key == layer or abs(px - x) >= gap or abs(py - y) >= gap for px, py, key in placed):
            break
        x += radius * 2.4
    return x


LABEL_SIZE = 16  # font size of a highlighted place's name: about 14 px on a 375 px phone
LABEL_CHARS = 32


def _label(text, x, y, width, height):
    """Where to write a highlighted place's name: centred above its marker (below it near the top), moved sideways
    to stay inside the drawing (a character is taken as 0.62 of the font size wide, a generous guess)."""
    if len(text) > LABEL_CHARS:
        text = text[:LABEL_CHARS - 1].rstrip() + "…"
    wide = len(text) * LABEL_SIZE * 0.62
    left = min(max(x - wide / 2, 4), max(4, width - 4 - wide))
    top = y - 14 if y > LABEL_SIZE + 16 else y + 14 + LABEL_SIZE
    return {"text": text, "x": round(left, 1), "y": round(min(top, height - 4), 1), "anchor": "start",
            "size": LABEL_SIZE}


def place_map(places, layers, *, total=None, width=400, highlighted=(), cap=MAX_POINTS):
    """The map of DR Congo with `places` (Place, in the caller's order of importance) drawn as markers of `layers`
    (Layer, in legend order) over the provinces, `highlighted` province names outlined in black.

    At most `cap` places are drawn (highlighted places first); places of a layer at the very same spot share one
    marker whose title names them (at most MAX_TITLES); `total` is how many places there are in all when
    the caller fetched only the first ones (a query bounded by a LIMIT), so that the map says "and N more".
    Places outside the country's frame or of an unknown layer are not drawn (and counted as not drawn).
    Returns the geometry for templates/_charts.html (`place_map` macro)."""
    height, project = _frame(width)
    paths = _light_outlines(width)
    by_key = {layer.key: layer for layer in layers}
    places = list(places)
    total = max(total or 0, len(places))
    ordered = [p for p in places if p.is_highlighted] + [p for p in places if not p.is_highlighted]
    markers, drawn_per_layer, label, shared, drawn = [], {}, None, {}, 0
    placed = []  # (x, y, layer) of the markers drawn so far: another layer's marker over one of them moves beside it
    for place in ordered:
        if drawn >= cap:
            break
        layer = by_key.get(place.layer)
        if layer is None or place.lon is None or place.lat is None:
            continue
        x, y = project(place.lon, place.lat)
        if not (0 <= x <= width and 0 <= y <= height):
            continue
        drawn += 1
        drawn_per_layer[layer.key] = drawn_per_layer.get(layer.key, 0) + 1
        spot = (layer.key, round(x, 1), round(y, 1), place.is_highlighted)
        if spot in shared:  # places of a layer at the very same spot (committees of a commune): one marker
            shared[spot]["titles"].append(place.title)
            continue
        radius = 8.0 if place.is_highlighted else 5.0
        # the equipment a station holds, at the station's position, or a committee at its commune's centre beside a
        # station: side by side, not one under the other (markers of one layer may still overlap, as before)
        x_drawn = _beside(placed, x, y, radius, layer.key)
        placed.append((x_drawn, y, layer.key))
        marker = {"titles": [place.title], "colour": layer.colour, "shape": layer.shape, "layer": layer.key,
                  "is_highlighted": place.is_highlighted, **_marker_shape(layer.shape, x_drawn, y, radius)}
        shared[spot] = marker
        markers.append(marker)
        if place.is_highlighted and label is None:
            label = _label(place.name or place.title, x, y, width, height)
    for marker in markers:
        titles = marker.pop("titles")
        marker["count"] = len(titles)
        marker["title"] = "; ".join(titles[:MAX_TITLES]) + (f"; … (+{len(titles) - MAX_TITLES})"
                                                            if len(titles) > MAX_TITLES else "")
    markers.reverse()  # drawn last = on top: the highlighted places and the first ones stay visible
    legend = [{"label": layer.label, "colour": layer.colour, "shape": layer.shape,
               "count": drawn_per_layer.get(layer.key, 0),
               "swatch": _marker_shape(layer.shape, 8, 8, 5)} for layer in layers]
    shapes = [{"name": province.name, "path": paths[province.name], "is_highlighted": province.name in highlighted}
              for province in provinces()]
    return {"width": width, "height": height, "shapes": shapes, "markers": markers, "legend": legend,
            "label": label, "drawn": drawn, "more": total - drawn, "country": COUNTRY}


def area_map(scope, *, province_id=None, highlighted=(), cap=None):
    """The map of every layer of places the domains offer (cpms.core.contract.MapLayer: stations, committees,
    survey communes…) in the user's `scope`, of one province when `province_id` is given; one query per layer,
    each bounded to its share of `cap`."""
    from cpms.core.contract import map_layers, resolve
    offered = map_layers()
    cap = cap or MAX_POINTS
    share = max(1, cap // max(1, len(offered)))
    layers, places, total = [], [], 0
    for layer in offered:
        found_layers, found, count = resolve(layer.places)(scope, province_id=province_id, cap=share)
        layers += list(found_layers)
        places += list(found)
        total += count
    return place_map(places, layers, total=total, highlighted=highlighted, cap=cap)
