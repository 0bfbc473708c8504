"""Local time: the application stores UTC; people enter and read the wall-clock time of the place.

Each province has a time zone (`Province.time_zone`, an IANA name: Africa/Kinshasa, UTC+1, in the west;
Africa/Lubumbashi, UTC+2, in the centre and the east). A "place" here is anything that leads to a province:
a Province, City, Commune, or a record with a `commune` (a committee…); a zone name or a ZoneInfo works too.

- `local_zone(place)` → ZoneInfo (UTC when the place is None);
- `to_utc(naive_local, place)` → aware UTC datetime (what a form gives, stored as UTC);
- `to_local(utc, place)` → aware datetime in the place's zone; `local_naive(utc, place)` for a form's value;
  `local_day(utc, place)` → the date there;
- `on_local_days(timestamp, zone, start, end)` → SQL condition: a UTC timestamp column falls on those local days
  where the zone (an SQL expression, e.g. the province's `time_zone`) applies – for indicators cut by date;
- `local_date_of(timestamp, zone)` → SQL expression: the local calendar date of a UTC timestamp column, to compare
  with a date column (a deadline);
- `zone_label(place, place_name=None)` → "Mbuji-Mayi time, UTC+2" in the user's language;
- `format_local(utc, place, fmt)` → "10 Dec 2026, 09:00 (Mbuji-Mayi time, UTC+2)".

Jinja filters (registered by the geo blueprint): `value|local_time(place, fmt='medium', zone=True)`,
`value|local_date(place, fmt='medium')`, `value|local_clock(place)` ("09:00"), and the globals `zone_label(place)`
and `reader_zone()` (the zone `|datetime` shows times in: the reader's, cpms/core/setup.py select_timezone).
"""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask_babel import get_locale, pgettext
from flask_babel import gettext as _
from sqlalchemy import Date
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from cpms.geo.reference import DEFAULT_ZONE, EAST, WEST

UTC = ZoneInfo("UTC")


def valid_zone(name):
    """True if `name` is an IANA time zone this system knows."""
    try:
        ZoneInfo(name or "")
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _related(place, attribute):
    """place.<attribute>, or None when the model has no such relationship or it may not be lazy-loaded."""
    try:
        return getattr(place, attribute, None)
    except InvalidRequestError:  # lazy="raise"
        return None


def _place_with_zone(place):
    """Follow a place to the object that holds `time_zone` (its province)."""
    for _step in range(4):
        if place is None or hasattr(place, "time_zone"):
            return place
        place = next((p for p in (_related(place, a) for a in ("province", "commune", "city")) if p is not None),
                     None)
    return place


def local_zone(place):
    """The ZoneInfo of a place (see the module's docstring); UTC for None."""
    if isinstance(place, ZoneInfo):
        return place
    if isinstance(place, str):
        return ZoneInfo(place)
    holder = _place_with_zone(place)
    if holder is None:
        return UTC
    return ZoneInfo(holder.time_zone or DEFAULT_ZONE)


def to_utc(naive_local, place):
    """A wall-clock time at the place (naive) → aware UTC. An aware value is only converted to UTC."""
    if naive_local is None:
        return None
    if naive_local.tzinfo is None:
        naive_local = naive_local.replace(tzinfo=local_zone(place))
    return naive_local.astimezone(timezone.utc)


def to_local(utc, place):
    """An aware (UTC) datetime → aware datetime in the place's zone. A naive value is taken as UTC."""
    if utc is None:
        return None
    if utc.tzinfo is None:
        utc = utc.replace(tzinfo=timezone.utc)
    return utc.astimezone(local_zone(place))


def local_naive(utc, place):
    """The wall-clock time at the place, without zone: the value a datetime-local form field shows."""
    return to_local(utc, place).replace(tzinfo=None) if utc is not None else None


def local_day(utc, place):
    """The calendar date at the place."""
    return to_local(utc, place).date() if utc is not None else None


def on_local_days(timestamp, zone, start, end):
    """SQL condition: the UTC `timestamp` column falls on a calendar day from `start` to `end` (dates, inclusive)
    at the place whose zone is the SQL expression `zone` (a province's `time_zone`). DR Congo's zones have no
    summer time, so each zone's bounds are two constants, chosen by a CASE; a place of another or no zone counts
    in DEFAULT_ZONE. A meeting at 01:00 on 1 April in Mbuji-Mayi (23:00 UTC on 31 March) is in the second
    quarter, as its committee saw it."""
    from sqlalchemy import and_, case, func, literal
    zones = sorted({WEST, EAST, DEFAULT_ZONE})

    def bound(day):
        values = {name: literal(to_utc(datetime.combine(day, time.min), name), type_=timestamp.type) for name in zones}
        return case(values, value=func.coalesce(zone, DEFAULT_ZONE), else_=values[DEFAULT_ZONE])
    return and_(timestamp >= bound(start), timestamp < bound(end + timedelta(days=1)))


