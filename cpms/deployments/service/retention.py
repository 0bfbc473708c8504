"""Retention: the share of certified officers still posted in their programme's area 6, 12, 24 and 36 months
after certification, by cohort, sex and province, and the officers who left before the minimum period.

Definitions (all computed in SQL):
- certified officers and their certification date come from postings.certified_officers();
- a posting is *in the area* when its commune (the station's commune for a station) lies in a province of the
  programme of the officer's cohort;
- an officer is *retained at m months* when an in-area posting covers the day certified_on + m months (the end
  date is the last day served); officers whose day has not come yet are *not due* and left out of that share;
- an officer *left early* when their in-area postings after certification all ended before certified_on + the
  minimum period (RETENTION_MIN_MONTHS, default 36); the reason is the one recorded on the last of them. An
  officer who moved to another posting in the area has not left. Officers never posted in the area are counted
  apart ("never posted").
- by province means the province of the cohort (where the officer was trained for).
"""
import functools
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import (
    BigInteger,
    Date,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from cpms.core.dashboard import Card, dashboard_provider
from cpms.core.permissions import TRAINER
from cpms.deployments.models import Posting
from cpms.deployments.service.postings import certified_officers
from cpms.extensions import db
from cpms.geo.models import Commune, Province
from cpms.programmes.models import programme_provinces
from cpms.training.models import Cohort, Trainee, cohort_trainers

MILESTONES = (6, 12, 24, 36)
FAR_FUTURE = date(9999, 12, 31)


class add_months(FunctionElement):
    """A date plus a whole number of months, clamped to the end of the month (31 March + 6 months is
    30 September), the same on PostgreSQL and SQLite. Use add_months(column, months)."""

    type = Date()
    inherit_cache = True
    name = "add_months"

    def __init__(self, value, months):
        super().__init__(value, literal_column(str(int(months))))


def _parts(element, compiler, **kw):
    value, months = list(element.clauses)
    return compiler.process(value, **kw), int(months.name)


@compiles(add_months, "postgresql")
def _add_months_postgresql(element, compiler, **kw):
    value, months = _parts(element, compiler, **kw)
    return f"CAST(({value}) + INTERVAL '{months} months' AS DATE)"


@compiles(add_months, "sqlite")
def _add_months_sqlite(element, compiler, **kw):
    value, months = _parts(element, compiler, **kw)
    # same day of the month n months later, or the last day of that month when it is shorter
    return (f"min(date({value}, 'start of month', '+{months} months', "
            f"'+' || (CAST(strftime('%d', {value}) AS INTEGER) - 1) || ' days'), "
            f"date({value}, 'start of month', '+{months + 1} months', '-1 day'))")


def minimum_months():
    return int(current_app.config["RETENTION_MIN_MONTHS"])


def milestones(min_months=None):
    """6, 12, 24 and 36 months, and the minimum period when it is another figure."""
    min_months = minimum_months() if min_months is None else min_months
    return tuple(sorted(set(MILESTONES) | {min_months}))


def _in_area(cert, programme_id=Cohort.programme_id):
    """Join condition: the officer's postings in their programme's area that had not ended at certification."""
    # correlated explicitly: nested in retained_at()'s EXISTS, it would not correlate with the statement around it
    in_programme = exists().where(programme_provinces.c.programme_id == programme_id,
                                  programme_provinces.c.province_id == Posting.province_id
                                  ).correlate_except(programme_provinces)
    return and_(Posting.trainee_id == cert.c.trainee_id, in_programme,
                or_(Posting.end_date.is_(None), Posting.end_date >= cert.c.certified_on))


def _restrict(stmt, user, scope, programme_id):
    """Cohorts in the user's area (trainers: their own cohorts), optionally of one programme."""
    stmt = stmt.where(scope.filter(Cohort.province_id, Cohort.commune_id))
    if user is not None and user.role == TRAINER:
        stmt = stmt.where(exists().where(cohort_trainers.c.cohort_id == Cohort.id,
                                         cohort_trainers.c.user_id == user.id))
    if programme_id:
        stmt = stmt.where(Cohort.programme_id == programme_id)
    return stmt


def officer_outcomes(user, scope, *, today, min_months, programme_id=None, cert=None):
    """One row per certified officer (per certification): sex, cohort, province, and for each milestone m
    due_m and kept_m (1 or 0), never_posted and left_early (1 or 0). `cert`: the certified officers as a
    subquery or CTE, when a statement shares them."""
    cert = cert if cert is not None else certified_officers(today).subquery("certified")
    columns = [cert.c.enrolment_id, cert.c.cohort_id, Trainee.sex.label("sex"), Cohort.province_id.label("province_id")]
    for months in milestones(min_months):
        checkpoint = add_months(cert.c.certified_on, months)
        due = checkpoint <= today
        covered = and_(due, Posting.start_date <= checkpoint,
                       or_(Posting.end_date.is_(None), Posting.end_date >= checkpoint))
        columns.append(case((due, 1), else_=0).label(f"due_{months}"))
        columns.append(func.max(case((covered, 1), else_=0)).label(f"kept_{months}"))
    posted = func.max(case((Posting.id.is_not(None), 1), else_=0))
    last_day = func.max(func.coalesce(Posting.end_date, literal(FAR_FUTURE, Date)))
    columns.append(case((posted == 0, 1), else_=0).label("never_posted"))
    columns.append(case((and_(posted == 1, last_day < add_months(cert.c.certified_on, min_months)), 1),
                        else_=0).label("left_early"))
    stmt = (select(*columns).select_from(cert)
            .join(Cohort, Cohort.id == cert.c.cohort_id)
            .join(Trainee, Trainee.id == cert.c.trainee_id)
            .outerjoin(Posting, _in_area(cert))
            .group_by(cert.c.enrolment_id, cert.c.cohort_id, cert.c.certified_on, Trainee.sex, Cohort.province_id))
    return _restrict(stmt, user, scope, programme_id)


# retained_figure() packs (due, kept) into one integer, so that the dashboard asks it as one scalar subquery
# among the other cards' figures (a subquery returns one value): due * PACK + kept, kept <= due < PACK.
PACK = 2 ** 32


def retained_at(user, scope, *, today, months):
    """(due, kept) at `months` after certification, over the certified officers of the cohorts in the user's
    area: the sums of officer_outcomes()' due_<months> and kept_<months>, for the dashboard card. One EXISTS per
    officer instead of officer_outcomes()' join on every posting with every milestone, which took 0.4 s for
    10,000 certified officers on SQLite; each checkpoint date is computed once (a materialized CTE, where
    SQLite would otherwise compute it again for every posting it looks at). The statement is built once per
    shape of area (the day, the area's ids and the trainer are parameters): building it was a fifth of the card."""
    return unpack_retained(db.session.scalar(select(retained_figure(user, scope, today=today, months=months))))


def retained_figure(user, scope, *, today, months):
    """retained_at()'s figures as one SQL scalar, due * PACK + kept (unpack_retained() splits it): the card's
    value, asked in the dashboard's single statement with the other cards' figures."""
    trainer = user is not None and user.role == TRAINER
    shape = (scope.is_national, bool(scope.full_province_ids), bool(scope.commune_ids), trainer)
    params = {"today": today, "provinces": sorted(scope.full_province_ids or ()),
              "communes": sorted(scope.commune_ids or ()), "user_id": user.id if trainer else None}
    return _retained_statement(int(months), shape).params(params).scalar_subquery()


def unpack_retained(figure):
    """(due, kept) from retained_figure()'s value."""
    due, kept = divmod(int(figure or 0), PACK)
    return due, kept


@functools.lru_cache(maxsize=32)
def _retained_statement(months, shape):
    """retained_at()'s statement for one number of months and one shape of area: (national, with whole
    provinces, with communes, a trainer's own cohorts) – the same conditions as _restrict() with Scope.filter()."""
    from cpms.certificates.models import Certificate
    national, with_provinces, with_communes, trainer = shape
    today = bindparam("today", type_=Date)
    # only the columns the count reads: the materialized rows of the other ones (enrolment, cohort) cost a tenth of
    # the statement on SQLite
    cert = (certified_officers(today)
            .with_only_columns(Certificate.trainee_id.label("trainee_id"), Certificate.certified_on.label("certified_on"),
                               Cohort.programme_id.label("programme_id"),
                               add_months(Certificate.end_date, months).label("checkpoint"))
            .select_from(Certificate).join(Cohort, Cohort.id == Certificate.cohort_id))
    if not national:
        clauses = []
        if with_provinces:
            clauses.append(Cohort.province_id.in_(bindparam("provinces", expanding=True)))
        if with_communes:
            clauses.append(Cohort.commune_id.in_(bindparam("communes", expanding=True)))
        cert = cert.where(or_(*clauses) if clauses else false())
    if trainer:
        cert = cert.where(exists().where(cohort_trainers.c.cohort_id == Cohort.id,
                                         cohort_trainers.c.user_id == bindparam("user_id")))
    cert = cert.cte("certified").prefix_with("MATERIALIZED")
    covered = exists().where(_in_area(cert, cert.c.programme_id), Posting.start_date <= cert.c.checkpoint,
                             or_(Posting.end_date.is_(None), Posting.end_date >= cert.c.checkpoint))
    return (select(func.count() * literal_column(str(PACK), BigInteger) + func.coalesce(func.sum(case((covered, 1), else_=0)), 0))
            .where(cert.c.checkpoint <= today))


@dataclass
class Row:
    key: object
    label: str
    certified: int
    kept: dict
    due: dict
    never_posted: int
    left_early: int

    def share(self, months):
        """Percentage retained at `months` (one decimal), or None when nobody is due yet."""
        due = self.due.get(months) or 0
        return round(100.0 * self.kept[months] / due, 1) if due else None


@dataclass
class Report:
    min_months: int
    milestones: tuple
    today: date
    total: Row
    by_cohort: list = field(default_factory=list)
    by_sex: list = field(default_factory=list)
    by_province: list = field(default_factory=list)
    reasons: dict = field(default_factory=dict)


def retention_report(user, scope, *, today=None, min_months=None, programme_id=None):
    """Retention in the user's area: total, by cohort, by sex, by province, and the early departures by reason
    (one query), with the labels of cohorts and provinces (two queries)."""
    today = today or date.today()
    min_months = minimum_months() if min_months is None else min_months
    steps = milestones(min_months)
    # one statement: the certified officers are computed once, grouped four ways, and their early departures
    # counted by reason
    cert = certified_officers(today).cte("certified")
    outcomes = officer_outcomes(user, scope, today=today, min_months=min_months, programme_id=programme_id,
                                cert=cert).cte("outcomes")
    early = early_departures(user, scope, today=today, min_months=min_months, programme_id=programme_id,
                             cert=cert).cte("early")
    sums = [func.count().label("certified")]
    for months in steps:
        sums += [func.coalesce(func.sum(outcomes.c[f"due_{months}"]), 0),
                 func.coalesce(func.sum(outcomes.c[f"kept_{months}"]), 0)]
    sums += [func.coalesce(func.sum(outcomes.c.never_posted), 0), func.coalesce(func.sum(outcomes.c.left_early), 0)]

    def grouped(dimension, key):
        stmt = select(literal(dimension).label("dimension"), cast(key, String).label("key"), *sums)
        return stmt.group_by(key) if key is not None else stmt

    padding = [literal(0)] * (len(sums) - 1)
    by_reason = (select(literal("reason"), cast(early.c.end_reason, String), func.count(), *padding)
                 .group_by(early.c.end_reason))
    rows = db.session.execute(union_all(grouped("total", None), grouped("cohort", outcomes.c.cohort_id),
                                        grouped("sex", outcomes.c.sex), grouped("province", outcomes.c.province_id),
                                        by_reason)).all()
    groups = {"total": [], "cohort": [], "sex": [], "province": []}
    reasons = {}
    for dimension, key, certified, *numbers in rows:
        if dimension == "reason":
            reasons[key or ""] = int(certified)
            continue
        due = {m: int(numbers[2 * i]) for i, m in enumerate(steps)}
        kept = {m: int(numbers[2 * i + 1]) for i, m in enumerate(steps)}
        groups[dimension].append(Row(key, "", int(certified), kept, due, int(numbers[-2]), int(numbers[-1])))
    report = Report(min_months, steps, today, groups["total"][0], reasons=reasons)
    cohort_ids = [int(r.key) for r in groups["cohort"]]
    cohorts = {c.id: c for c in db.session.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids)))} if cohort_ids else {}
    for row in groups["cohort"]:
        row.key = int(row.key)
        row.label = cohorts[row.key].name
    report.by_cohort = sorted(groups["cohort"], key=lambda r: (cohorts[r.key].end_date, r.label))
    province_ids = [int(r.key) for r in groups["province"]]
    names = dict(db.session.execute(select(Province.id, Province.name)
                                    .where(Province.id.in_(province_ids))).all()) if province_ids else {}
    for row in groups["province"]:
        row.key = int(row.key)
        row.label = names[row.key]
    report.by_province = sorted(groups["province"], key=lambda r: r.label)
    report.by_sex = sorted(groups["sex"], key=lambda r: r.key)
    return report


