"""Results of survey rounds: estimates with 95 % intervals per measure, by sex, age group and commune,
and the change from an earlier round. All sums come from GROUP BY queries (a fixed number per measure)."""
from dataclasses import dataclass, field

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.surveys.models import SurveyAnswer, SurveyChoice, SurveyQuestion, SurveyResponse
from cpms.surveys.service.instruments import instrument_measures
from cpms.surveys.service.stats import MIN_CELL, Estimate, compare, mean_estimate, share_estimate

DIMENSIONS = ("overall", "commune", "sex", "age_group")
DIMENSION_LABELS = {"overall": _l("All respondents"), "commune": _l("By commune"), "sex": _l("By sex"),
                    "age_group": _l("By age group")}


@dataclass
class Cell:
    key: object
    label: str
    later: Estimate | None = None
    earlier: Estimate | None = None
    change: object = None


@dataclass
class MeasureResult:
    measure: object
    breakdowns: dict = field(default_factory=dict)  # dimension → [Cell]

    @property
    def overall(self):
        return self.breakdowns["overall"][0]


def _x(measure):
    """The analysed value of one answer row: 1/0 for shares and rates, the number for means."""
    if measure.kind == "mean":
        return SurveyAnswer.value_number
    return case((SurveyAnswer.value_text.in_(measure.value_list), 1.0), else_=0.0)


def _per_response(measure):
    """One row per response with a valid answer (rid, x); needed when a response may have several answer rows."""
    answer = SurveyAnswer
    x = func.avg(answer.value_number) if measure.kind == "mean" else func.max(_x(measure))
    return select(answer.response_id.label("rid"), x.label("x")).where(*_valid(measure)) \
        .group_by(answer.response_id).subquery()


def _valid(measure):
    conditions = [SurveyAnswer.question_id == measure.question_id]
    if measure.excluded_list:
        conditions.append(SurveyAnswer.value_text.not_in(measure.excluded_list))
    if measure.kind == "mean":
        conditions.append(SurveyAnswer.value_number.is_not(None))
    return conditions


def _cell_sums(measure, round_ids):
    """One GROUP BY query: {(round_id, sex, age_group, commune_id): [n, Σw, Σw², Σwx, Σwx²]}.

    The cells are few (rounds × sexes × age groups × communes) and the sums are additive, so every
    breakdown is rolled up from them without another pass over the answers.
    """
    response = SurveyResponse
    if measure.question.type == "select_multiple":
        per = _per_response(measure)
        x, source = per.c.x, select().select_from(response).join(per, per.c.rid == response.id)
        conditions = []
    else:  # at most one answer row per response: no per-response subquery needed
        x = _x(measure)
        source = select().select_from(SurveyAnswer).join(response, response.id == SurveyAnswer.response_id)
        conditions = _valid(measure)
    weight = response.weight
    keys = [response.round_id, response.sex, response.age_group, response.commune_id]
    stmt = source.add_columns(*keys, func.count(), func.sum(weight), func.sum(weight * weight), func.sum(weight * x),
                              func.sum(weight * x * x)) \
        .where(response.round_id.in_(round_ids), response.visible(), *conditions).group_by(*keys)
    return {tuple(row[:4]): [float(v or 0) for v in row[4:]] for row in db.session.execute(stmt)}


def _sums(cells, dimension, allowed_communes):
    """{(round_id, group): sums} for one breakdown, rolled up from the cells."""
    position = {"overall": None, "sex": 1, "age_group": 2, "commune": 3}[dimension]
    sums = {}
    for key, values in cells.items():
        group = key[position] if position is not None else None
        if position is not None and group is None:
            continue
        if dimension == "commune" and group not in allowed_communes:
            continue
        total = sums.setdefault((key[0], group), [0.0] * 5)
        for i, value in enumerate(values):
            total[i] += value
    return sums


def _estimate(measure, sums, suppress):
    if sums is None:
        return None
    n, sum_w, sum_w2, sum_wx, sum_wx2 = sums
    n = int(n)
    estimate = mean_estimate(n, sum_w, sum_w2, sum_wx, sum_wx2) if measure.kind == "mean" \
        else share_estimate(n, sum_w, sum_w2, sum_wx)
    if suppress and n < MIN_CELL:
        return estimate.hidden()
    return estimate


