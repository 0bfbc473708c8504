"""Outreach indicators for donors: people reached by outreach activities, by sex, category and area.

People reached: the roster's participants plus the counts recorded without a roster, of the programme's
activities whose first day falls in the period, in the activity's commune.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select, union_all

from cpms.indicators.registry import computed_indicator
from cpms.outreach.labels import CATEGORY_LABELS
from cpms.outreach.models import OutreachActivity, OutreachCount, OutreachParticipant


def category_labels(keys):
    return {key: str(CATEGORY_LABELS[key]) for key in keys if key in CATEGORY_LABELS}


def _people():
    roster = select(OutreachParticipant.activity_id, OutreachParticipant.sex, OutreachParticipant.category,
                    literal(1).label("people"))
    counts = select(OutreachCount.activity_id, OutreachCount.sex, OutreachCount.category, OutreachCount.people)
    return union_all(roster, counts).subquery("outreach_people")


@computed_indicator("outreach_people_reached", label=_l("People reached by outreach activities"), unit="count",
                    aggregation="sum", dimensions=("province", "commune", "sex", "outreach_category"),
                    dated_by=_l("The activity's first day."), place=_l("The activity's commune."),
                    description=_l("Participants on the rosters of the programme's outreach activities plus the "
                                   "people counted without a roster (crowds, radio audiences)."))
def people_reached(ctx, start, end):
    def build():
        people = _people()
        key = ctx.category({"province": OutreachActivity.province_id, "commune": OutreachActivity.commune_id,
                            "sex": people.c.sex, "outreach_category": people.c.category})
        return ctx.grouped(select(key, func.coalesce(func.sum(people.c.people), 0)).select_from(people)
                           .join(OutreachActivity, OutreachActivity.id == people.c.activity_id)
                           .where(OutreachActivity.programme_id == ctx.programme_id,
                                  ctx.in_area(OutreachActivity.province_id, OutreachActivity.commune_id)), key)
    return ctx.statement("outreach_people_reached", build).where(OutreachActivity.start_date >= start,
                                                                 OutreachActivity.start_date <= end)
