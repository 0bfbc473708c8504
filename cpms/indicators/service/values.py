"""The figures of a programme's indicators for a list of periods, an area and a disaggregation.

- computed indicators: one query per indicator (the registry's statements of every period, in one UNION ALL);
- entered indicators: one GROUP BY query for the totals of all of them, and one for the asked disaggregation.
  Only approved values count. Values of several areas add up for counts and amounts and are averaged otherwise;
  the quarters of a longer period are then combined by the indicator's aggregation (sum, latest, average).

So a report costs a fixed number of queries, whatever the number of rows behind it.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Integer, func, literal, select, union_all

from cpms.core import contract
from cpms.core.labels import AGE_GROUP_LABELS, SEX_GROUP_LABELS
from cpms.extensions import db
from cpms.geo.models import Commune, Province
from cpms.indicators.models import IndicatorValue, ValueBreakdown
from cpms.indicators.reference import ADDITIVE_UNITS, AREA_DIMENSIONS
from cpms.indicators.registry import Context, computation
from cpms.indicators.service.periods import quarter_pieces
from cpms.indicators.service.targets import combine


@dataclass
class Area:
    province_id: int | None = None
    commune_id: int | None = None

    @property
    def is_national(self):
        return self.province_id is None and self.commune_id is None


@dataclass
class Figures:
    values: dict = field(default_factory=dict)  # (pi id, period index, category or None) → value
    baselines: dict = field(default_factory=dict)  # (pi id, category or None) → value, from computations
    categories: dict = field(default_factory=dict)  # pi id → [category] in order of appearance

    def get(self, pi_id, index, category=None):
        return self.values.get((pi_id, index, category))

    def _add(self, pi_id, index, category, value):
        value = float(value) if isinstance(value, (Decimal, int)) else value
        self.values[(pi_id, index, category)] = value
        if category is not None and category not in self.categories.setdefault(pi_id, []):
            self.categories[pi_id].append(category)


def dimension_for(pi, dimension):
    """The disaggregation an indicator can give for the one asked (None: totals only)."""
    return dimension if dimension and dimension in (pi.indicator.disaggregations or []) else None


def make_context(pi, programme_id, scope, area, dimension, today):
    comp = computation(pi.indicator.computation)
    param = pi.indicator.computation_param or (comp.default_param if comp else "")
    return Context(programme_id=programme_id, scope=scope, province_id=area.province_id, commune_id=area.commune_id,
                   dimension=dimension, param=param, today=today)


def compute(programme_id, pis, periods, *, scope, area=None, dimension=None, today=None, baselines=True):
    """Figures of the indicators `pis` for `periods` (a list of Period), the area and the disaggregation."""
    return compute_many(programme_id, pis, periods, scope=scope, area=area, dimensions=[dimension], today=today,
                        baselines=baselines)[dimension]


def compute_many(programme_id, pis, periods, *, scope, area=None, dimensions=(None,), today=None, baselines=True):
    """{dimension: Figures} for several disaggregations at once (None: totals only), with the same queries as one:
    a computed indicator's statements for the totals and every disaggregation it has go into one UNION ALL, and
    the entered values' totals are read once (then one query per disaggregation)."""
    area = area or Area()
    today = today or date.today()
    dimensions = list(dict.fromkeys(dimensions))
    figures = {dimension: Figures() for dimension in dimensions}
    entered, families = [], {}
    for pi in pis:
        if not pi.indicator.is_computed:
            entered.append(pi)
            continue
        comp = computation(pi.indicator.computation)
        if _in_family(comp, periods):
            families.setdefault((comp.family, make_context(pi, programme_id, scope, area, None, today).param),
                                []).append((pi, comp))
        else:
            _computed_by_rule(figures, pi, programme_id, periods, scope, area, today, baselines)
    for members in families.values():
        _computed_together(figures, members, programme_id, periods, scope, area, today)
    if entered:
        _entered(figures, programme_id, entered, periods, scope, area)
    return figures


