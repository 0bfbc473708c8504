"""Certification and retention indicators: officers certified, and the share of certified officers still posted in
the programme's area 12 and 36 months after certification.

Both start from cpms/deployments/service/postings.py `certified_officers()` (THE definition: an enrolment holding
a valid certificate – the current version, neither superseded nor revoked; certified_on is the course's end date printed
on it) and use the training disaggregations (the cohort's province and commune, the officer's sex, rank and
specialty, the course type).

- Officers certified: distinct officers whose certificate was first issued in the period (the date of version 1,
  so that a corrected re-issue does not move an officer to a later period) and is valid today: a certificate
  revoked later leaves the period's figure (in a locked period, as a difference beside the frozen figure).
- Retention at m months (cpms/deployments/service/retention.py): among the officers whose day certified_on + m
  months has come by the end of the period (and by today), the share with a posting in one of the programme's provinces
  covering that day. A state, not a flow: aggregation "latest"; at the end of a period it equals the retention
  page's figure on that date.
"""
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, exists, func, or_, select
from sqlalchemy.orm import aliased

from cpms.certificates.models import Certificate
from cpms.deployments.models import Posting
from cpms.deployments.service.retention import add_months
from cpms.deployments.service import certified_officers
from cpms.indicators.computed.common import day_bounds, rank_name
from cpms.indicators.computed.training import TRAINING_DIMENSIONS, training_columns
from cpms.indicators.registry import DrillDown, computed_indicator, drilldown_for
from cpms.programmes.models import programme_provinces
from cpms.training.models import Cohort, Course, Trainee

RETENTION_MONTHS = (12, 36)


def _certified(ctx):
    """The certified officers as a subquery, built once for all the periods of a computation (each period's
    statement renders it in its own FROM)."""
    return ctx.shared("certified", lambda: certified_officers().subquery("certified"))


def _with_training(stmt, cert):
    return (stmt.join(Cohort, Cohort.id == cert.c.cohort_id).join(Course, Course.id == Cohort.course_id)
            .join(Trainee, Trainee.id == cert.c.trainee_id))


def _first_issue(ctx, cert):
    """The version-1 certificate of each certified enrolment: its issue is the officer's certification."""
    def build():
        first = aliased(Certificate, name="first_issue")
        return first, and_(first.enrolment_id == cert.c.enrolment_id, first.version == 1)
    return ctx.shared("first_issue", build)


def _issued_in(ctx, start, end, cert, first):
    low, high = day_bounds(start, end)
    return and_(Cohort.programme_id == ctx.programme_id, first.issued_at >= low, first.issued_at < high,
                ctx.in_area(Cohort.province_id, Cohort.commune_id))


@computed_indicator("officers_certified", label=_l("Officers certified"), unit="count", dimensions=TRAINING_DIMENSIONS,
                    description=_l("Distinct officers whose certificate was issued in the period and has not been "
                                   "revoked (a corrected re-issue counts on the first issue's date)."))
def officers_certified(ctx, start, end):
    cert = _certified(ctx)
    first, on = _first_issue(ctx, cert)

    def build():
        key = ctx.category(training_columns())
        stmt = _with_training(select(key, func.count(distinct(cert.c.trainee_id))).select_from(cert), cert)
        return ctx.grouped(stmt.join(first, on).where(Cohort.programme_id == ctx.programme_id,
                                                      ctx.in_area(Cohort.province_id, Cohort.commune_id)), key)
    low, high = day_bounds(start, end)
    return ctx.statement("officers_certified", build).where(first.issued_at >= low, first.issued_at < high)


def _retention_parts(ctx, end, months, cert):
    """(due condition, retained condition) of a certified officer at certified_on + months, seen at `end`. Only
    the due condition depends on the period: the rest is built once for all the periods."""
    def build():
        checkpoint = add_months(cert.c.certified_on, months)
        in_programme = select(programme_provinces.c.province_id).where(
            programme_provinces.c.programme_id == ctx.programme_id)
        retained = exists().where(Posting.trainee_id == cert.c.trainee_id, Posting.province_id.in_(in_programme),
                                  Posting.start_date <= checkpoint,
                                  or_(Posting.end_date.is_(None), Posting.end_date >= checkpoint))
        return checkpoint, retained

    checkpoint, retained = ctx.shared(f"retention_{months}", build)
    seen_on = min(end, ctx.today or date.today())
    return checkpoint <= seen_on, retained, checkpoint


