"""Indicator reporting periods (the quarters of each programme's fiscal year) ending, and not locked yet."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from cpms.extensions import db
from cpms.indicators.models import PeriodLock, ProgrammeIndicator, ResultsFramework
from cpms.indicators.service import periods as P
from cpms.notifications.registry import Reminder, reminder_kind
from cpms.programmes.models import Programme

ME_OFFICERS = {"me_officer"}


@reminder_kind("reporting_period_due", label=_l("Reporting period due"), roles=ME_OFFICERS, days_before=10,
               description=_l("To the M&E officers of the programme's provinces, some days before a quarter of the "
                              "programme's fiscal year ends, while the quarter is not locked."))
def reporting_periods_due(ctx):
    # the quarter's end is its due date; quarters that ended within the look-back and are still unlocked are
    # still due for submission (and are found again after the scheduler was down)
    horizon = ctx.today + timedelta(days=ctx.days_before)
    has_indicators = exists().where(ProgrammeIndicator.programme_id == Programme.id)
    programmes = db.session.scalars(select(Programme).where(
        has_indicators, Programme.start_date <= horizon,
        # a quarter ending on `since` started at most 92 days before: the programme must not have ended before
        (Programme.end_date.is_(None)) | (Programme.end_date >= ctx.since - timedelta(days=92)))
        .order_by(Programme.id)).all()
    if not programmes:
        return
    ids = [p.id for p in programmes]
    start_months = dict(db.session.execute(select(ResultsFramework.programme_id,
                                                  ResultsFramework.fiscal_year_start_month)
                                           .where(ResultsFramework.programme_id.in_(ids))).all())
    locks = db.session.execute(select(PeriodLock.programme_id, PeriodLock.period_start, PeriodLock.period_end)
                               .where(PeriodLock.programme_id.in_(ids), PeriodLock.period_end >= ctx.since,
                                      PeriodLock.period_start <= horizon)).all()
    for programme in programmes:
        month = start_months.get(programme.id, 1)
        for quarter in P.periods_between(ctx.since, horizon, "quarter", month):
            if not ctx.since <= quarter.end <= horizon:
                continue
            if quarter.end < programme.start_date or (programme.end_date and quarter.start > programme.end_date):
                continue
            # a lock of the quarter, or of the half-year or year around it, freezes its figures
            if any(pid == programme.id and start <= quarter.end and end >= quarter.start
                   for pid, start, end in locks):
                continue
            recipients = {}
            for province in programme.provinces:
                for user in ctx.staff_covering(ME_OFFICERS, province.id):
                    recipients[user.id] = user
            yield Reminder(object_key=f"reporting_period:{programme.id}:{quarter.key}", due_on=quarter.end,
                           recipients=list(recipients.values()),
                           link=("indicators.report", {"programme_id": programme.id, "period": quarter.key}),
                           context={"programme": programme.code, "period": quarter.label,
                                    "start_on": quarter.start, "end_on": quarter.end,
                                    "is_over": quarter.end < ctx.today})
