"""What surveys contribute to data protection: the retirement of free-text answers."""
import sqlalchemy as sa

from cpms.privacy.service.retention import anonymise
from cpms.surveys.models import SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyRound


def retire_survey_text(before):
    """Erase the free-text answers of rounds that ended before `before`."""
    old_text = (sa.select(SurveyAnswer.id).join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
                .join(SurveyRound, SurveyRound.id == SurveyResponse.round_id)
                .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
                .where(SurveyQuestion.type == "text", SurveyAnswer.value_text.is_not(None),
                       sa.func.coalesce(SurveyRound.end_date, SurveyRound.start_date) < before.date()))
    return anonymise(SurveyAnswer.__table__, SurveyAnswer.id.in_(old_text), "survey")