def _computed_by_rule(figures, pi, programme_id, periods, scope, area, today, baselines):
    """The indicator's figures for every asked disaggregation it has (the totals in each), by its declared
    aggregation (cpms/indicators/registry.py AGGREGATIONS): "sum", "distinct" and "ratio" are computed over each
    period's records; a "latest" indicator (a state) is computed for the quarters of each period, and a longer
    period takes its last quarter's value (of those begun by `today`) – so a year never contradicts its quarters
    (e.g. CLSPs functional in each quarter are functional in the year)."""
    comp = computation(pi.indicator.computation)
    if comp is None or not periods:
        return
    if comp.aggregation != "latest" or all(p.kind == "quarter" for p in periods):
        _computed(figures, comp, pi, programme_id, periods, scope, area, today, baselines)
        return
    pieces, members = _begun_pieces(periods, today)
    partial = {asked: Figures() for asked in figures}

    def run(indexes):  # the pieces of these indexes, their figures kept under the piece's index
        chosen = {asked: Figures() for asked in figures}
        _computed(chosen, comp, pi, programme_id, [pieces[i] for i in indexes], scope, area, today, baselines)
        for asked, found in chosen.items():
            partial[asked].baselines.update(found.baselines)
            for (pi_id, position, category), value in found.values.items():
                partial[asked]._add(pi_id, indexes[position], category, value)

    if pieces and list(figures) == [None] and comp.per_period:
        # totals only: a longer period's value is that of its last quarter with one, so its last four quarters
        # are computed first and the earlier ones only for a period without a value in them (e.g. the programme
        # to date of a state not recorded lately) – not the thirty-odd quarters of a programme's life each time
        recent = sorted({i for indexes in members for i in indexes[-4:]})
        run(recent)
        rest = sorted({i for indexes in members if len(indexes) > 4 and combine(
            "latest", [partial[None].get(pi.id, i) for i in indexes[-4:]]) is None for i in indexes[:-4]})
        if rest:
            run(rest)
    elif pieces:
        # a computation over all the periods at once (e.g. a survey measure: one GROUP BY for the rounds of every
        # period and the baseline round) costs the same for every quarter of the programme's life as for the last
        # four: one pass, rather than a second one (the rounds and the baseline read again) for the earlier quarters
        run(list(range(len(pieces))))
    for asked, by_piece in partial.items():
        _take_last(figures[asked], by_piece, pi.id, members)


def _begun_pieces(periods, today):
    """([quarter piece], [[index of its pieces] per period]): the quarters of the periods begun by `today` (a state
    is not known before its quarter has begun), each once."""
    pieces, members = [], []
    for period in periods:
        indexes = []
        for piece in quarter_pieces(period):
            if piece.start > today:
                break
            if piece not in pieces:
                pieces.append(piece)
            indexes.append(pieces.index(piece))
        members.append(indexes)
    return pieces, members


def _take_last(figures, by_piece, pi_id, members):
    """Each period's value: its last piece's with a value (the totals even when it is None)."""
    figures.baselines.update(by_piece.baselines)
    for category in [None] + by_piece.categories.get(pi_id, []):
        for index, indexes in enumerate(members):
            value = combine("latest", [by_piece.get(pi_id, i, category) for i in indexes])
            if value is not None or (category is None and any((pi_id, i, None) in by_piece.values for i in indexes)):
                figures._add(pi_id, index, category, value)


def _computed(figures, comp, pi, programme_id, periods, scope, area, today, baselines):
    """The computation's own figures of each period."""
    wanted, everyone = _wanted(figures, pi)
    ctx = make_context(pi, programme_id, scope, area, None, today)
    if not comp.per_period:
        # each call gives the totals too: a call for the totals alone only without a disaggregation to compute
        for dimension in [d for d in wanted if d is not None] or [None]:
            for (tag, category), value in comp.func(ctx.with_dimension(dimension), periods).items():
                if category is not None and dimension is None:
                    continue
                for asked in (everyone if category is None else wanted[dimension]):
                    if tag == "baseline":
                        if baselines:
                            figures[asked].baselines[(pi.id, category)] = value
                    else:
                        figures[asked]._add(pi.id, tag, category, value)
        return
    statements, collect = _statements(figures, comp, pi, ctx, periods, today)
    collect(db.session.execute(union_all(*statements) if len(statements) > 1 else statements[0]))


