"""The deployments domain's computed indicators: the share of certified officers still posted in the programme's
area 12 and 36 months after certification.

They start from cpms/deployments/service.py `certified_officers()` (THE definition of a certified officer and
the date of certification) through cpms/certificates/indicators.py, and use the training disaggregations.

- Retention at m months (cpms/deployments/retention.py): among the officers whose day certified_on + m months has
  come by the end of the period (and by today), the share with a posting in one of the programme's provinces
  covering that day. A state, not a flow: aggregation "latest"; at the end of a period it equals the retention
  page's figure on that date.
"""
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, or_, select

from cpms.certificates.indicators import certified, officer_cells, officer_headings, with_training
from cpms.deployments.models import Posting
from cpms.deployments.service.retention import add_months
from cpms.indicators.registry import DrillDown, computed_indicator, drilldown_for, grouped_for
from cpms.programmes.models import programme_provinces
from cpms.training.indicators import TRAINING_DIMENSIONS, TRAINING_PLACE, training_columns
from cpms.training.models import Cohort, Trainee

RETENTION_MONTHS = (12, 36)


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
        cert = certified(ctx)
        due, retained, _checkpoint = _retention_parts(ctx, end, months, cert)

        def build():
            key = ctx.category(training_columns())
            share = 100.0 * func.sum(case((retained, 1), else_=0)) / func.nullif(func.count(), 0)
            return ctx.grouped(with_training(select(key, share).select_from(cert), cert).where(
                Cohort.programme_id == ctx.programme_id, ctx.in_area(Cohort.province_id, Cohort.commune_id)), key)
        return ctx.statement(f"retention_{months}", build).where(due)
    return compute


retention_12_months = computed_indicator(
    "retention_12_months", label=_l("Certified officers still posted in the area after 12 months (%)"),
    unit="percentage", aggregation="latest", dimensions=TRAINING_DIMENSIONS, place=TRAINING_PLACE,
    dated_by=_l("The certification date (the course's end date, as for officers certified) plus 12 months, seen at "
                "the end of the period."),
    description=_l("Among the officers certified at least 12 months before the end of the period, the share "
                   "whose posting 12 months after certification lay in one of the programme's provinces."),
)(_retention(12))

retention_36_months = computed_indicator(
    "retention_36_months", label=_l("Certified officers still posted in the area after 36 months (%)"),
    unit="percentage", aggregation="latest", dimensions=TRAINING_DIMENSIONS, place=TRAINING_PLACE,
    dated_by=_l("The certification date (the course's end date, as for officers certified) plus 36 months, seen at "
                "the end of the period."),
    description=_l("Among the officers certified at least 36 months before the end of the period, the share "
                   "whose posting 36 months after certification lay in one of the programme's provinces."),
)(_retention(36))


def _retention_grouped(months):
    """Every period at once: each certified officer's checkpoint and whether a posting covered it, decided once,
    then counted in each period whose end (or today) the checkpoint has reached."""
    def compute(ctx, periods):
        cert = certified(ctx)

        def build():
            _due, retained, checkpoint = _retention_parts(ctx, ctx.today or date.today(), months, cert)
            key = ctx.category(training_columns())
            return with_training(select(key, checkpoint.label("day"), case((retained, 1), else_=0).label("kept"))
                                 .select_from(cert), cert).where(
                Cohort.programme_id == ctx.programme_id,
                ctx.in_area(Cohort.province_id, Cohort.commune_id)).cte(
                f"kept_{months}_{ctx.dimension}" if ctx.dimension else f"kept_{months}").prefix_with(
                "MATERIALIZED")  # each officer's checkpoint computed once, not again for each period it is compared to
        kept = ctx.statement(f"kept_{months}", build)
        share = 100.0 * func.sum(kept.c.kept) / func.nullif(func.count(kept.c.day), 0)
        return (select(kept.c.category, share, periods.c.idx).select_from(periods)
                .outerjoin(kept, kept.c.day <= periods.c.seen).group_by(periods.c.idx, kept.c.category))
    return compute


grouped_for("retention_12_months")(_retention_grouped(12))
grouped_for("retention_36_months")(_retention_grouped(36))


# --- drill-downs: the certified officers behind a figure ------------------------------------------------------

def _retention_records(months):
    def drilldown(ctx, start, end, category):
        cert = certified(ctx)
        due, retained, checkpoint = _retention_parts(ctx, end, months, cert)
        stmt = (with_training(select(Trainee, Cohort, cert.c.certified_on, checkpoint.label("checkpoint"),
                                     case((retained, True), else_=False)).select_from(cert), cert)
                .where(Cohort.programme_id == ctx.programme_id, ctx.in_area(Cohort.province_id, Cohort.commune_id),
                       due, ctx.matches(training_columns(), category))
                .order_by(Trainee.last_name, Trainee.first_name, cert.c.enrolment_id))

        def row(record):
            trainee, cohort, certified_on, day, is_retained = record
            return officer_cells(trainee, cohort) + [
                certified_on.isoformat(), day.isoformat() if hasattr(day, "isoformat") else str(day),
                _("posted in the area") if is_retained else _("not posted in the area")]

        return DrillDown(stmt, officer_headings() + [_("Certified on"), _("Checked on"), _("Posting")], row,
                         personal=True, scalars=False)
    return drilldown


drilldown_for("retention_12_months")(_retention_records(12))
drilldown_for("retention_36_months")(_retention_records(36))
