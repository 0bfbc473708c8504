"""Outreach indicators for donors, each over the programme's activities whose first day falls in the period, in
the activity's commune:

- people reached: the roster's participants plus the counts recorded without a roster, by sex and category;
- journalists and civil-society members trained: the same, for trainings of journalists or of civil-society
  members, police officers left out;
- joint workshops held with both sides present: joint police–population workshops with at least one police
  officer and at least one other participant (on the roster or counted).
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, select, union_all

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


AREA = {"province": OutreachActivity.province_id, "commune": OutreachActivity.commune_id}
TRAININGS = ("media_training", "civil_society_training")


@computed_indicator("outreach_people_reached", label=_l("People reached by outreach activities"), unit="count",
                    aggregation="sum", dimensions=("province", "commune", "sex", "outreach_category"),
                    dated_by=_l("The activity's first day."), place=_l("The activity's commune."),
                    description=_l("Participants on the rosters of the programme's outreach activities plus the "
                                   "people counted without a roster (crowds, radio audiences)."))
def people_reached(ctx, start, end):
    def build():
        people = _people()
        key = ctx.category({**AREA, "sex": people.c.sex, "outreach_category": people.c.category})
        return ctx.grouped(select(key, func.coalesce(func.sum(people.c.people), 0)).select_from(people)
                           .join(OutreachActivity, OutreachActivity.id == people.c.activity_id)
                           .where(OutreachActivity.programme_id == ctx.programme_id,
                                  ctx.in_area(OutreachActivity.province_id, OutreachActivity.commune_id)), key)
    return ctx.statement("outreach_people_reached", build).where(OutreachActivity.start_date >= start,
                                                                 OutreachActivity.start_date <= end)


@computed_indicator("outreach_people_trained", label=_l("Journalists and civil-society members trained"),
                    unit="count", aggregation="sum", dimensions=("province", "commune", "sex", "outreach_category"),
                    dated_by=_l("The activity's first day."), place=_l("The activity's commune."),
                    description=_l("Participants other than police officers in the programme's trainings of "
                                   "journalists and of civil-society members, on the roster or counted."))
def people_trained(ctx, start, end):
    def build():
        people = _people()
        key = ctx.category({**AREA, "sex": people.c.sex, "outreach_category": people.c.category})
        return ctx.grouped(select(key, func.coalesce(func.sum(people.c.people), 0)).select_from(people)
                           .join(OutreachActivity, OutreachActivity.id == people.c.activity_id)
                           .where(OutreachActivity.programme_id == ctx.programme_id,
                                  OutreachActivity.kind.in_(TRAININGS), people.c.category != "police",
                                  ctx.in_area(OutreachActivity.province_id, OutreachActivity.commune_id)), key)
    return ctx.statement("outreach_people_trained", build).where(OutreachActivity.start_date >= start,
                                                                 OutreachActivity.start_date <= end)


def _both_sides():
    """Ids of the activities with at least one police officer and one other person among their people."""
    people = _people()
    police = func.sum(case((people.c.category == "police", people.c.people), else_=0))
    others = func.sum(case((people.c.category != "police", people.c.people), else_=0))
    return (select(people.c.activity_id).group_by(people.c.activity_id)
            .having(police > 0, others > 0).subquery("outreach_both_sides"))


@computed_indicator("outreach_joint_workshops", label=_l("Joint police–population workshops held with both sides "
                                                         "present"),
                    unit="count", aggregation="sum", dimensions=("province", "commune"),
                    dated_by=_l("The activity's first day."), place=_l("The activity's commune."),
                    description=_l("The programme's joint police–population workshops or dialogues with at least "
                                   "one police officer and at least one other participant, on the roster or "
                                   "counted."))
def joint_workshops(ctx, start, end):
    def build():
        both = _both_sides()
        key = ctx.category(AREA)
        return ctx.grouped(select(key, func.count(OutreachActivity.id)).select_from(OutreachActivity)
                           .join(both, both.c.activity_id == OutreachActivity.id)
                           .where(OutreachActivity.programme_id == ctx.programme_id,
                                  OutreachActivity.kind == "joint_workshop",
                                  ctx.in_area(OutreachActivity.province_id, OutreachActivity.commune_id)), key)
    return ctx.statement("outreach_joint_workshops", build).where(OutreachActivity.start_date >= start,
                                                                  OutreachActivity.start_date <= end)
