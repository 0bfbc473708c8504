"""The registry of computed indicators: `@computed_indicator("code", …)` functions that compute an indicator
from the data of the other domains with SQL GROUP BY queries. Each domain registers its own in
`cpms/<domain>/indicators.py` (found by name, cpms.domains.domain_modules), e.g. cpms/training/indicators.py:
`officers_enrolled`, `officers_completed`, `completion_rate`, `knowledge_gain`. A new computation is a function
there; then add the indicator to the library (or to the demo loader and the generator) with
`source="computed", computation="<code>"`. The helpers at the end of this module (day_bounds, quarters_in,
rank_name) are shared by the computations.

A computation is one of two kinds:

- per period (the default): `func(ctx, start, end) -> Select` of two columns, the category (from
  `ctx.category({...})`, grouped with `ctx.grouped(stmt, key)`) and the value, for the dates start–end. The
  engine runs the statements of every requested period in one UNION ALL query, so a report costs one query per
  computed indicator, whatever the number of periods and rows.
- batch (`per_period=False`): `func(ctx, periods) -> {(period index, category or None): value}`, for
  computations that need more than one statement (the survey measures).

`ctx` (a Context) gives the programme, the area (the user's scope and the report's province or commune:
`ctx.in_area(province_column, commune_column)`), the disaggregation asked for, the indicator's parameter and
today's date; `ctx.shared(name, build)` builds a part once for all the periods of the query (`ctx.span` gives
their overall dates), and `ctx.statement(name, build)` the whole period-independent statement of the asked
disaggregation, to which each period adds its conditions. A `drilldown(ctx, start, end, category)` function
returns a DrillDown: the statement of the records behind a figure and how to show them
(cpms/indicators/drilldown.py renders it).
"""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, literal, true

_registry = {}

# How a computation's figure of a half-year, a year or the programme to date relates to its quarters. Every
# computed indicator declares one (`aggregation=`); the engine (cpms/indicators/service/values.py) and the test
# tests/indicators/test_aggregation_rules.py follow it. Second item: the library's aggregation (Indicator.aggregation,
# used for targets) that goes with it.
AGGREGATIONS = {
    "sum": (_l("Sum: the figure of a longer period is the sum of its quarters (records counted once, in the "
               "quarter of their date)."), "sum"),
    "distinct": (_l("Distinct count: the people or things counted once over the whole period, so at least the "
                    "largest quarter and at most the sum of the quarters (someone counted in two quarters counts "
                    "once in the year)."), "sum"),
    "latest": (_l("Latest: a state at the end of the period; the figure of a longer period is that of its last "
                  "quarter with a value (the programme to date: the last period's)."), "latest"),
    "ratio": (_l("Ratio: a share or mean recomputed over all the records of the period, i.e. the quarters "
                 "weighted by their records; it lies between the lowest and the highest quarter."), "average"),
}


@dataclass
class Computation:
    code: str
    label: object
    unit: str
    func: object
    aggregation: str = "sum"
    dated_by: object = None  # which date puts a record in a period (text)
    place: object = None  # which commune (and province) a record counts in, for the area and the breakdowns (text)
    direction: str = "higher"
    dimensions: tuple = ()
    per_period: bool = True
    drilldown: object = None
    param_label: object = None
    default_param: str = ""
    baseline: object = None  # func(ctx) -> {category or None: value}, for computations that know their baseline
    description: object = None


def computed_indicator(code, *, label, unit, aggregation, dated_by, place, dimensions=(), direction="higher",
                       per_period=True, param_label=None, default_param="", description=None):
    """Register a computation under `code` (the value of Indicator.computation). Required: `aggregation` (a key
    of AGGREGATIONS: how its longer periods relate to its quarters), `dated_by` (which date puts a record in a
    period) and `place` (which commune a record counts in), all shown in the rule book docs/rules/indicators.md."""
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"computed indicator {code!r}: aggregation must be one of {', '.join(AGGREGATIONS)}")
    if not description or not dated_by or not place:
        raise ValueError(f"computed indicator {code!r}: give its description, dated_by and place")

    def decorator(func):
        if code in _registry:
            raise ValueError(f"computed indicator {code!r} registered twice")
        _registry[code] = Computation(code=code, label=label, unit=unit, func=func, aggregation=aggregation,
                                      dated_by=dated_by, place=place,
                                      direction=direction, dimensions=tuple(dimensions), per_period=per_period,
                                      param_label=param_label, default_param=default_param,
                                      description=description)
        func.computation = _registry[code]
        return func
    return decorator


