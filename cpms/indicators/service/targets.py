"""Targets per quarter, half-year and year of a programme's fiscal year, and the check that they agree with each
other and with the life-of-programme target (refused or flagged, as the programme's settings say)."""
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from cpms.core.errors import DomainError
from cpms.extensions import db
from cpms.indicators.models import Target
from cpms.indicators.reference import PERIOD_KINDS
from cpms.indicators.service import periods as P
from cpms.indicators.service.framework import programme_years, settings_of


def targets_of(pi):
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


def check_targets(pi, targets, programme):  # noqa: C901
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


def refuse_or_warn(programme, problems):
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
    targets = targets_of(pi)
    rows = []
    for year in programme_years(programme, month):
        cells = {kind: [TargetCell(p, targets.get((kind, p.start)))
                        for p in P.periods_between(year.start, year.end, kind, month)] for kind in ("quarter", "half")}
        rows.append({"year": TargetCell(year, targets.get(("year", year.start))), **cells})
    return rows


def save_targets(pi, programme, values):
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
    refuse_or_warn(programme, problems)
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
