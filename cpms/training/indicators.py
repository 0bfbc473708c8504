"""Training indicators: officers enrolled and completing, completion rate, mean knowledge gain.

Enrolments count in the area and the province/commune breakdowns where their cohort was trained (the training
venue's commune); the breakdowns "home_province"/"home_commune" place them in the officer's own commune (the
trainee record's), for the same figures. Completion
follows cpms/training/service/attendance.py `cohort_completion`: not withdrawn, attendance rate (present + late over
present + late + absent, sessions held while enrolled) at or above the course threshold, final score at or above
the pass mark, and approved, unexpired human-rights vetting where the programme requires it. Completion is
counted in the period in which the cohort ends.
"""
from datetime import date

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Numeric, and_, case, cast, distinct, func, or_, select
from sqlalchemy.orm import aliased

from cpms.extensions import db
from cpms.indicators.registry import DrillDown, computed_indicator, drilldown_for, grouped_for, rank_name
from cpms.programmes.models import Programme
from cpms.training.forms import COURSE_TYPE_LABELS, SPECIALTY_LABELS
from cpms.training.models import Attendance, Cohort, Course, Enrolment, Rank, Trainee, TrainingSession, Vetting

TRAINING_DIMENSIONS = ("sex", "province", "commune", "home_commune", "course_type", "rank", "specialty")
# which commune a training figure counts an officer in (the rule book's "place" column)
TRAINING_PLACE = _l("The training venue's commune (the cohort's) for the area and the commune breakdown; the "
                    "breakdown by the officer's home commune (the trainee record's) gives the other view.")


def training_columns():
    return {"sex": Trainee.sex, "province": Cohort.province_id, "commune": Cohort.commune_id,
            "home_commune": Trainee.commune_id, "course_type": Course.course_type, "rank": Trainee.rank_id,
            "specialty": Trainee.specialty}


def _enrolments(*columns):
    return (select(*columns).select_from(Enrolment).join(Cohort, Cohort.id == Enrolment.cohort_id)
            .join(Course, Course.id == Cohort.course_id).join(Trainee, Trainee.id == Enrolment.trainee_id))


def _ended_in(ctx, start, end):
    return and_(_of_programme(ctx), _ending(start, end))


def _of_programme(ctx):
    return and_(Cohort.programme_id == ctx.programme_id, Cohort.status != "cancelled",
                ctx.in_area(Cohort.province_id, Cohort.commune_id))


def _ending(start, end):
    return and_(Cohort.end_date >= start, Cohort.end_date <= end)


def _attendance(ctx, start, end):
    """Attended and counted marks per enrolment (not withdrawn) of the programme's cohorts ending in the computed
    periods: one GROUP BY, shared by the statements of every period."""
    today = ctx.today or date.today()
    first, last = ctx.span or (start, end)

    def build():
        # from the cohorts to their sessions and each session's marks (one range of the attendances' key), then
        # the enrolment of each mark: about half the work of looking each mark up from its enrolment and session.
        # A mark counts only for a session of the enrolment's own cohort, checked inside the sums rather than in
        # the join: there SQLite took it for a way in through the enrolments' index (back to the slower order)
        # and PostgreSQL misjudged the join's size (sorting the marks on disk instead of hashing them); an
        # enrolment whose marks all lie elsewhere has nothing counted, so it does not complete, as before.
        own = Enrolment.cohort_id == TrainingSession.cohort_id
        attended = func.sum(case((and_(own, Attendance.status.in_(("present", "late"))), 1), else_=0))
        counted = func.sum(case((and_(own, Attendance.status.in_(("present", "late", "absent"))), 1), else_=0))
        return (select(Enrolment.id.label("enrolment_id"), attended.label("attended"), counted.label("counted"))
                .select_from(Cohort)
                .join(TrainingSession, and_(TrainingSession.cohort_id == Cohort.id,
                                            TrainingSession.is_cancelled.is_(False),
                                            TrainingSession.session_date <= today))
                .join(Attendance, Attendance.session_id == TrainingSession.id)
                # a withdrawn enrolment does not complete: its marks are not needed
                .join(Enrolment, and_(Enrolment.id == Attendance.enrolment_id, Enrolment.withdrawn_on.is_(None),
                                      TrainingSession.session_date >= Enrolment.enrolled_on))
                .where(Cohort.programme_id == ctx.programme_id, Cohort.end_date >= first, Cohort.end_date <= last)
                .group_by(Enrolment.id).cte("enrolment_marks"))
    return ctx.shared("enrolment_marks", build)


