"""Helpers shared by the computations."""
from datetime import datetime, time, timedelta, timezone


def day_bounds(start, end):
    """[start 00:00 UTC, the day after end 00:00 UTC) for timestamp columns."""
    return (datetime.combine(start, time.min, timezone.utc),
            datetime.combine(end + timedelta(days=1), time.min, timezone.utc))


def quarters_in(start, end):
    """Number of quarters a date range spans (at least one), for thresholds given per quarter."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return max(1, round(months / 3))


def rank_name(rank):
    from flask_babel import get_locale
    if rank is None:
        return ""
    return rank.name_fr if str(get_locale() or "fr").startswith("fr") else rank.name_en
