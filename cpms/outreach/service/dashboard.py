"""What outreach adds to the home page: cards (activities and people reached in the user's area) and, for project
officers, the "today" lines of the activity calendar – activities of the coming week, and activities ended within
the last month with nobody recorded (first, flagged)."""
from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from cpms.core.dashboard import Card, TodayLine, dashboard_provider, kept_statement, today_provider
from cpms.core.permissions import PROJECT_OFFICER
from cpms.core.templating import format_day
from cpms.extensions import db
from cpms.outreach.models import OutreachActivity, OutreachCount, OutreachParticipant
from cpms.outreach.service.activities import READERS

TODAY_LINES = 12
UNRECORDED_DAYS = 30


@dashboard_provider(per_user=True)  # its cards: SQL figures of the user's area (and day)
def outreach_cards(user, scope):
    if user.role not in READERS:
        return []
    area = scope.filter(OutreachActivity.province_id, OutreachActivity.commune_id)
    # SQL figures: counted by core with the page's other cards, in one statement
    activities = select(func.count()).select_from(OutreachActivity).where(area).scalar_subquery()
    roster = (select(func.count()).select_from(OutreachParticipant)
              .join(OutreachActivity, OutreachActivity.id == OutreachParticipant.activity_id).where(area))
    counted = (select(func.coalesce(func.sum(OutreachCount.people), 0))
               .join(OutreachActivity, OutreachActivity.id == OutreachCount.activity_id).where(area))
    people = roster.scalar_subquery() + counted.scalar_subquery()
    return [Card(_l("Outreach activities in your area"), activities, "outreach.activity_list"),
            Card(_l("People reached by outreach"), people, "outreach.activity_list")]


@today_provider(roles={PROJECT_OFFICER})
def outreach_today(user, scope, today=None):
    """Unrecorded activities of the last month first (urgent), then those of the coming week: two queries."""
    today = today or date.today()

    def unrecorded_activities():
        area = scope.filter(OutreachActivity.province_id, OutreachActivity.commune_id)
        nobody = ~exists().where(OutreachParticipant.activity_id == OutreachActivity.id) & ~exists().where(
            OutreachCount.activity_id == OutreachActivity.id)
        return (select(OutreachActivity).where(area, nobody, OutreachActivity.end_date < today,
                                               OutreachActivity.end_date >= today - timedelta(days=UNRECORDED_DAYS))
                .order_by(OutreachActivity.end_date, OutreachActivity.id).limit(TODAY_LINES))

    def coming_activities():
        area = scope.filter(OutreachActivity.province_id, OutreachActivity.commune_id)
        return (select(OutreachActivity).where(area, OutreachActivity.start_date.between(today, today + timedelta(days=7)))
                .order_by(OutreachActivity.start_date, OutreachActivity.id).limit(TODAY_LINES))

    # built once per user, area and day (core keeps them)
    unrecorded = db.session.scalars(kept_statement(user, scope, ("outreach.today.unrecorded", today),
                                                   unrecorded_activities)).all()
    coming = db.session.scalars(kept_statement(user, scope, ("outreach.today.coming", today), coming_activities)).all()
    lines = [TodayLine(_("Nobody is recorded for “%(title)s”, ended on %(day)s: add the roster or the counts.",
                         title=a.title, day=format_day(a.end_date)), _url(a), urgent=True) for a in unrecorded]
    lines += [TodayLine(_("“%(title)s” starts on %(day)s in %(place)s.", title=a.title,
                          day=format_day(a.start_date, "EEEE d MMMM"), place=a.commune.name), _url(a))
              for a in coming]
    return lines[:TODAY_LINES]


def _url(activity):
    return url_for("outreach.activity_detail", activity_id=activity.id)
