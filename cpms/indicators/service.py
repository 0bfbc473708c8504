"""The results framework: programme settings, goal → outcomes → outputs, the indicator library, the indicators of
a programme with their baseline, life-of-programme target and period targets, and the check that the targets
agree with each other.

Services take the acting user, check the rules, flush and raise DomainError saying what to fix; views commit.
Entered values: entries.py; figures: values.py; reports: reports.py; locking: locking.py.
"""
import re
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from cpms.core.dashboard import Card, dashboard_provider
from cpms.core.errors import DomainError
from cpms.extensions import db
from cpms.indicators import periods as P
from cpms.indicators.models import (Indicator, IndicatorValue, PeriodLock, ProgrammeIndicator, ResultNode,
                                    ResultsFramework, Target)
from cpms.indicators.reference import (AGGREGATIONS, AREA_DIMENSIONS, DIMENSIONS, DIRECTIONS, ENTERED_DIMENSIONS,
                                       LEVELS, PARENT_LEVEL, PERIOD_KINDS, SOURCES, TARGET_CHECKS, UNITS)
from cpms.indicators.registry import computations
from cpms.programmes.models import Programme
from cpms.programmes.service import can_see as can_see_programme, visible_programmes  # noqa: F401  (re-exported)

CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,29}$")


# --- programme settings ----------------------------------------------------------------------------------------

def settings_of(programme_id):
    """The programme's ResultsFramework row, or an unsaved default one (fiscal year = calendar year). Read once per
    database session (a request), as every page of a programme needs it several times."""
    cache = db.session.info.setdefault("indicator_settings", {})
    if programme_id not in cache:
        row = db.session.scalar(select(ResultsFramework).where(ResultsFramework.programme_id == programme_id))
        cache[programme_id] = row or ResultsFramework(programme_id=programme_id, fiscal_year_start_month=1,
                                                      target_check="refuse")
    return cache[programme_id]


def save_settings(actor, programme, *, fiscal_year_start_month, target_check):
    """Errors: month outside 1–12, unknown check; a new fiscal year start once targets, values or locks exist
    (their periods would no longer be the donor's)."""
    if fiscal_year_start_month not in range(1, 13):
        raise DomainError(_("Choose the month the fiscal year starts."), field="fiscal_year_start_month")
    if target_check not in TARGET_CHECKS:
        raise DomainError(_("Choose what happens when targets disagree."), field="target_check")
    settings = settings_of(programme.id)
    if settings.fiscal_year_start_month != fiscal_year_start_month and _has_periods(programme.id):
        raise DomainError(_("The fiscal year cannot change once targets, values or locked periods exist: their "
                            "quarters would no longer match the donor's."), field="fiscal_year_start_month")
    settings.fiscal_year_start_month, settings.target_check = fiscal_year_start_month, target_check
    db.session.add(settings)
    db.session.flush()
    return settings


def _has_periods(programme_id):
    indicators = select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id == programme_id)
    return db.session.scalar(select(
        exists().where(Target.programme_indicator_id.in_(indicators))
        | exists().where(IndicatorValue.programme_indicator_id.in_(indicators))
        | exists().where(PeriodLock.programme_id == programme_id)))


def programme_years(programme, start_month):
    """The fiscal years a programme spans."""
    end = programme.end_date or programme.start_date.replace(year=programme.start_date.year + 5)
    return P.periods_between(programme.start_date, end, "year", start_month)


def programme_span(programme, start_month, until=None):
    """The life of the programme (up to `until` when given), as a span period."""
    end = programme.end_date or until or programme.start_date
    if until is not None:
        end = min(end, until)
    return P.span(programme.start_date, end, start_month)


# --- the library -------------------------------------------------------------------------------------------

def library(active_only=False):
    stmt = select(Indicator).order_by(Indicator.code)
    if active_only:
        stmt = stmt.where(Indicator.is_active.is_(True))
    return stmt


