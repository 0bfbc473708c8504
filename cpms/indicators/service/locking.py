"""Locking a reported period: an M&E officer freezes the figures of a quarter, half-year or year as submitted.

The lock stores every indicator's total and each of its disaggregations (SnapshotValue), for the whole programme.
Reports then show the submitted figure and, beside it, the difference with the figure the data give today; nothing
changes silently. Entered values of a locked period can no longer be entered, corrected or reviewed. An admin may
unlock a period (recorded in the audit log with the reason); its frozen figures are then discarded.
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.models import utcnow
from cpms.core.permissions import ADMIN, ME_OFFICER
from cpms.extensions import db
from cpms.indicators.models import IndicatorValue, PeriodLock, ProgrammeIndicator, SnapshotValue
from cpms.indicators.service import periods as P
from cpms.indicators.service.framework import programme_indicators, programme_years, settings_of
from cpms.indicators.service.targets import target_of, targets_by_period

LOCKERS = frozenset({ADMIN, ME_OFFICER})


def period_of_lock(lock, start_month):
    return P.period_from_dates(lock.period_kind, lock.period_start, start_month) or P.span(lock.period_start,
                                                                                          lock.period_end)


def locked_period_containing(programme_id, start, end):
    """The locked period that overlaps start–end (as a Period, for its label), or None."""
    lock = db.session.scalar(select(PeriodLock).where(PeriodLock.programme_id == programme_id,
                                                      PeriodLock.period_start <= end, PeriodLock.period_end >= start)
                             .order_by(PeriodLock.period_start).limit(1))
    if lock is None:
        return None
    return period_of_lock(lock, settings_of(programme_id).fiscal_year_start_month)


def programme_locks(programme_id):
    return db.session.scalars(select(PeriodLock).where(PeriodLock.programme_id == programme_id)
                              .order_by(PeriodLock.period_start.desc(), PeriodLock.period_kind)).all()


def lock_period(actor, scope, programme, period_key, *, note="", today=None):  # noqa: C901
    """Lock a quarter, half-year or year and freeze its figures.

    Errors: not an M&E officer or admin, an account limited to an area (the frozen figures are the whole
    programme's), an unknown period or one outside the programme, a period not over yet, a period already locked,
    entered values of the period still awaiting approval."""
    from cpms.indicators.reference import DIMENSIONS
    from cpms.indicators.service.values import Area, compute, dimension_for

    today = today or date.today()
    if getattr(actor, "role", None) not in LOCKERS:
        raise DomainError(_("Only M&E officers and administrators lock reported periods."))
    if not scope.is_national:
        raise DomainError(_("Locking freezes the whole programme's figures: it needs an account that sees the whole "
                            "country."))
    month = settings_of(programme.id).fiscal_year_start_month
    try:
        period = P.parse_period(period_key, month)
    except ValueError:
        raise DomainError(_("Choose the period to lock."), field="period")
    years = programme_years(programme, month)
    if not years or period.start < years[0].start or period.end > years[-1].end:
        raise DomainError(_("%(period)s is outside the programme's fiscal years.", period=period.label), field="period")
    if period.end >= today:
        raise DomainError(_("%(period)s ends on %(end)s: lock it once it is over.", period=period.label,
                            end=period.end.isoformat()), field="period")
    if db.session.scalar(select(PeriodLock.id).where(PeriodLock.programme_id == programme.id,
                                                     PeriodLock.period_kind == period.kind,
                                                     PeriodLock.period_start == period.start)):
        raise DomainError(_("%(period)s is already locked.", period=period.label), field="period")
    waiting = db.session.scalar(
        select(func.count()).select_from(IndicatorValue).where(
            IndicatorValue.programme_indicator_id.in_(select(ProgrammeIndicator.id)
                                                      .where(ProgrammeIndicator.programme_id == programme.id)),
            IndicatorValue.status == "submitted", IndicatorValue.period_start >= period.start,
            IndicatorValue.period_end <= period.end))
    if waiting:
        raise DomainError(_("%(n)d entered values of %(period)s await approval: approve or reject them first.",
                            n=waiting, period=period.label))
    lock = PeriodLock(programme_id=programme.id, period_kind=period.kind, period_start=period.start,
                      period_end=period.end, locked_by_id=getattr(actor, "id", None), locked_at=utcnow(),
                      note=(note or "").strip())
    db.session.add(lock)
    db.session.flush()
    pis = programme_indicators(programme.id)
    targets = targets_by_period([pi.id for pi in pis])
    rows = {}
    dimensions = [None] + [d for d in DIMENSIONS if any(dimension_for(pi, d) for pi in pis)]
    for dimension in dimensions:
        figures = compute(programme.id, pis, [period], scope=scope, area=Area(), dimension=dimension, today=today,
                          baselines=False)
        for pi in pis:
            if dimension is not None and not dimension_for(pi, dimension):
                continue
            categories = [None] + (figures.categories.get(pi.id, []) if dimension else [])
            for category in categories:
                key = (pi.id, dimension or "", category or "")
                rows[key] = {"lock_id": lock.id, "programme_indicator_id": pi.id, "dimension": dimension or "",
                             "category": category or "", "value": figures.get(pi.id, 0, category),
                             "target": target_of(pi.indicator.aggregation, targets[pi.id], period, month)
                             if category is None else None}
    if rows:
        db.session.execute(insert(SnapshotValue), list(rows.values()))
    record_event("update", actor=actor, entity="indicator_period_locks", entity_id=lock.id,
                 detail=f"{programme.code} {period.key} locked, {len(rows)} figures frozen")
    db.session.flush()
    return lock


def unlock_period(actor, lock, *, reason):
    """Unlock a period (admins only, with a reason): its frozen figures are discarded."""
    if getattr(actor, "role", None) != ADMIN:
        raise DomainError(_("Only administrators unlock a reported period."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the period is unlocked."), field="reason")
    record_event("delete", actor=actor, entity="indicator_period_locks", entity_id=lock.id,
                 detail=f"unlocked {lock.period_kind} {lock.period_start}: {reason.strip()}"[:500])
    db.session.delete(lock)
    db.session.flush()


def snapshots_for(programme_id, periods, dimension=None):
    """({period index: PeriodLock}, {(period index, pi id, category or None): (value, target)}) for the locked
    periods among `periods` – two queries."""
    locks, frozen = snapshots_by_dimension(programme_id, periods, [dimension])
    return locks, frozen[dimension]


def snapshots_by_dimension(programme_id, periods, dimensions):
    """snapshots_for() for several disaggregations at once: (locks, {dimension: frozen}) – two queries."""
    locks, frozen = {}, {dimension: {} for dimension in dimensions}
    if not periods:
        return locks, frozen
    by_key = {(p.kind, p.start): i for i, p in enumerate(periods)}
    for lock in db.session.scalars(select(PeriodLock).where(PeriodLock.programme_id == programme_id,
                                                            PeriodLock.period_start.in_({p.start for p in periods}))):
        index = by_key.get((lock.period_kind, lock.period_start))
        if index is not None:
            locks[index] = lock
    if locks:
        index_of = {lock.id: i for i, lock in locks.items()}
        rows = db.session.execute(select(SnapshotValue).where(
            SnapshotValue.lock_id.in_(list(index_of)),
            SnapshotValue.dimension.in_(sorted({""} | {d or "" for d in dimensions}))))
        for (snap,) in rows:
            key = (index_of[snap.lock_id], snap.programme_indicator_id)
            if not snap.dimension:  # the totals, in every disaggregation's report
                for cells in frozen.values():
                    cells[(*key, None)] = (snap.value, snap.target)
            elif snap.dimension in frozen:
                frozen[snap.dimension][(*key, snap.category or None)] = (snap.value, snap.target)
    return locks, frozen
