"""Survey indicators: trust in the police, perceived insecurity, opinion of police work, victimisation.

Each reads the latest survey round of the programme whose date (end date, or start date while open) falls in the
period, and the measure defined on the question named by the indicator's parameter (the XLSForm name, e.g.
`trust_police`) in that round's questionnaire. Estimates are those of the survey results page
(cpms/surveys/service/results.py and stats.py: weighted shares and means from one GROUP BY per measure). Shares and rates
are given in %. Cells with fewer than MIN_CELL answers are left empty, as on the survey pages. The baseline is
the same measure in the programme's baseline round.
"""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import lazyload

from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.indicators.registry import DrillDown, baseline_for, computed_indicator, drilldown_for
from cpms.surveys.models import SurveyMeasure, SurveyQuestion, SurveyResponse, SurveyRound
from cpms.surveys.service.results import _cell_sums
from cpms.surveys.service.stats import MIN_CELL, mean_estimate, share_estimate

SURVEY_DIMENSIONS = ("sex", "province", "commune", "age_group")
FEMALE = {"f", "female", "femme", "woman", "women", "feminin", "féminin"}
MALE = {"m", "male", "homme", "man", "men", "masculin"}


def round_date(survey_round):
    return survey_round.end_date or survey_round.start_date


def _sex(value):
    text = (value or "").strip().lower()
    return "F" if text in FEMALE else ("M" if text in MALE else value)


def _rounds(ctx):
    """[(round, measure)] of the programme, by date, for the question named by the parameter (one query, shared by
    the disaggregations computed together)."""
    return ctx.shared("survey_rounds", lambda: _read_rounds(ctx))


def _read_rounds(ctx):
    # the rounds' dates and kinds only: not their communes and programme (two more statements per indicator)
    rows = db.session.execute(
        select(SurveyRound, SurveyMeasure).join(SurveyMeasure, SurveyMeasure.instrument_id == SurveyRound.instrument_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyMeasure.question_id)
        .where(SurveyRound.programme_id == ctx.programme_id, SurveyQuestion.name == ctx.param)
        .order_by(SurveyRound.start_date, SurveyRound.id, SurveyMeasure.id)
        .options(lazyload(SurveyRound.communes), lazyload(SurveyRound.programme))).all()
    first = {}
    for survey_round, measure in rows:
        first.setdefault(survey_round.id, (survey_round, measure))
    return sorted(first.values(), key=lambda pair: (round_date(pair[0]), pair[0].id))


def latest_round_in(rounds, start, end):
    inside = [pair for pair in rounds if start <= round_date(pair[0]) <= end]
    return inside[-1] if inside else None


def baseline_round(rounds):
    baselines = [pair for pair in rounds if pair[0].kind == "baseline"]
    return baselines[0] if baselines else None


def _allowed_communes(ctx):
    """{commune id: province id} in the area, or None when the area is the whole country."""
    if ctx.scope.is_national and ctx.province_id is None and ctx.commune_id is None:
        return None
    return dict(db.session.execute(select(Commune.id, Commune.province_id)
                                   .where(ctx.in_area(Commune.province_id, Commune.id))).all())


def _estimate(measure, sums):
    n, sum_w, sum_w2, sum_wx, sum_wx2 = sums
    if n < MIN_CELL:
        return None
    if measure.kind == "mean":
        return mean_estimate(int(n), sum_w, sum_w2, sum_wx, sum_wx2).value
    value = share_estimate(int(n), sum_w, sum_w2, sum_wx).value
    return None if value is None else value * 100