def _retention(months):
    def compute(ctx, start, end):
        cert = _certified(ctx)
        due, retained, _checkpoint = _retention_parts(ctx, end, months, cert)

        def build():
            key = ctx.category(training_columns())
            share = 100.0 * func.sum(case((retained, 1), else_=0)) / func.nullif(func.count(), 0)
            return ctx.grouped(_with_training(select(key, share).select_from(cert), cert).where(
                Cohort.programme_id == ctx.programme_id, ctx.in_area(Cohort.province_id, Cohort.commune_id)), key)
        return ctx.statement(f"retention_{months}", build).where(due)
    return compute


retention_12_months = computed_indicator(
    "retention_12_months", label=_l("Certified officers still posted in the area after 12 months (%)"),
    unit="percentage", aggregation="latest", dimensions=TRAINING_DIMENSIONS,
    description=_l("Among the officers certified at least 12 months before the end of the period, the share "
                   "whose posting 12 months after certification lay in one of the programme's provinces."),
)(_retention(12))

retention_36_months = computed_indicator(
    "retention_36_months", label=_l("Certified officers still posted in the area after 36 months (%)"),
    unit="percentage", aggregation="latest", dimensions=TRAINING_DIMENSIONS,
    description=_l("Among the officers certified at least 36 months before the end of the period, the share "
                   "whose posting 36 months after certification lay in one of the programme's provinces."),
)(_retention(36))


# --- drill-downs: the certified officers behind a figure ------------------------------------------------------

def _officer_cells(trainee, cohort):
    return [(trainee.full_name, url_for("training.trainee_detail", trainee_id=trainee.id)), trainee.matricule,
            trainee.sex, rank_name(trainee.rank), (cohort.name, url_for("training.cohort_detail", cohort_id=cohort.id))]


def _officer_headings():
    return [_("Officer"), _("Matricule"), _("Sex"), _("Rank"), _("Cohort")]


@drilldown_for("officers_certified")
def certified_records(ctx, start, end, category):
    cert = _certified(ctx)
    first, on = _first_issue(ctx, cert)
    stmt = (_with_training(select(Trainee, Cohort, first.serial, first.issued_at, cert.c.certified_on)
                           .select_from(cert), cert)
            .join(first, on)
            .where(_issued_in(ctx, start, end, cert, first), ctx.matches(training_columns(), category))
            .order_by(Trainee.last_name, Trainee.first_name, cert.c.enrolment_id))

    def row(record):
        trainee, cohort, serial, issued_at, certified_on = record
        return _officer_cells(trainee, cohort) + [serial, issued_at.date().isoformat(), certified_on.isoformat()]

    return DrillDown(stmt, _officer_headings() + [_("Certificate"), _("Issued on"), _("Course ended")], row,
                     personal=True, scalars=False)


def _retention_records(months):
    def drilldown(ctx, start, end, category):
        cert = _certified(ctx)
        due, retained, checkpoint = _retention_parts(ctx, end, months, cert)
        stmt = (_with_training(select(Trainee, Cohort, cert.c.certified_on, checkpoint.label("checkpoint"),
                                      case((retained, True), else_=False)).select_from(cert), cert)
                .where(Cohort.programme_id == ctx.programme_id, ctx.in_area(Cohort.province_id, Cohort.commune_id),
                       due, ctx.matches(training_columns(), category))
                .order_by(Trainee.last_name, Trainee.first_name, cert.c.enrolment_id))

        def row(record):
            trainee, cohort, certified_on, day, is_retained = record
            return _officer_cells(trainee, cohort) + [
                certified_on.isoformat(), day.isoformat() if hasattr(day, "isoformat") else str(day),
                _("posted in the area") if is_retained else _("not posted in the area")]

        return DrillDown(stmt, _officer_headings() + [_("Certified on"), _("Checked on"), _("Posting")], row,
                         personal=True, scalars=False)
    return drilldown


drilldown_for("retention_12_months")(_retention_records(12))
drilldown_for("retention_36_months")(_retention_records(36))