def early_departures(user, scope, *, today=None, min_months=None, programme_id=None, cert=None):
    """Officers who left the programme's area before the minimum period, with the last in-area posting they
    left (a select of: trainee_id, cohort_id, certified_on, posting_id, end_date, end_reason, end_note), ordered
    by departure date. Select Trainee and Cohort over it to show names."""
    today = today or date.today()
    min_months = minimum_months() if min_months is None else min_months
    cert = cert if cert is not None else certified_officers(today).subquery("certified")
    open_last = case((Posting.end_date.is_(None), 1), else_=0)
    ranked = _restrict(
        select(cert.c.trainee_id, cert.c.cohort_id, cert.c.certified_on, Posting.id.label("posting_id"),
               Posting.end_date, Posting.end_reason, Posting.end_note,
               func.row_number().over(partition_by=cert.c.enrolment_id,
                                      order_by=(open_last.desc(), Posting.end_date.desc(), Posting.id.desc()))
               .label("rank"))
        .select_from(cert).join(Cohort, Cohort.id == cert.c.cohort_id).join(Posting, _in_area(cert)),
        user, scope, programme_id).subquery("last_postings")
    return (select(ranked.c.trainee_id, ranked.c.cohort_id, ranked.c.certified_on, ranked.c.posting_id,
                   ranked.c.end_date, ranked.c.end_reason, ranked.c.end_note)
            .where(ranked.c.rank == 1, ranked.c.end_date.is_not(None),
                   ranked.c.end_date < add_months(ranked.c.certified_on, min_months))
            .order_by(ranked.c.end_date, ranked.c.trainee_id))


