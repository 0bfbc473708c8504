"""The certificates domain's computed indicator: officers certified (the retention indicators built on the same
certified officers are in cpms/deployments/indicators.py and use the helpers below).

It starts from cpms/deployments/service.py `certified_officers()` (THE definition: an enrolment holding a valid
certificate – the current version, neither superseded nor revoked; certified_on is the course's end date printed
on it) and use the training disaggregations (the cohort's province and commune, the officer's sex, rank and
specialty, the course type).

- Officers certified: distinct officers certified in the period – by the certification date, the course's end
  date printed on the certificate (certified_officers().certified_on, the date retention counts from too), not
  the day the certificate was issued or printed – whose certificate is valid today: a certificate revoked later
  leaves the period's figure (in a locked period, as a difference beside the frozen figure); a corrected
  re-issue keeps the certification date.
"""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import aliased

from cpms.certificates.models import Certificate
from cpms.deployments.service import certified_officers
from cpms.indicators.registry import DrillDown, computed_indicator, drilldown_for, grouped_for, rank_name
from cpms.training.indicators import TRAINING_DIMENSIONS, TRAINING_PLACE, training_columns
from cpms.training.models import Cohort, Course, Trainee


def certified(ctx):
    """The certified officers as a subquery, built once for all the periods of a computation (each period's
    statement renders it in its own FROM)."""
    return ctx.shared("certified", lambda: certified_officers().subquery("certified"))


def with_training(stmt, cert):
    return (stmt.join(Cohort, Cohort.id == cert.c.cohort_id).join(Course, Course.id == Cohort.course_id)
            .join(Trainee, Trainee.id == cert.c.trainee_id))


def _first_issue(ctx, cert):
    """The version-1 certificate of each certified enrolment: its issue is the officer's certification."""
    def build():
        first = aliased(Certificate, name="first_issue")
        return first, and_(first.enrolment_id == cert.c.enrolment_id, first.version == 1)
    return ctx.shared("first_issue", build)


def certified_in(cert, start, end):
    """Certified in the period: by the certification date (the same date retention counts from)."""
    return and_(cert.c.certified_on >= start, cert.c.certified_on <= end)


def _certified_in(ctx, start, end, cert):
    return and_(Cohort.programme_id == ctx.programme_id, certified_in(cert, start, end),
                ctx.in_area(Cohort.province_id, Cohort.commune_id))


@computed_indicator("officers_certified", label=_l("Officers certified"), unit="count", dimensions=TRAINING_DIMENSIONS,
                    aggregation="distinct", place=TRAINING_PLACE,
                    dated_by=_l("The certification date: the course's end date printed on the certificate, the date "
                                "retention counts from (not the day the certificate was issued or printed)."),
                    description=_l("Distinct officers certified in the period whose certificate has not been revoked "
                                   "(a corrected re-issue keeps the certification date)."))
def officers_certified(ctx, start, end):
    cert = certified(ctx)

    def build():
        key = ctx.category(training_columns())
        stmt = with_training(select(key, func.count(distinct(cert.c.trainee_id))).select_from(cert), cert)
        return ctx.grouped(stmt.where(Cohort.programme_id == ctx.programme_id,
                                      ctx.in_area(Cohort.province_id, Cohort.commune_id)), key)
    return ctx.statement("officers_certified", build).where(certified_in(cert, start, end))


@grouped_for("officers_certified")
def officers_certified_grouped(ctx, periods):
    """Every period at once: the programme's certified officers read once (by its cohorts – a period's dates led
    the database through the certificates of every programme, all of them for the programme to date), then
    counted in each period."""
    cert = certified(ctx)

    def build():
        key = ctx.category(training_columns())
        return with_training(select(key, cert.c.trainee_id, cert.c.certified_on).select_from(cert), cert).where(
            Cohort.programme_id == ctx.programme_id, ctx.in_area(Cohort.province_id, Cohort.commune_id)
        ).cte(f"certified_officers_{ctx.dimension}" if ctx.dimension else "certified_officers").prefix_with(
            "MATERIALIZED")  # read once: PostgreSQL would otherwise search the certificates again for each period
    rows = ctx.statement("certified_officers", build)
    return (select(rows.c.category, func.count(distinct(rows.c.trainee_id)), periods.c.idx).select_from(periods)
            .outerjoin(rows, and_(rows.c.certified_on >= periods.c.start, rows.c.certified_on <= periods.c.end))
            .group_by(periods.c.idx, rows.c.category))


# --- drill-downs: the certified officers behind a figure ------------------------------------------------------

def officer_cells(trainee, cohort):
    return [(trainee.full_name, url_for("training.trainee_detail", trainee_id=trainee.id)), trainee.matricule,
            trainee.sex, rank_name(trainee.rank), (cohort.name, url_for("training.cohort_detail", cohort_id=cohort.id))]


def officer_headings():
    return [_("Officer"), _("Matricule"), _("Sex"), _("Rank"), _("Cohort")]


@drilldown_for("officers_certified")
def certified_records(ctx, start, end, category):
    cert = certified(ctx)
    first, on = _first_issue(ctx, cert)
    stmt = (with_training(select(Trainee, Cohort, first.serial, first.issued_at, cert.c.certified_on)
                          .select_from(cert), cert)
            .join(first, on)
            .where(_certified_in(ctx, start, end, cert), ctx.matches(training_columns(), category))
            .order_by(Trainee.last_name, Trainee.first_name, cert.c.enrolment_id))

    def row(record):
        trainee, cohort, serial, issued_at, certified_on = record
        return officer_cells(trainee, cohort) + [serial, issued_at.date().isoformat(), certified_on.isoformat()]

    return DrillDown(stmt, officer_headings() + [_("Certificate"), _("Issued on"), _("Certified on")], row,
                     personal=True, scalars=False)