def _completion(ctx, start, end, stmt):
    """Join what completion needs to an enrolment statement; returns (statement, completed condition)."""
    marks = _attendance(ctx, start, end)
    # the officer's latest vetting looked up for each enrolment (one step down an index), not grouped for every
    # officer in the country first
    newer = aliased(Vetting, name="newer_vetting")
    latest = select(func.max(newer.id)).where(newer.trainee_id == Enrolment.trainee_id).scalar_subquery()
    rate = func.round(cast(100.0 * marks.c.attended / func.nullif(marks.c.counted, 0), Numeric), 1)
    stmt = (stmt.join(Programme, Programme.id == Cohort.programme_id)
            .outerjoin(marks, marks.c.enrolment_id == Enrolment.id)
            .outerjoin(Vetting, Vetting.id == latest))
    vetted = or_(Programme.requires_vetting.is_(False),
                 and_(Vetting.status == "approved", or_(Vetting.expires_on.is_(None),
                                                        Vetting.expires_on >= Cohort.start_date)))
    completed = and_(Enrolment.withdrawn_on.is_(None), marks.c.counted > 0, rate >= Course.attendance_threshold,
                     Enrolment.final_score.is_not(None), Enrolment.final_score >= Course.pass_mark, vetted)
    return stmt, completed


@computed_indicator("officers_enrolled", label=_l("Officers enrolled in training"), unit="count",
                    aggregation="distinct", dated_by=_l("The enrolment date."), place=TRAINING_PLACE,
                    dimensions=TRAINING_DIMENSIONS,
                    description=_l("Distinct officers enrolled in a cohort of the programme during the period."))
def officers_enrolled(ctx, start, end):
    def build():
        key = ctx.category(training_columns())
        return ctx.grouped(_enrolments(key, func.count(distinct(Enrolment.trainee_id)))
                           .where(Cohort.programme_id == ctx.programme_id, Cohort.status != "cancelled",
                                  ctx.in_area(Cohort.province_id, Cohort.commune_id)), key)
    return ctx.statement("officers_enrolled", build).where(Enrolment.enrolled_on >= start,
                                                           Enrolment.enrolled_on <= end)


@computed_indicator("officers_completed", label=_l("Officers completing training"), unit="count",
                    aggregation="distinct", dated_by=_l("The cohort's end date."), place=TRAINING_PLACE,
                    dimensions=TRAINING_DIMENSIONS,
                    description=_l("Distinct officers who completed a cohort ending in the period (attendance, "
                                   "final score and vetting as on the cohort's close-out page)."))
def officers_completed(ctx, start, end):
    def build():
        key = ctx.category(training_columns())
        stmt, completed = _completion(ctx, start, end, _enrolments(key, func.count(distinct(Enrolment.trainee_id))))
        return ctx.grouped(stmt.where(_of_programme(ctx), completed), key)
    return ctx.statement("officers_completed", build).where(_ending(start, end))


@computed_indicator("completion_rate", label=_l("Training completion rate"), unit="percentage",
                    aggregation="ratio", dated_by=_l("The cohort's end date."), place=TRAINING_PLACE,
                    dimensions=TRAINING_DIMENSIONS,
                    description=_l("Enrolments that completed, as a share of all enrolments of the cohorts ending in "
                                   "the period (withdrawals included)."))
