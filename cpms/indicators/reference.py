"""The vocabulary of the results framework: units, directions, aggregations, levels, periods, dimensions.

Plain data with translated labels; the models' CHECK constraints and the migration use the same tuples.
"""
from collections.abc import Mapping, Sequence
from functools import cached_property

from flask_babel import lazy_gettext as _l

UNITS = {"count": _l("Count"), "percentage": _l("Percentage"), "ratio": _l("Ratio"), "amount": _l("Amount (USD)"),
         "number": _l("Number (e.g. a mean score)")}
# units whose values add up across areas and over time; the others are averaged across areas
ADDITIVE_UNITS = ("count", "amount")
DIRECTIONS = {"higher": _l("Higher is better"), "lower": _l("Lower is better")}
AGGREGATIONS = {"sum": _l("Sum over the period"), "latest": _l("Latest value in the period"),
                "average": _l("Average over the period")}
SOURCES = {"computed": _l("Computed from CPMS data"), "entered": _l("Entered with evidence")}
LEVELS = {"goal": _l("Goal"), "outcome": _l("Outcome"), "output": _l("Output")}
# a node's parent must be of the level before it
PARENT_LEVEL = {"goal": None, "outcome": "goal", "output": "outcome"}
TARGET_CHECKS = {"refuse": _l("Refuse targets that disagree"), "warn": _l("Save and warn")}
PERIOD_KINDS = {"quarter": _l("Quarter"), "half": _l("Half-year"), "year": _l("Year")}
VALUE_STATUSES = {"submitted": _l("Awaiting approval"), "approved": _l("Approved"), "rejected": _l("Rejected")}
STATUSES = {"on_track": _l("On track"), "at_risk": _l("At risk"), "off_track": _l("Off track")}
MONTHS = {1: _l("January"), 2: _l("February"), 3: _l("March"), 4: _l("April"), 5: _l("May"), 6: _l("June"),
          7: _l("July"), 8: _l("August"), 9: _l("September"), 10: _l("October"), 11: _l("November"),
          12: _l("December")}

# Disaggregations. Province and commune come from the area of each record; the others from the record itself.
# The shared ones are here, (title, position, whether a value may be entered by it); a domain offers those whose
# categories it owns in its contract (Dimension: title, position, categories), and both lists are read lazily.
# "commune" is the commune of each record's place – a training's venue, a committee's, a station's, a survey
# respondent's (the rule book says which for each computed indicator); training figures also offer the officers'
# home commune ("home_commune", cpms/training/__init__.py).
SHARED_DIMENSIONS = {"sex": (_l("Sex"), 10, True), "province": (_l("Province"), 20, False),
                     "commune": (_l("Commune of the venue"), 30, False), "age_group": (_l("Age group"), 70, True)}
AREA_DIMENSIONS = ("province", "commune")


def _all_dimensions():
    """[(name, title, position, entered)] of every dimension, shared and offered by domains, by position."""
    from cpms.core import contract
    rows = [(name, title, position, entered) for name, (title, position, entered) in SHARED_DIMENSIONS.items()]
    rows += [(d.name, d.title or d.name, d.position, d.categories is not None) for d in contract.dimensions().values()]
    return sorted(rows, key=lambda row: row[2])


class _Dimensions(Mapping):
    """{name: title} of every dimension, in order (built on first use, once the domains are known)."""

    @cached_property
    def _titles(self):
        return {name: title for name, title, _position, _entered in _all_dimensions()}

    def __getitem__(self, name):
        return self._titles[name]

    def __iter__(self):
        return iter(self._titles)

    def __len__(self):
        return len(self._titles)


class _EnteredDimensions(Sequence):
    """The dimensions whose categories an entered value may break down by, in order (the area ones come from the
    value's area)."""

    @cached_property
    def _names(self):
        return tuple(name for name, _title, _position, entered in _all_dimensions() if entered)

    def __getitem__(self, index):
        return self._names[index]

    def __len__(self):
        return len(self._names)

    def __add__(self, other):
        return self._names + tuple(other)

    def __radd__(self, other):
        return tuple(other) + self._names


DIMENSIONS = _Dimensions()
ENTERED_DIMENSIONS = _EnteredDimensions()