def _wanted(figures, pi):
    """({disaggregation the indicator gives: [asked dimensions it serves]}, [every asked dimension]): each
    disaggregation is computed once, its figures going to every asked dimension it serves."""
    wanted = {}
    for asked in figures:
        wanted.setdefault(dimension_for(pi, asked), []).append(asked)
    return wanted, [asked for targets in wanted.values() for asked in targets]


def _statements(figures, comp, pi, ctx, periods, today, table=None):
    """([SELECT of category, value, period index, part], collect(rows)) of a per-period computation: its
    statements for the totals and each disaggregation, and what files their rows into `figures`."""
    wanted, everyone = _wanted(figures, pi)
    ctx.extra["span"] = (min(p.start for p in periods), max(p.end for p in periods))
    dimensions = [None] + [d for d in wanted if d is not None]
    statements = []
    if comp.grouped is not None:
        table = periods_table(periods, today) if table is None else table
        for position, dimension in enumerate(dimensions):
            statements.append(comp.grouped(ctx.with_dimension(dimension), table)
                              .add_columns(literal(position).label("part")))
    else:
        for index, period in enumerate(periods):
            for position, dimension in enumerate(dimensions):
                statements.append(comp.func(ctx.with_dimension(dimension), period.start, period.end)
                                  .add_columns(literal(index).label("period"), literal(position).label("part")))
    return statements, _collector(figures, pi, wanted, everyone, dimensions)


def _collector(figures, pi, wanted, everyone, dimensions):
    """collect(rows): files the rows (category, value, period index, part) of _statements into `figures`."""
    def collect(rows):
        for category, value, index, position in rows:
            if position == 0:
                if category is None:  # the totals (a statement without a disaggregation has one row, or none)
                    for asked in everyone:
                        figures[asked]._add(pi.id, index, None, value)
            elif value is not None and category is not None:
                for asked in wanted[dimensions[position]]:
                    figures[asked]._add(pi.id, index, category, value)
    return collect


def _in_family(comp, periods):
    """Whether the computation runs with the others of its family (registry.grouped_for's `family`): a grouped
    form computed over the periods as they are (not a state's quarters)."""
    return (comp is not None and comp.family is not None and comp.grouped is not None and comp.per_period
            and bool(periods) and (comp.aggregation != "latest" or all(p.kind == "quarter" for p in periods)))


def _computed_together(figures, members, programme_id, periods, scope, area, today):
    """The figures of computations of one family (and the same parameter) in one statement: their contexts share
    the parts they build (ctx.shared, ctx.statement), which the statement then computes once – e.g. each
    enrolment's completion, for the officers completing and the completion rate."""
    extra, table, statements, collectors = {}, periods_table(periods, today), [], []
    for member, (pi, comp) in enumerate(members):
        ctx = make_context(pi, programme_id, scope, area, None, today)
        ctx.extra = extra
        selects, collect = _statements(figures, comp, pi, ctx, periods, today, table)
        statements += [stmt.add_columns(literal(member).label("member")) for stmt in selects]
        collectors.append((collect, []))
    for *row, member in db.session.execute(union_all(*statements) if len(statements) > 1 else statements[0]):
        collectors[member][1].append(row)
    for collect, rows in collectors:
        collect(rows)