def _group_labels(survey_round, locale):
    labels = {"commune": {c.id: c.name for c in db.session.scalars(select(Commune).where(
        Commune.id.in_(sorted(survey_round.commune_ids))))}}
    questions = {q.name: q.list_name for q in db.session.scalars(select(SurveyQuestion).where(
        SurveyQuestion.instrument_id == survey_round.instrument_id))}
    choices = {}
    for choice in db.session.scalars(select(SurveyChoice).where(SurveyChoice.instrument_id == survey_round.instrument_id)):
        choices[(choice.list_name, choice.name)] = choice.label(locale)
    for dimension, question in (("sex", survey_round.sex_question), ("age_group", survey_round.age_question)):
        list_name = questions.get(question)
        labels[dimension] = {name: label for (ln, name), label in choices.items() if ln == list_name}
    return labels


def round_results(survey_round, scope, earlier_round=None, suppress=False):
    """[MeasureResult] for a round, compared with `earlier_round` when given."""
    locale = get_locale()
    measures = instrument_measures(survey_round.instrument_id)
    round_ids = [survey_round.id] + ([earlier_round.id] if earlier_round is not None else [])
    labels = _group_labels(survey_round, locale)
    allowed = {commune_id for commune_id, province_id in db.session.execute(
        select(Commune.id, Commune.province_id).where(scope.filter(Commune.province_id, Commune.id)))}
    results = []
    for measure in measures:
        result = MeasureResult(measure)
        cell_sums = _cell_sums(measure, round_ids)
        for dimension in DIMENSIONS:
            sums = _sums(cell_sums, dimension, allowed)
            keys = sorted({key for _round_id, key in sums}, key=lambda k: str(labels.get(dimension, {}).get(k, k)))
            cells = []
            for key in keys:
                label = DIMENSION_LABELS["overall"] if dimension == "overall" else labels.get(dimension, {}).get(key, key)
                cell = Cell(key, str(label), later=_estimate(measure, sums.get((survey_round.id, key)), suppress))
                if earlier_round is not None:
                    cell.earlier = _estimate(measure, sums.get((earlier_round.id, key)), suppress)
                    cell.change = compare(cell.earlier, cell.later, measure.kind)
                cells.append(cell)
            if dimension == "overall" and not cells:
                cells = [Cell(None, str(DIMENSION_LABELS["overall"]))]
            result.breakdowns[dimension] = cells
        results.append(result)
    return results


def comparable_rounds(survey_round, scope):
    from cpms.surveys.service.instruments import visible_rounds
    return [r for r in db.session.scalars(visible_rounds(scope, survey_round.instrument_id)) if r.id != survey_round.id]


def default_earlier_round(survey_round, candidates):
    earlier = [r for r in candidates if r.start_date < survey_round.start_date]
    return max(earlier, key=lambda r: r.start_date) if earlier else None


# --- Formatting ----------------------------------------------------------------------------

def format_value(kind, value):
    if value is None:
        return ""
    if kind == "mean":
        return format_decimal(value, "0.00")
    return format_decimal(value * 100, "0.0") + " %"


def format_difference(kind, value):
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    if kind == "mean":
        return sign + format_decimal(abs(value), "0.00")
    return _("%(sign)s%(value)s pts", sign=sign, value=format_decimal(abs(value) * 100, "0.0"))


def format_relative(value):
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + format_decimal(abs(value) * 100, "0.0") + " %"


def format_p(value):
    if value is None:
        return ""
    if value < 0.001:
        return "p < " + format_decimal(0.001, "0.000")
    return "p = " + format_decimal(value, "0.000")


# --- Charts --------------------------------------------------------------------------------

