"""Perception-survey rounds about to start collecting, with no data yet."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from cpms.extensions import db
from cpms.notifications.registry import Reminder, reminder_kind
from cpms.surveys.models import SurveyResponse, SurveyRound

ME_OFFICERS = {"me_officer"}


@reminder_kind("survey_round_due", label=_l("Survey round due"), roles=ME_OFFICERS, days_before=14,
               description=_l("To the M&E officers of the round's communes, some days before a round starts, "
                              "while it has no responses."))
def survey_rounds_due(ctx):
    has_data = exists().where(SurveyResponse.round_id == SurveyRound.id, SurveyResponse.visible())
    rounds = db.session.scalars(select(SurveyRound).where(
        SurveyRound.start_date.between(ctx.today, ctx.today + timedelta(days=ctx.days_before)), ~has_data)
        .order_by(SurveyRound.start_date, SurveyRound.id)).all()
    for survey_round in rounds:
        recipients = {}
        for commune in survey_round.communes:
            for user in ctx.staff_covering(ME_OFFICERS, commune.province_id, commune.id):
                recipients[user.id] = user
        yield Reminder(object_key=f"survey_round:{survey_round.id}", due_on=survey_round.start_date,
                       recipients=list(recipients.values()),
                       link=("surveys.round_detail", {"round_id": survey_round.id}),
                       context={"round": survey_round.name, "programme": survey_round.programme.code,
                                "start_on": survey_round.start_date, "communes": len(survey_round.communes)})