def completion_rate(ctx, start, end):
    def build():
        key = ctx.category(training_columns())
        stmt, completed = _completion(ctx, start, end, _enrolments(key))
        share = 100.0 * func.sum(case((completed, 1), else_=0)) / func.nullif(func.count(Enrolment.id), 0)
        return ctx.grouped(stmt.add_columns(share).where(_of_programme(ctx)), key)
    return ctx.statement("completion_rate", build).where(_ending(start, end))


@computed_indicator("knowledge_gain", label=_l("Mean knowledge gain (post-test − pre-test)"), unit="number",
                    aggregation="ratio", dated_by=_l("The cohort's end date."), place=TRAINING_PLACE,
                    dimensions=TRAINING_DIMENSIONS,
                    description=_l("Mean of post-test minus pre-test score, in points, over the officers with both "
                                   "scores in the cohorts ending in the period."))
def knowledge_gain(ctx, start, end):
    def build():
        key = ctx.category(training_columns())
        gain = func.avg(Enrolment.post_score - Enrolment.pre_score)
        return ctx.grouped(_enrolments(key, gain).where(_of_programme(ctx), Enrolment.pre_score.is_not(None),
                                                        Enrolment.post_score.is_not(None)), key)
    return ctx.statement("knowledge_gain", build).where(_ending(start, end))


# --- grouped forms: completion decided once per enrolment, then counted in every period --------------------------

def _decided(ctx):
    """Each enrolment of the programme's cohorts ending in the computed periods, with its category, trainee, the
    cohort's end date and whether it completed (1 or 0): decided once for all the periods (ctx.span), and once for
    both completion indicators when they are asked together (a CTE of their family's statement)."""
    first, last = ctx.span

    def build():
        key = ctx.category(training_columns())
        stmt, completed = _completion(ctx, first, last, _enrolments(
            key, Enrolment.trainee_id.label("trainee_id"), Cohort.end_date.label("end_date")))
        return (stmt.add_columns(case((completed, 1), else_=0).label("done"))
                .where(_of_programme(ctx), _ending(first, last))
                .cte(f"decided_{ctx.dimension}" if ctx.dimension else "decided"))
    return ctx.statement("decided", build)


def _by_period(ctx, periods, decided, value, *conditions):
    """value per period (and category): every period has its row, an empty one too (as a count without rows)."""
    return (select(decided.c.category, value, periods.c.idx).select_from(periods)
            .outerjoin(decided, and_(decided.c.end_date >= periods.c.start, decided.c.end_date <= periods.c.end,
                                     *conditions))
            .group_by(periods.c.idx, decided.c.category))


@grouped_for("officers_completed", family="completion")
def officers_completed_grouped(ctx, periods):
    decided = _decided(ctx)  # only the completed count (a category without any has no figure, as before)
    return _by_period(ctx, periods, decided, func.count(distinct(decided.c.trainee_id)), decided.c.done == 1)


@grouped_for("completion_rate", family="completion")
def completion_rate_grouped(ctx, periods):
    decided = _decided(ctx)
    return _by_period(ctx, periods, decided,
                      100.0 * func.sum(decided.c.done) / func.nullif(func.count(decided.c.trainee_id), 0))


# --- drill-downs: the enrolments behind a figure ----------------------------------------------------------

def _enrolment_rows(stmt, extra_heading=None, extra=None):
    def row(record):
        enrolment, trainee, cohort = record
        cells = [(trainee.full_name, url_for("training.trainee_detail", trainee_id=trainee.id)), trainee.matricule,
                 trainee.sex, rank_name(trainee.rank),
                 (cohort.name, url_for("training.cohort_detail", cohort_id=cohort.id)),
                 enrolment.enrolled_on.isoformat(), cohort.end_date.isoformat()]
        # bandit B610 (Django's QuerySet.extra) mistakes our local function `extra` for it
        return cells + ([extra(enrolment)] if extra else [])  # nosec B610

    headings = [_("Officer"), _("Matricule"), _("Sex"), _("Rank"), _("Cohort"), _("Enrolled on"), _("Cohort ends")]
    return DrillDown(stmt.order_by(Trainee.last_name, Trainee.first_name, Enrolment.id),
                     headings + ([extra_heading] if extra_heading else []), row, personal=True, scalars=False)