def chart(measure, cells, earlier_name, later_name):
    """Geometry of a horizontal bar chart with 95 % interval whiskers (rendered as SVG by the template)."""
    width, left, bar, gap = 640, 170, 14, 10
    plot = width - left - 60
    values = [e.high if e.high is not None else e.value for c in cells for e in (c.earlier, c.later)
              if e is not None and e.value is not None]
    top = 1.0 if measure.kind != "mean" else max(values + [1.0]) * 1.1
    rows, y = [], 10
    for cell in cells:
        bars = []
        for css, estimate, name in (("earlier", cell.earlier, earlier_name), ("later", cell.later, later_name)):
            if estimate is None:
                continue
            scale = (lambda v: left + max(0.0, min(v, top)) / top * plot)
            item = {"css": css, "y": y, "height": bar, "name": name, "suppressed": estimate.value is None}
            if estimate.value is not None:
                item.update(x=left, width=scale(estimate.value) - left, text=format_value(measure.kind, estimate.value),
                            text_x=scale(estimate.high if estimate.high is not None else estimate.value) + 4)
                if estimate.low is not None:
                    item.update(low=scale(estimate.low), high=scale(estimate.high))
            bars.append(item)
            y += bar + 2
        rows.append({"label": cell.label, "label_y": y - bar, "bars": bars})
        y += gap
    legend = [{"css": css, "name": name} for css, name in (("earlier", earlier_name), ("later", later_name)) if name]
    return {"width": width, "height": y + 44, "left": left, "axis_y": y, "right": left + plot, "rows": rows,
            "top_label": format_value(measure.kind, top), "legend": legend, "legend_y": y + 26}


# --- Exports -------------------------------------------------------------------------------

def _p_cells(change):
    """The p-value as the page shows it ("p < 0.001") and, in its own column, unrounded."""
    if change is None or change.p_value is None:
        return [None, None]
    return [format_p(change.p_value), change.p_value]


def export_table(survey_round, results, earlier_round):
    """(header, rows) of the results; cells with fewer than MIN_CELL answers are already suppressed."""
    locale = get_locale()
    header = [_("Measure"), _("Breakdown"), _("Group"), _("Round"), _("Valid answers"), _("Estimate"),
              _("95 % CI low"), _("95 % CI high"), _("Change"), _("Relative change"), _("p-value"),
              _("Exact p-value")]
    rows = []
    for result in results:
        measure = result.measure
        scale = 1 if measure.kind == "mean" else 100
        for dimension in DIMENSIONS:
            for cell in result.breakdowns[dimension]:
                for estimate, target in ((cell.earlier, earlier_round), (cell.later, survey_round)):
                    if target is None or estimate is None:
                        continue
                    number = lambda v: None if v is None else round(v * scale, 2)
                    change = cell.change if target is survey_round else None
                    rows.append([measure.name(locale), str(DIMENSION_LABELS[dimension]), cell.label, target.name,
                                 estimate.n, number(estimate.value) if not estimate.suppressed else _("suppressed"),
                                 number(estimate.low), number(estimate.high),
                                 number(change.difference) if change else None,
                                 round(change.relative * 100, 1) if change and change.relative is not None else None,
                                 *_p_cells(change)])
    return header, rows


def results_json(survey_round, results, earlier_round):
    def estimate_json(estimate):
        if estimate is None:
            return None
        return {"n": estimate.n, "estimate": estimate.value, "ci_low": estimate.low, "ci_high": estimate.high,
                "suppressed": estimate.suppressed}

    return {"round": {"id": survey_round.id, "name": survey_round.name, "kind": survey_round.kind},
            "compared_with": {"id": earlier_round.id, "name": earlier_round.name} if earlier_round else None,
            "measures": [{"id": r.measure.id, "name_en": r.measure.name_en, "name_fr": r.measure.name_fr,
                          "kind": r.measure.kind, "higher_is_better": r.measure.higher_is_better,
                          "breakdowns": {dimension: [
                              {"kind": dimension, "code": "all" if dimension == "overall" else str(cell.key),
                               "label": cell.label, "group": cell.label, "estimate": estimate_json(cell.later),
                               "earlier": estimate_json(cell.earlier),
                               "change": None if cell.change is None else {
                                   "difference": cell.change.difference, "relative": cell.change.relative,
                                   "p_value": cell.change.p_value}}
                              for cell in cells] for dimension, cells in r.breakdowns.items()}}
                         for r in results]}