class local_date_of(FunctionElement):  # noqa: N801 – an SQL function, named like one
    """SQL: the calendar date, at the place whose zone is the SQL expression `zone`, of the UTC `timestamp`
    column (a place of another or no zone counts in DEFAULT_ZONE). A complaint acknowledged at 00:30 on 11 March
    in Lubumbashi (22:30 UTC on the 10th) was acknowledged on the 11th, after a deadline of the 10th."""
    type = Date()
    inherit_cache = True

    def __init__(self, timestamp, zone):
        super().__init__(timestamp, zone)


@compiles(local_date_of, "postgresql")
def _local_date_postgresql(element, compiler, **kw):
    timestamp, zone = element.clauses
    return (f"CAST(({compiler.process(timestamp, **kw)} AT TIME ZONE "
            f"COALESCE({compiler.process(zone, **kw)}, '{DEFAULT_ZONE}')) AS DATE)")


@compiles(local_date_of)
def _local_date_offsets(element, compiler, **kw):
    """Elsewhere (SQLite): DR Congo's zones keep one offset all year, so the date is that of the timestamp moved
    by its zone's offset."""
    timestamp, zone = element.clauses
    reference = datetime(2000, 1, 1)

    def shift(name):
        minutes = int(ZoneInfo(name).utcoffset(reference).total_seconds() // 60)
        return f"'{minutes:+d} minutes'"
    branches = " ".join(f"WHEN '{name}' THEN {shift(name)}" for name in sorted({WEST, EAST, DEFAULT_ZONE}))
    return (f"date({compiler.process(timestamp, **kw)}, CASE COALESCE({compiler.process(zone, **kw)}, "
            f"'{DEFAULT_ZONE}') {branches} ELSE {shift(DEFAULT_ZONE)} END)")


def _place_name(place):
    """The town people name the time after: the city of a commune or committee, else None."""
    from cpms.geo.models import City, Commune

    if isinstance(place, City):
        return place.name
    if isinstance(place, Commune):
        return place.city.name
    commune = _related(place, "commune")
    return commune.city.name if isinstance(commune, Commune) else None


def utc_offset(zone, at=None):
    """"+2", "+1", "-3:30": the zone's offset from UTC at `at` (now by default)."""
    offset = (at or datetime.now(timezone.utc)).astimezone(zone).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(place, place_name=None, at=None):
    """"Mbuji-Mayi time, UTC+2" (translated); the zone's own city when the place names no town."""
    zone = local_zone(place)
    if zone.key == "UTC":
        return "UTC"
    name = place_name or _place_name(place) or zone.key.rsplit("/", 1)[-1].replace("_", " ")
    if name[:1].lower() in "aeiouhyàâéèêîôû":  # French elides: "heure d'Isiro", "heure d'Ituri"
        return pgettext("place name starting with a vowel", "%(place)s time, UTC%(offset)s", place=name,
                        offset=utc_offset(zone, at))
    return _("%(place)s time, UTC%(offset)s", place=name, offset=utc_offset(zone, at))


def _locale():
    return str(get_locale() or "en")


def format_local(value, place, fmt="medium", zone=True, place_name=None):
    """Date and time at the place, in the user's language, followed by the zone's name unless `zone` is False."""
    if value is None:
        return ""
    local = to_local(value, place)
    text = babel_format_datetime(local, format=fmt, tzinfo=local.tzinfo, locale=_locale())
    return f"{text} ({zone_label(place, place_name, value)})" if zone else text


def format_local_date(value, place, fmt="medium"):
    return babel_format_date(local_day(value, place), format=fmt, locale=_locale()) if value is not None else ""


def format_local_clock(value, place):
    """"09:00": the hour and minutes at the place."""
    return to_local(value, place).strftime("%H:%M") if value is not None else ""


def register_template_helpers(state):
    """Blueprint `record_once` hook: the filters and the global, for every template."""
    env = state.app.jinja_env
    env.filters["local_time"] = format_local
    env.filters["local_date"] = format_local_date
    env.filters["local_clock"] = format_local_clock
    env.globals["zone_label"] = zone_label
    env.globals["reader_zone"] = reader_zone


def reader_zone():
    """"Kinshasa time, UTC+1": the zone the current reader sees times in (`|datetime`; their account's choice,
    else their areas')."""
    from flask_babel import get_timezone
    return zone_label(str(get_timezone()))