def _apply_indicator(indicator, *, code, name_en, name_fr, definition, unit, direction, aggregation, source,
                     computation, computation_param, disaggregations, is_active):
    code = (code or "").strip().upper()
    if not CODE.match(code):
        raise DomainError(_("Enter a code of capital letters, digits, dots or dashes (at most 30), e.g. TRN-1."),
                          field="code")
    clash = db.session.scalar(select(Indicator.id).where(Indicator.code == code))
    if clash is not None and clash != indicator.id:
        raise DomainError(_("Another indicator of the library already has the code %(code)s.", code=code), field="code")
    if not (name_en or "").strip() or not (name_fr or "").strip():
        raise DomainError(_("Enter the name in English and in French."), field="name_en" if not (name_en or "").strip()
                          else "name_fr")
    for value, allowed, field in ((unit, UNITS, "unit"), (direction, DIRECTIONS, "direction"),
                                  (aggregation, AGGREGATIONS, "aggregation"), (source, SOURCES, "source")):
        if value not in allowed:
            raise DomainError(_("Choose a value from the list."), field=field)
    disaggregations = list(dict.fromkeys(disaggregations or []))
    unknown = [d for d in disaggregations if d not in DIMENSIONS]
    if unknown:
        raise DomainError(_("Unknown disaggregation: %(names)s.", names=", ".join(unknown)), field="disaggregations")
    if source == "computed":
        known = computations()
        if computation not in known:
            raise DomainError(_("Choose the computation of a computed indicator."), field="computation")
        unsupported = [str(DIMENSIONS[d]) for d in disaggregations if d not in known[computation].dimensions]
        if unsupported:
            raise DomainError(_("This computation cannot be broken down by %(names)s.", names=", ".join(unsupported)),
                              field="disaggregations")
        computation_param = (computation_param or "").strip() or known[computation].default_param
    else:
        unsupported = [str(DIMENSIONS[d]) for d in disaggregations if d not in ENTERED_DIMENSIONS + AREA_DIMENSIONS]
        if unsupported:
            raise DomainError(_("Entered values cannot be broken down by %(names)s.", names=", ".join(unsupported)),
                              field="disaggregations")
        computation, computation_param = None, ""
    indicator.code, indicator.name_en, indicator.name_fr = code, name_en.strip(), name_fr.strip()
    indicator.definition = (definition or "").strip()
    indicator.unit, indicator.direction, indicator.aggregation, indicator.source = unit, direction, aggregation, source
    indicator.computation, indicator.computation_param = computation, computation_param
    indicator.disaggregations, indicator.is_active = disaggregations, bool(is_active)


def create_indicator(actor, **fields):
    """Add an indicator to the shared library. Errors: bad or duplicate code, a name missing, a computed
    indicator without a known computation, a disaggregation its source cannot give."""
    indicator = Indicator()
    _apply_indicator(indicator, **fields)
    db.session.add(indicator)
    db.session.flush()
    return indicator


def update_indicator(actor, indicator, **fields):
    _apply_indicator(indicator, **fields)
    db.session.flush()
    return indicator


# --- goal, outcomes, outputs -------------------------------------------------------------------------------

def programme_nodes(programme_id):
    return db.session.scalars(select(ResultNode).where(ResultNode.programme_id == programme_id)
                              .order_by(ResultNode.position, ResultNode.code)).all()


def save_node(actor, programme, node=None, *, level, code, title_en, title_fr, parent_id=None, position=0):
    """Create or edit the goal, an outcome or an output. Errors: a second goal, a parent of the wrong level or of
    another programme, a duplicate code, a title missing."""
    if level not in LEVELS:
        raise DomainError(_("Choose the level."), field="level")
    code = (code or "").strip().upper()
    if not CODE.match(code):
        raise DomainError(_("Enter a short code of capital letters, digits or dots, e.g. OC1 or OP1.2."), field="code")
    clash = db.session.scalar(select(ResultNode.id).where(ResultNode.programme_id == programme.id,
                                                          ResultNode.code == code))
    if clash is not None and (node is None or clash != node.id):
        raise DomainError(_("This framework already has an element coded %(code)s.", code=code), field="code")
    if not (title_en or "").strip() or not (title_fr or "").strip():
        raise DomainError(_("Enter the title in English and in French."), field="title_en")
    parent = db.session.get(ResultNode, parent_id) if parent_id else None
    expected = PARENT_LEVEL[level]
    if expected is None:
        goal = db.session.scalar(select(ResultNode.id).where(ResultNode.programme_id == programme.id,
                                                             ResultNode.level == "goal"))
        if goal is not None and (node is None or goal != node.id):
            raise DomainError(_("The framework already has a goal; add outcomes under it."), field="level")
        parent = None
    elif parent is None or parent.programme_id != programme.id or parent.level != expected:
        message = (_("An outcome sits under the goal: add the goal first, then choose it.") if level == "outcome"
                   else _("An output sits under an outcome: choose one."))
        raise DomainError(message, field="parent_id")
    node = node or ResultNode(programme_id=programme.id)
    node.level, node.code, node.parent_id = level, code, parent.id if parent else None
    node.title_en, node.title_fr, node.position = title_en.strip(), title_fr.strip(), position or 0
    db.session.add(node)
    db.session.flush()
    return node


