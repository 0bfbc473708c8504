"""What outreach adds to the home page: cards (activities and people reached in the user's area) and, for project
officers, the "today" lines of the activity calendar – activities of the coming week, and activities ended within
the last month with nobody recorded (first, flagged)."""
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from cpms.core.dashboard import Card, TodayLine, dashboard_provider, kept_rows, today_provider
from cpms.core.permissions import PROJECT_OFFICER
from cpms.core.templating import format_day, url_pattern
from cpms.geo.models import Commune
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
    # the lines need a few columns: no activity objects (each with its programme and commune joined and built)

    def unrecorded_activities():
        area = scope.filter(OutreachActivity.province_id, OutreachActivity.commune_id)
        nobody = ~exists().where(OutreachParticipant.activity_id == OutreachActivity.id) & ~exists().where(
            OutreachCount.activity_id == OutreachActivity.id)
        return (select(OutreachActivity.id, OutreachActivity.title, OutreachActivity.end_date)
                .where(area, nobody, OutreachActivity.end_date < today,
                       OutreachActivity.end_date >= today - timedelta(days=UNRECORDED_DAYS))
                .order_by(OutreachActivity.end_date, OutreachActivity.id).limit(TODAY_LINES))

    def coming_activities():
        area = scope.filter(OutreachActivity.province_id, OutreachActivity.commune_id)
        return (select(OutreachActivity.id, OutreachActivity.title, OutreachActivity.start_date, Commune.name)
                .join(Commune, Commune.id == OutreachActivity.commune_id)
                .where(area, OutreachActivity.start_date.between(today, today + timedelta(days=7)))
                .order_by(OutreachActivity.start_date, OutreachActivity.id).limit(TODAY_LINES))

    # built once per user, area and day (core keeps them)
    unrecorded = kept_rows(user, scope, ("outreach.today.unrecorded", today), unrecorded_activities)
    coming = kept_rows(user, scope, ("outreach.today.coming", today), coming_activities)
    activity_url = url_pattern("outreach.activity_detail", "activity_id")
    lines = [TodayLine(_("Nobody is recorded for “%(title)s”, ended on %(day)s: add the roster or the counts.",
                         title=title, day=format_day(end_date)), activity_url(activity_id), urgent=True)
             for activity_id, title, end_date in unrecorded]
    lines += [TodayLine(_("“%(title)s” starts on %(day)s in %(place)s.", title=title,
                          day=format_day(start_date, "EEEE d MMMM"), place=commune), activity_url(activity_id))
              for activity_id, title, start_date, commune in coming]
    return lines[:TODAY_LINES]