def early_departure_rows(user, scope, **kwargs):
    """early_departures() with the officer, the cohort's name and the posting's place, for a page or an export."""
    from cpms.stations.models import Station
    early = early_departures(user, scope, **kwargs).subquery("early")
    return (select(Trainee, Cohort.name, early.c.certified_on, early.c.end_date, early.c.end_reason,
                   early.c.end_note, func.coalesce(Station.name, Commune.name))
            .select_from(early)
            .join(Trainee, Trainee.id == early.c.trainee_id)
            .join(Cohort, Cohort.id == early.c.cohort_id)
            .join(Posting, Posting.id == early.c.posting_id)
            .join(Commune, Commune.id == Posting.commune_id)
            .outerjoin(Station, Station.id == Posting.station_id)
            .order_by(early.c.end_date, Trainee.last_name, Trainee.id))


def months_between(start, end):
    """Whole months from start to end (for display: how long an officer stayed)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


@dashboard_provider(per_user=True)
def retention_cards(user, scope):
    """The share of certified officers still posted in the area after the minimum period. Its value is SQL (asked
    with the other cards' figures in one statement), unpacked into the share and the note once known; not shown
    while nobody is due. Per user: it depends on the user's role and id, area and day only."""
    from flask_babel import lazy_gettext as _l
    report_months = minimum_months()

    def unpack(card):
        due, kept = unpack_retained(card.value)
        card.value = round(100 * kept / due) if due else 0
        card.note = _l("%(kept)d of %(due)d certified officers", kept=kept, due=due)
        card.shown = (lambda _value: False) if not due else None

    return [Card(_l("Retained in the area after %(months)d months (%%)", months=report_months),
                 retained_figure(user, scope, today=date.today(), months=report_months), "deployments.retention",
                 unpack=unpack)]