def library_aggregation(aggregation):
    """The library's aggregation (sum, latest, average: Indicator.aggregation, used for targets) of a computation's."""
    return AGGREGATIONS[aggregation][1]


def drilldown_for(code):
    """Register the drill-down of a computation: `@drilldown_for("code")`."""
    def decorator(func):
        _registry[code].drilldown = func
        return func
    return decorator


def baseline_for(code):
    def decorator(func):
        _registry[code].baseline = func
        return func
    return decorator


def computations():
    """{code: Computation} of every domain's indicators.py (importing them registers their computations)."""
    from cpms.domains import domain_modules
    domain_modules("indicators")
    return dict(_registry)


def computation(code):
    return computations().get(code)


@dataclass
class Context:
    programme_id: int
    scope: object
    province_id: int | None = None
    commune_id: int | None = None
    dimension: str | None = None
    param: str = ""
    today: object = None
    extra: dict = field(default_factory=dict)

    def in_area(self, province_column, commune_column=None):
        """Rows in the user's scope and in the report's area (a province, or a commune when the rows have one)."""
        clauses = [self.scope.filter(province_column, commune_column)]
        if self.commune_id is not None:
            clauses.append(commune_column == self.commune_id if commune_column is not None else literal(False))
        elif self.province_id is not None:
            clauses.append(province_column == self.province_id)
        return and_(*clauses) if len(clauses) > 1 else clauses[0]

    def category(self, columns):
        """The category column for the asked disaggregation, as text; NULL (the total) without one."""
        if self.dimension is None or self.dimension not in columns:
            return cast(literal(None), String).label("category")
        return cast(columns[self.dimension], String).label("category")

    def grouped(self, stmt, key):
        return stmt.group_by(key) if self.dimension is not None else stmt

    def matches(self, columns, category):
        """A WHERE clause keeping the rows of one category (drill-downs); always true without one."""
        if self.dimension is None or category is None or self.dimension not in columns:
            return true()
        return cast(columns[self.dimension], String) == str(category)

    def shared(self, name, build):
        """A statement part built once per computation and reused by every period's statement (e.g. a CTE the
        database then computes once for the whole UNION)."""
        if name not in self.extra:
            self.extra[name] = build()
        return self.extra[name]

    def statement(self, name, build):
        """The part of a computation's statement that does not depend on the period (with the category column
        and the grouping of this context's disaggregation), built once and shared by every period's statement:
        the computation adds the period's conditions with .where() / .join(), which copy it cheaply. Building a
        statement afresh for each period made most of a report's time (16 indicators × 9 periods)."""
        return self.shared(("statement", name, self.dimension), build)

    @property
    def span(self):
        """(first start, last end) of all the periods being computed (for shared parts); set by the engine."""
        return self.extra.get("span")

    def with_dimension(self, dimension):
        return Context(self.programme_id, self.scope, self.province_id, self.commune_id, dimension, self.param,
                       self.today, self.extra)


@dataclass
class DrillDown:
    """The records behind a figure: a statement, its column headings and a row formatter.

    `row(record) -> [cell]`, a cell being text or (text, url). `personal` marks lists that show personal data.
    """
    stmt: object
    headings: list
    row: object
    personal: bool = False
    scalars: bool = True
    note: object = None


# --- helpers shared by the computations ------------------------------------------------------------------------

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


# --- the rule book's table (docs/rules/indicators.md, checked by tests/indicators/test_rule_book.py) -----------

RULE_BOOK_START = "<!-- computed indicators: generated from cpms/indicators/registry.py rule_book_table() -->"
RULE_BOOK_END = "<!-- end of the generated table -->"


def _cell(text):
    return " ".join(str(text or "").split()).replace("|", "\\|")


def rule_book_table():
    """The table of every registered computed indicator, as Markdown (in the current locale): code, definition,
    unit, aggregation over periods, the date that puts a record in a period, the commune it counts in."""
    from cpms.indicators.reference import UNITS
    lines = [RULE_BOOK_START, "", "| aggregation | a half-year, a year, the programme to date |", "|---|---|"]
    lines += [f"| **{name}** | {_cell(text)} |" for name, (text, _library) in AGGREGATIONS.items()]
    lines += ["", "| code | indicator | definition | unit | aggregation | date that decides the period | commune |",
              "|---|---|---|---|---|---|---|"]
    for code, comp in sorted(computations().items()):
        lines.append("| " + " | ".join(_cell(text) for text in (
            f"`{code}`", comp.label, comp.description, UNITS.get(comp.unit, comp.unit), f"**{comp.aggregation}**",
            comp.dated_by, comp.place)) + " |")
    return "\n".join(lines + ["", RULE_BOOK_END])