# --- a programme's indicators --------------------------------------------------------------------------------

def tree_order(nodes):
    """{node id: rank} in framework order: the goal, then each outcome followed by its outputs (by position, code)."""
    children = {}
    for node in sorted(nodes, key=lambda n: (n.position, n.code)):
        children.setdefault(node.parent_id, []).append(node)
    order, stack = {}, list(reversed(children.get(None, [])))
    known = {n.id for n in nodes}
    stack += [n for parent, kids in children.items() if parent is not None and parent not in known for n in kids]
    while stack:
        node = stack.pop()
        order[node.id] = len(order)
        stack.extend(reversed(children.get(node.id, [])))
    return order


def programme_indicators(programme_id):
    """The programme's indicators in framework order (two queries)."""
    order = tree_order(programme_nodes(programme_id))
    pis = db.session.scalars(select(ProgrammeIndicator).where(ProgrammeIndicator.programme_id == programme_id)).all()
    return sorted(pis, key=lambda pi: (order.get(pi.node_id, len(order)), pi.position, pi.code))


def _apply_programme_indicator(pi, programme, *, node_id, indicator_id, code, baseline_value, baseline_date,
                               lop_target, notes="", position=0):
    node = db.session.get(ResultNode, node_id) if node_id else None
    if node is None or node.programme_id != programme.id:
        raise DomainError(_("Choose the goal, outcome or output the indicator measures."), field="node_id")
    indicator = db.session.get(Indicator, indicator_id) if indicator_id else None
    if indicator is None:
        raise DomainError(_("Choose an indicator of the library."), field="indicator_id")
    clash = db.session.scalar(select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id == programme.id,
                                                                  ProgrammeIndicator.indicator_id == indicator.id))
    if clash is not None and clash != pi.id:
        raise DomainError(_("This indicator is already in the programme's framework."), field="indicator_id")
    code = (code or "").strip().upper() or indicator.code
    if not CODE.match(code):
        raise DomainError(_("Enter a code of capital letters, digits, dots or dashes (at most 30), e.g. TRN-1."),
                          field="code")
    clash = db.session.scalar(select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id == programme.id,
                                                                  ProgrammeIndicator.code == code))
    if clash is not None and clash != pi.id:
        raise DomainError(_("Another indicator of this framework has the code %(code)s.", code=code), field="code")
    if baseline_value is not None and baseline_date is None:
        raise DomainError(_("Enter the date of the baseline value."), field="baseline_date")
    for value, field in ((baseline_value, "baseline_value"), (lop_target, "lop_target")):
        if value is not None and value < 0:
            raise DomainError(_("Values cannot be negative."), field=field)
        if value is not None and value > 100 and indicator.unit == "percentage":
            raise DomainError(_("A percentage cannot exceed 100."), field=field)
    pi.node_id, pi.indicator_id, pi.code = node.id, indicator.id, code
    pi.baseline_value, pi.baseline_date, pi.lop_target = baseline_value, baseline_date, lop_target
    pi.notes, pi.position = (notes or "").strip(), position or 0
    return pi


def add_programme_indicator(actor, programme, **fields):
    """Put a library indicator in a programme's framework. Errors: element of another programme, indicator
    already there, duplicate code, a baseline without its date, negative values, a percentage above 100."""
    pi = ProgrammeIndicator(programme_id=programme.id)
    _apply_programme_indicator(pi, programme, **fields)
    db.session.add(pi)
    db.session.flush()
    return pi


def update_programme_indicator(actor, pi, programme, **fields):
    """Edit an indicator of a framework; a new life-of-programme target is checked against the period targets
    (refused or flagged, as the programme's settings say)."""
    _apply_programme_indicator(pi, programme, **fields)
    warnings = check_targets(pi, _targets_of(pi), programme)
    _refuse_or_warn(programme, warnings)
    db.session.flush()
    return warnings


# --- targets and their consistency --------------------------------------------------------------------------