def _records():
    return _enrolments(Enrolment, Trainee, Cohort)


@drilldown_for("officers_enrolled")
def enrolled_records(ctx, start, end, category):
    return _enrolment_rows(_records().where(
        Cohort.programme_id == ctx.programme_id, Cohort.status != "cancelled", Enrolment.enrolled_on >= start,
        Enrolment.enrolled_on <= end, ctx.in_area(Cohort.province_id, Cohort.commune_id),
        ctx.matches(training_columns(), category)))


@drilldown_for("officers_completed")
def completed_records(ctx, start, end, category):
    stmt, completed = _completion(ctx, start, end, _records())
    return _enrolment_rows(stmt.where(_ended_in(ctx, start, end), completed, ctx.matches(training_columns(), category)))


@drilldown_for("completion_rate")
def completion_records(ctx, start, end, category):
    stmt, completed = _completion(ctx, start, end, _records())
    stmt = stmt.add_columns(case((completed, True), else_=False))

    def row(record):
        enrolment, trainee, cohort, is_completed = record
        return base.row((enrolment, trainee, cohort)) + [_("completed") if is_completed else _("not completed")]

    base = _enrolment_rows(stmt.where(_ended_in(ctx, start, end), ctx.matches(training_columns(), category)))
    return DrillDown(base.stmt, base.headings + [_("Completion")], row, personal=True, scalars=False)


@drilldown_for("knowledge_gain")
def gain_records(ctx, start, end, category):
    return _enrolment_rows(
        _records().where(_ended_in(ctx, start, end), Enrolment.pre_score.is_not(None), Enrolment.post_score.is_not(None),
                         ctx.matches(training_columns(), category)),
        _("Gain (points)"), lambda e: round(e.post_score - e.pre_score, 1))



# --- the disaggregations training owns (declared in cpms/training/__init__.py) ------------------------------------

def home_commune_labels(keys):
    """The officers' home communes are keyed by their id (one query)."""
    from cpms.geo.models import Commune
    ids = [int(key) for key in keys if str(key).isdigit()]
    if not ids:
        return {}
    names = {str(i): name for i, name in db.session.execute(select(Commune.id, Commune.name).where(Commune.id.in_(ids)))}
    return {key: names[str(key)] for key in keys if str(key) in names}


def course_type_labels(keys):
    return {key: str(COURSE_TYPE_LABELS[key]) for key in keys if key in COURSE_TYPE_LABELS}


def course_type_categories():
    return [(key, str(label)) for key, label in COURSE_TYPE_LABELS.items()]


def specialty_labels(keys):
    return {key: str(SPECIALTY_LABELS[key]) for key in keys if key in SPECIALTY_LABELS}


def specialty_categories():
    return [(key, str(label)) for key, label in SPECIALTY_LABELS.items()]


def rank_labels(keys):
    """Ranks are keyed by their id; a report shows the rank's name in the user's language (one query)."""
    ids = [int(key) for key in keys if str(key).isdigit()]
    if not ids:
        return {}
    french = str(get_locale() or "fr").startswith("fr")
    names = {str(rank_id): name for rank_id, name in
             db.session.execute(select(Rank.id, Rank.name_fr if french else Rank.name_en).where(Rank.id.in_(ids)))}
    return {key: names[str(key)] for key in keys if str(key) in names}


def rank_categories():
    """Entry forms list the ranks by their code, in the order of the ranks."""
    return [(str(rank.id), rank.code) for rank in db.session.scalars(select(Rank).order_by(Rank.position))]