def _values(ctx, chosen):  # noqa: C901
    """{(tag, category): value} for chosen = {tag: (round, measure)} – one GROUP BY query per measure."""
    allowed = ctx.shared("survey_communes", lambda: _allowed_communes(ctx))
    provinces = allowed if allowed is not None else None
    if provinces is None and ctx.dimension == "province":
        provinces = ctx.shared("survey_provinces", lambda: dict(db.session.execute(
            select(Commune.id, Commune.province_id)).all()))
    by_measure = {}
    for tag, (survey_round, measure) in chosen.items():
        by_measure.setdefault(measure.id, (measure, {}))[1].setdefault(survey_round.id, []).append(tag)
    result = {}
    for measure, tags_by_round in by_measure.values():
        round_ids = sorted(tags_by_round)
        # the same cells serve every disaggregation: read once per computation
        cells = ctx.shared(f"survey_cells:{measure.id}:{round_ids}", lambda: _cell_sums(measure, round_ids))
        totals = {}
        for (round_id, sex, age_group, commune_id), sums in cells.items():
            if allowed is not None and commune_id not in allowed:
                continue
            categories = [None]
            if ctx.dimension == "sex" and sex is not None:
                categories.append(_sex(sex))
            elif ctx.dimension == "age_group" and age_group is not None:
                categories.append(age_group)
            elif ctx.dimension == "commune" and commune_id is not None:
                categories.append(str(commune_id))
            elif ctx.dimension == "province" and commune_id is not None and commune_id in provinces:
                categories.append(str(provinces[commune_id]))
            for category in categories:
                total = totals.setdefault((round_id, category), [0.0] * 5)
                for i, value in enumerate(sums):
                    total[i] += value
        for (round_id, category), sums in totals.items():
            for tag in tags_by_round[round_id]:
                result[(tag, category)] = _estimate(measure, sums)
    return result


def survey_values(ctx, periods):
    rounds = _rounds(ctx)
    chosen = {i: pair for i, period in enumerate(periods)
              if (pair := latest_round_in(rounds, period.start, period.end)) is not None}
    baseline = baseline_round(rounds)
    if baseline is not None:
        chosen["baseline"] = baseline
    return _values(ctx, chosen)


def _register(code, label, question, direction, description):
    computed_indicator(code, label=label, unit="percentage", aggregation="latest", direction=direction,
                       dated_by=_l("The survey round's end date (its start date while it is open): the latest round "
                                   "of the period."),
                       place=_l("The respondent's commune (where the interview took place)."),
                       dimensions=SURVEY_DIMENSIONS, per_period=False, param_label=_l("Survey question (XLSForm name)"),
                       default_param=question, description=description)(survey_values)

    @drilldown_for(code)
    def rounds_behind(ctx, start, end, category):
        pair = latest_round_in(_rounds(ctx), start, end)
        round_id = pair[0].id if pair else -1
        stmt = (select(SurveyRound, func.count(SurveyResponse.id)).outerjoin(SurveyResponse, and_(
            SurveyResponse.round_id == SurveyRound.id, SurveyResponse.visible()))
                .where(SurveyRound.id == round_id).group_by(SurveyRound.id))
        return DrillDown(stmt, [_("Survey round"), _("Kind"), _("Dates"), _("Responses")],
                         lambda r: [(r[0].name, url_for("surveys.round_results", round_id=r[0].id)), r[0].kind,
                                    f"{r[0].start_date.isoformat()} – {(r[0].end_date or r[0].start_date).isoformat()}",
                                    r[1]], scalars=False,
                         note=_("The figure is the latest round of the period; its results page has every breakdown."))

    @baseline_for(code)
    def baseline_value(ctx):
        pair = baseline_round(_rounds(ctx))
        return {} if pair is None else {category: value for (tag, category), value in
                                        _values(ctx, {"baseline": pair}).items()}


_register("survey_trust", _l("Residents who trust the police (survey)"), "trust_police", "higher",
          _l("Share of respondents who agree that they trust the police, in the latest survey round of the period."))
_register("survey_insecurity", _l("Residents who feel unsafe at night (survey)"), "unsafe_night", "lower",
          _l("Share of respondents who feel unsafe in their quartier at night."))
_register("survey_opinion", _l("Residents with a good opinion of police work (survey)"), "police_work", "higher",
          _l("Share of respondents who rate the work of the police good or very good."))
_register("survey_victimisation", _l("Households victim of a crime in the last 12 months (survey)"), "victim_12m",
          "lower", _l("Share of households where someone was a victim of a crime in the last 12 months."))
