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

from flask_babel import get_locale
from sqlalchemy import func, literal, select, union_all

from cpms.extensions import db
from cpms.indicators.models import IndicatorValue, ValueBreakdown
from cpms.indicators.reference import ADDITIVE_UNITS, SEX_LABELS
from cpms.indicators.registry import Context, computation
from cpms.indicators.targets import combine


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
    area = area or Area()
    today = today or date.today()
    figures = Figures()
    entered = []
    for pi in pis:
        if pi.indicator.is_computed:
            _computed(figures, pi, programme_id, periods, scope, area, dimension_for(pi, dimension), today, baselines)
        else:
            entered.append(pi)
    if entered:
        _entered(figures, programme_id, entered, periods, scope, area, dimension, today)
    return figures


def _computed(figures, pi, programme_id, periods, scope, area, dimension, today, baselines):
    comp = computation(pi.indicator.computation)
    if comp is None or not periods:
        return
    ctx = make_context(pi, programme_id, scope, area, dimension, today)
    if not comp.per_period:
        for (tag, category), value in comp.func(ctx, periods).items():
            if tag == "baseline":
                if baselines:
                    figures.baselines[(pi.id, category)] = value
            else:
                figures._add(pi.id, tag, category, value)
        return
    ctx.extra["span"] = (min(p.start for p in periods), max(p.end for p in periods))
    statements = []
    for index, period in enumerate(periods):
        for ctx_d in ([ctx.with_dimension(None), ctx] if dimension else [ctx]):
            statements.append(comp.func(ctx_d, period.start, period.end).add_columns(literal(index).label("period")))
    for category, value, index in db.session.execute(union_all(*statements)):
        if value is not None or category is None:
            figures._add(pi.id, index, category, value)


def _entered(figures, programme_id, pis, periods, scope, area, dimension, today):
    by_id = {pi.id: pi for pi in pis}
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    ctx = Context(programme_id=programme_id, scope=scope, province_id=area.province_id, commune_id=area.commune_id)
    where = [IndicatorValue.programme_indicator_id.in_(list(by_id)), IndicatorValue.status == "approved",
             IndicatorValue.period_start >= first, IndicatorValue.period_end <= last,
             ctx.in_area(IndicatorValue.province_id, IndicatorValue.commune_id)]
    quarters = {}  # (pi id, category) → {quarter start: value}

    def collect(rows):
        for pi_id, start, category, total, mean in rows:
            additive = by_id[pi_id].indicator.unit in ADDITIVE_UNITS
            quarters.setdefault((pi_id, category), {})[start] = float(total if additive else mean)

    value = IndicatorValue
    collect(db.session.execute(
        select(value.programme_indicator_id, value.period_start, literal(None), func.sum(value.value),
               func.avg(value.value)).where(*where).group_by(value.programme_indicator_id, value.period_start)))
    with_dimension = [pi.id for pi in pis if dimension_for(pi, dimension)]
    if with_dimension:
        where[0] = value.programme_indicator_id.in_(with_dimension)
        if dimension in ("province", "commune"):
            column = value.province_id if dimension == "province" else value.commune_id
            stmt = (select(value.programme_indicator_id, value.period_start, column, func.sum(value.value),
                           func.avg(value.value)).where(*where, column.is_not(None))
                    .group_by(value.programme_indicator_id, value.period_start, column))
            collect((pi_id, start, str(key), total, mean) for pi_id, start, key, total, mean in db.session.execute(stmt))
        else:
            part = ValueBreakdown
            collect(db.session.execute(
                select(value.programme_indicator_id, value.period_start, part.category, func.sum(part.value),
                       func.avg(part.value)).join(part, part.value_id == value.id)
                .where(*where, part.dimension == dimension)
                .group_by(value.programme_indicator_id, value.period_start, part.category)))
    for (pi_id, category), by_quarter in quarters.items():
        aggregation = by_id[pi_id].indicator.aggregation
        for index, period in enumerate(periods):
            inside = [by_quarter[start] for start in sorted(by_quarter) if period.start <= start <= period.end]
            if inside:
                figures._add(pi_id, index, category, combine(aggregation, inside))


# --- labels of categories -------------------------------------------------------------------------------------

def category_labels(dimension, keys):
    """{category key: label} for the keys of a disaggregation (at most one query)."""
    from cpms.committees.models import COMMITTEE_KINDS
    from cpms.geo.models import Commune, Province
    from cpms.stations.labels import PROJECT_KIND_LABELS
    from cpms.training.forms import COURSE_TYPE_LABELS, SPECIALTY_LABELS
    from cpms.training.models import Rank

    keys = [k for k in keys if k is not None]
    static = {"sex": SEX_LABELS, "course_type": COURSE_TYPE_LABELS, "specialty": SPECIALTY_LABELS,
              "committee_kind": COMMITTEE_KINDS, "project_kind": PROJECT_KIND_LABELS}
    if dimension in static:
        return {k: str(static[dimension].get(k, k)) for k in keys}
    ids = [int(k) for k in keys if str(k).isdigit()]
    if dimension in ("province", "commune", "rank") and ids:
        if dimension == "rank":
            french = str(get_locale() or "fr").startswith("fr")
            rows = db.session.execute(select(Rank.id, Rank.name_fr if french else Rank.name_en).where(Rank.id.in_(ids)))
        else:
            model = Province if dimension == "province" else Commune
            rows = db.session.execute(select(model.id, model.name).where(model.id.in_(ids)))
        names = {str(i): name for i, name in rows}
        return {k: names.get(str(k), str(k)) for k in keys}
    return {k: str(k) for k in keys}
