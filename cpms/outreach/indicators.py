"""Outreach indicators for donors, each over the programme's activities whose first day falls in the period, in
the activity's commune:

- people reached: the roster's participants plus the counts recorded without a roster, by sex and category;
- journalists and civil-society members trained: the same, for trainings of journalists or of civil-society
  members, police officers left out;
- joint workshops held with both sides present: joint police–population workshops with at least one police
  officer and at least one other participant (on the roster or counted);
- knowledge gain of the people trained: the mean of post- minus pre-questionnaire score over the participants of
  those trainings with both scores.
"""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, select, union_all

from cpms.indicators.registry import DrillDown, computed_indicator, drilldown_for
from cpms.outreach.labels import CATEGORY_LABELS, KIND_LABELS
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


@computed_indicator("outreach_knowledge_gain", label=_l("Mean knowledge gain of journalists and civil-society members "
                                                        "trained (points)"),
                    unit="number", aggregation="ratio", dimensions=("province", "commune", "sex", "outreach_category"),
                    dated_by=_l("The activity's first day."), place=_l("The activity's commune."),
                    description=_l("Mean of the post-questionnaire minus the pre-questionnaire score, in points, over "
                                   "the participants with both scores in the programme's trainings of journalists "
                                   "and of civil-society members."))
def knowledge_gain(ctx, start, end):
    def build():
        key = ctx.category({**AREA, "sex": OutreachParticipant.sex, "outreach_category": OutreachParticipant.category})
        gain = func.avg(OutreachParticipant.post_score - OutreachParticipant.pre_score)
        return ctx.grouped(select(key, gain).select_from(OutreachParticipant)
                           .join(OutreachActivity, OutreachActivity.id == OutreachParticipant.activity_id)
                           .where(OutreachActivity.programme_id == ctx.programme_id,
                                  OutreachActivity.kind.in_(TRAININGS), OutreachParticipant.pre_score.is_not(None),
                                  OutreachParticipant.post_score.is_not(None),
                                  ctx.in_area(OutreachActivity.province_id, OutreachActivity.commune_id)), key)
    return ctx.statement("outreach_knowledge_gain", build).where(OutreachActivity.start_date >= start,
                                                                 OutreachActivity.start_date <= end)


# --- drill-downs: the activities behind a figure, with their people of the asked category ------------------------

def _activity_rows(ctx, start, end, category, *conditions, with_police=True):
    people = _people()
    columns = {**AREA, "sex": people.c.sex, "outreach_category": people.c.category}
    if not with_police:
        conditions += (people.c.category != "police",)
    stmt = (select(OutreachActivity, func.sum(people.c.people)).join(people, people.c.activity_id == OutreachActivity.id)
            .where(OutreachActivity.programme_id == ctx.programme_id, OutreachActivity.start_date >= start,
                   OutreachActivity.start_date <= end,
                   ctx.in_area(OutreachActivity.province_id, OutreachActivity.commune_id),
                   ctx.matches(columns, category), *conditions)
            .group_by(OutreachActivity.id).order_by(OutreachActivity.start_date, OutreachActivity.id))
    return DrillDown(stmt, [_("Activity"), _("Kind"), _("Commune"), _("First day"), _("People")],
                     lambda r: [(r[0].title, url_for("outreach.activity_detail", activity_id=r[0].id)),
                                str(KIND_LABELS[r[0].kind]), r[0].commune.name, r[0].start_date.isoformat(),
                                int(r[1] or 0)], scalars=False)


@drilldown_for("outreach_people_reached")
def people_reached_records(ctx, start, end, category):
    return _activity_rows(ctx, start, end, category)


@drilldown_for("outreach_people_trained")
def people_trained_records(ctx, start, end, category):
    return _activity_rows(ctx, start, end, category, OutreachActivity.kind.in_(TRAININGS), with_police=False)


@drilldown_for("outreach_joint_workshops")
def joint_workshop_records(ctx, start, end, category):
    both = _both_sides()
    return _activity_rows(ctx, start, end, category, OutreachActivity.kind == "joint_workshop",
                          OutreachActivity.id.in_(select(both.c.activity_id)))