def periods_table(periods, today):
    """The periods as a small table (idx, start, end, seen) for grouped computations: one SELECT of literals per
    period, so that the same statement runs on SQLite and PostgreSQL."""
    rows = [select(literal(index, Integer).label("idx"), literal(period.start, Date).label("start"),
                   literal(period.end, Date).label("end"), literal(min(period.end, today), Date).label("seen"))
            for index, period in enumerate(periods)]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("periods")


def _entered(figures, programme_id, pis, periods, scope, area):  # noqa: C901
    by_id = {pi.id: pi for pi in pis}
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    ctx = Context(programme_id=programme_id, scope=scope, province_id=area.province_id, commune_id=area.commune_id)
    where = [IndicatorValue.programme_indicator_id.in_(list(by_id)), IndicatorValue.status == "approved",
             IndicatorValue.period_start >= first, IndicatorValue.period_end <= last,
             ctx.in_area(IndicatorValue.province_id, IndicatorValue.commune_id)]
    value = IndicatorValue

    def collect(rows):
        quarters = {}  # (pi id, category) → {quarter start: value}
        for pi_id, start, category, total, mean in rows:
            additive = by_id[pi_id].indicator.unit in ADDITIVE_UNITS
            quarters.setdefault((pi_id, category), {})[start] = float(total if additive else mean)
        return quarters

    def add(quarters, targets):
        for (pi_id, category), by_quarter in quarters.items():
            aggregation = by_id[pi_id].indicator.aggregation
            for index, period in enumerate(periods):
                inside = [by_quarter[start] for start in sorted(by_quarter) if period.start <= start <= period.end]
                if inside:
                    for target in targets:
                        target._add(pi_id, index, category, combine(aggregation, inside))

    add(collect(db.session.execute(
        select(value.programme_indicator_id, value.period_start, literal(None), func.sum(value.value),
               func.avg(value.value)).where(*where).group_by(value.programme_indicator_id, value.period_start))),
        list(figures.values()))
    for dimension in figures:
        with_dimension = [pi.id for pi in pis if dimension_for(pi, dimension)]
        if not with_dimension:
            continue
        where_d = [value.programme_indicator_id.in_(with_dimension)] + where[1:]
        if dimension in ("province", "commune"):
            column = value.province_id if dimension == "province" else value.commune_id
            stmt = (select(value.programme_indicator_id, value.period_start, column, func.sum(value.value),
                           func.avg(value.value)).where(*where_d, column.is_not(None))
                    .group_by(value.programme_indicator_id, value.period_start, column))
            rows = ((pi_id, start, str(key), total, mean) for pi_id, start, key, total, mean in db.session.execute(stmt))
        else:
            part = ValueBreakdown
            rows = db.session.execute(
                select(value.programme_indicator_id, value.period_start, part.category, func.sum(part.value),
                       func.avg(part.value)).join(part, part.value_id == value.id)
                .where(*where_d, part.dimension == dimension)
                .group_by(value.programme_indicator_id, value.period_start, part.category))
        add(collect(rows), [figures[dimension]])


# --- labels of categories -------------------------------------------------------------------------------------

def category_labels(dimension, keys):
    """{category key: label} for the keys of a disaggregation (at most one query): sex and the areas here, the
    others from the domain that owns them (its Dimension in the contract); an unknown key is shown as it is."""
    keys = [k for k in keys if k is not None]
    static = {"sex": SEX_GROUP_LABELS, "age_group": AGE_GROUP_LABELS}
    if dimension in static:
        return {k: str(static[dimension].get(k, k)) for k in keys}
    if dimension in AREA_DIMENSIONS:
        ids = [int(k) for k in keys if str(k).isdigit()]
        if not ids:
            return {k: str(k) for k in keys}
        model = Province if dimension == "province" else Commune
        names = {str(i): name for i, name in db.session.execute(select(model.id, model.name).where(model.id.in_(ids)))}
        return {k: names.get(str(k), str(k)) for k in keys}
    labels = (contract.dimension_labels(dimension, keys) if keys else None) or {}
    return {k: str(labels[k]) if k in labels else str(k) for k in keys}
