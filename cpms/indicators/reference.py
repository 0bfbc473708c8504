"""The vocabulary of the results framework: units, directions, aggregations, levels, periods, dimensions.

Plain data with translated labels; the models' CHECK constraints and the migration use the same tuples.
"""
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
DIMENSIONS = {"sex": _l("Sex"), "province": _l("Province"), "commune": _l("Commune"), "course_type": _l("Course type"),
              "rank": _l("Rank"), "specialty": _l("Specialty"), "age_group": _l("Age group"),
              "committee_kind": _l("Kind of committee"), "project_kind": _l("Kind of work")}
AREA_DIMENSIONS = ("province", "commune")
# dimensions whose categories an entered value may break down by (the area ones come from the value's area)
ENTERED_DIMENSIONS = ("sex", "course_type", "rank", "specialty", "age_group")