def _targets_of(pi):
    return {(t.period_kind, t.period_start): t.value for t in db.session.scalars(
        select(Target).where(Target.programme_indicator_id == pi.id))}


def targets_by_period(pi_ids):
    """{programme indicator id: {(kind, start): value}} in one query."""
    result = {pi_id: {} for pi_id in pi_ids}
    if pi_ids:
        for row in db.session.execute(select(Target.programme_indicator_id, Target.period_kind, Target.period_start,
                                             Target.value).where(Target.programme_indicator_id.in_(list(pi_ids)))):
            result[row[0]][(row[1], row[2])] = row[3]
    return result


def combine(aggregation, values):
    """Several sub-period values as one, by the indicator's aggregation (values in time order)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    if aggregation == "sum":
        return sum(values)
    if aggregation == "latest":
        return values[-1]
    return sum(values) / len(values)


def target_of(aggregation, targets, period, start_month):
    """The target of a period: its own, or else its quarters' combined when every quarter has one; None otherwise.
    `targets` = {(kind, start): value} of one indicator."""
    if period.kind == "span":
        return None
    if (period.kind, period.start) in targets:
        return targets[(period.kind, period.start)]
    if period.kind == "quarter":
        return None
    parts = [targets.get(("quarter", q.start)) for q in P.periods_between(period.start, period.end, "quarter",
                                                                          start_month)]
    return combine(aggregation, parts) if all(v is not None for v in parts) else None


def _differs(a, b):
    return abs(a - b) > 1e-6 * max(1.0, abs(a), abs(b))


def _number(value):
    return format_decimal(round(value, 2))


def _part_problem(aggregation, period, kind, total, target):
    parts = {"quarter": _("quarter"), "half": _("half-year")}[kind]
    parts_plural = {"quarter": _("quarterly"), "half": _("half-yearly")}[kind]
    if aggregation == "sum":
        return _("%(period)s: the %(parts)s targets add up to %(total)s, not the %(period)s target of %(target)s.",
                 period=period.label, parts=parts_plural, total=_number(total), target=_number(target))
    if aggregation == "latest":
        return _("%(period)s: the last %(part)s target is %(total)s, not the %(period)s target of %(target)s.",
                 period=period.label, part=parts, total=_number(total), target=_number(target))
    return _("%(period)s: the %(parts)s targets average %(total)s, not the %(period)s target of %(target)s.",
             period=period.label, parts=parts_plural, total=_number(total), target=_number(target))


def check_targets(pi, targets, programme):
    """Problems (translated sentences) where period targets disagree with each other or with the
    life-of-programme target, for the indicator's aggregation:

    - sum: the quarters (or half-years) of a period add up to its target; the years add up to the life-of-programme
      target (checked once every year has a target; before that, only when they already exceed it);
    - latest: the last quarter (half-year) of a period has the period's target; the last year has the
      life-of-programme target;
    - average: the quarters (half-years) average the period's target; the years are not compared with the
      life-of-programme target.
    """
    aggregation = pi.indicator.aggregation
    month = settings_of(programme.id).fiscal_year_start_month
    problems = []
    by_kind = {kind: {} for kind in PERIOD_KINDS}
    for (kind, start), value in targets.items():
        period = P.period_from_dates(kind, start, month)
        if period is not None and value is not None:
            by_kind[kind][period] = value
    for big, small in (("year", "half"), ("year", "quarter"), ("half", "quarter")):
        for period, target in sorted(by_kind[big].items(), key=lambda item: item[0].start):
            parts = [by_kind[small].get(p) for p in P.periods_between(period.start, period.end, small, month)]
            given = [v for v in parts if v is not None]
            if len(given) == len(parts):
                total = combine(aggregation, parts)
                if _differs(total, target):
                    problems.append(_part_problem(aggregation, period, small, total, target))
            elif aggregation == "sum" and given and sum(given) > target + 1e-9:
                problems.append(_part_problem(aggregation, period, small, sum(given), target))
    lop = pi.lop_target
    years = programme_years(programme, month)
    if lop is not None and years and aggregation in ("sum", "latest"):
        values = [by_kind["year"].get(year) for year in years]
        given = [v for v in values if v is not None]
        if aggregation == "sum" and given:
            total = sum(given)
            if (len(given) == len(values) and _differs(total, lop)) or total > lop + 1e-9:
                problems.append(_("The yearly targets add up to %(total)s, not the life-of-programme target of "
                                  "%(target)s.", total=_number(total), target=_number(lop)))
        elif aggregation == "latest" and values[-1] is not None and _differs(values[-1], lop):
            problems.append(_("The target of the last year (%(year)s) is %(total)s, not the life-of-programme "
                              "target of %(target)s.", year=years[-1].label, total=_number(values[-1]),
                              target=_number(lop)))
    return problems


def _refuse_or_warn(programme, problems):
    if problems and settings_of(programme.id).target_check == "refuse":
        raise DomainError(_("The targets disagree – change them so that they agree: %(problems)s",
                            problems=" ".join(problems)))


@dataclass
class TargetCell:
    period: object
    value: float | None


def target_grid(pi, programme):
    """Rows of the target form: one per fiscal year with its quarters, half-years and year."""
    month = settings_of(programme.id).fiscal_year_start_month
    targets = _targets_of(pi)
    rows = []
    for year in programme_years(programme, month):
        cells = {kind: [TargetCell(p, targets.get((kind, p.start)))
                        for p in P.periods_between(year.start, year.end, kind, month)] for kind in ("quarter", "half")}
        rows.append({"year": TargetCell(year, targets.get(("year", year.start))), **cells})
    return rows


def save_targets(actor, pi, programme, values):
    """Replace the period targets of an indicator: `values` = {period key: number or None}.

    Errors: a period outside the programme, a negative value, a percentage above 100, and – when the programme
    refuses disagreeing targets – the problems `check_targets` finds. Returns the problems (warnings) otherwise.
    """
    month = settings_of(programme.id).fiscal_year_start_month
    years = programme_years(programme, month)
    first, last = (years[0].start, years[-1].end) if years else (programme.start_date, programme.start_date)
    targets = {}
    for key, value in values.items():
        try:
            period = P.parse_period(key, month)
        except ValueError:
            raise DomainError(_("%(key)s is not a period.", key=key))
        if period.start < first or period.end > last:
            raise DomainError(_("%(period)s is outside the programme's fiscal years.", period=period.label))
        if value is not None and value < 0:
            raise DomainError(_("%(period)s: targets cannot be negative.", period=period.label))
        if value is not None and value > 100 and pi.indicator.unit == "percentage":
            raise DomainError(_("%(period)s: a percentage cannot exceed 100.", period=period.label))
        targets[(period.kind, period.start)] = (period, value)
    problems = check_targets(pi, {k: v for k, (_p, v) in targets.items()}, programme)
    _refuse_or_warn(programme, problems)
    existing = {(t.period_kind, t.period_start): t for t in db.session.scalars(
        select(Target).where(Target.programme_indicator_id == pi.id))}
    for key, (period, value) in targets.items():
        row = existing.pop(key, None)
        if value is None:
            if row is not None:
                db.session.delete(row)
            continue
        row = row or Target(programme_indicator_id=pi.id, period_kind=period.kind, period_start=period.start)
        row.period_end, row.value = period.end, value
        db.session.add(row)
    for row in existing.values():
        db.session.delete(row)
    db.session.flush()
    return problems


def count_framework(programme_id):
    return db.session.scalar(select(func.count()).select_from(ProgrammeIndicator)
                             .where(ProgrammeIndicator.programme_id == programme_id))


def programme_or_none(programme_id):
    return db.session.get(Programme, programme_id) if programme_id else None


@dashboard_provider
def indicator_cards(user, scope):
    """Home dashboard: indicators in the user's programmes; values awaiting approval (M&E officers, admins)."""
    from flask_babel import lazy_gettext as _l
    from cpms.core.permissions import ADMIN, ME_OFFICER

    visible = visible_programmes(scope).with_only_columns(Programme.id).order_by(None)
    in_frameworks = select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id.in_(visible))
    cards = [Card(_l("Indicators in the results frameworks"), db.session.scalar(
        select(func.count()).select_from(in_frameworks.subquery())), "indicators.index")]
    if user.role in (ADMIN, ME_OFFICER):
        waiting = db.session.scalar(select(func.count()).select_from(IndicatorValue).where(
            IndicatorValue.status == "submitted", IndicatorValue.programme_indicator_id.in_(in_frameworks)))
        cards.append(Card(_l("Indicator values awaiting approval"), waiting, "indicators.review_queue",
                          roles=frozenset({ADMIN, ME_OFFICER})))
    return cards
