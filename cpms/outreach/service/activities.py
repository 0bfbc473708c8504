"""Outreach activities, their rosters and counts: rules and writes (flush, never commit)."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.core.bounds import PEOPLE_AT_EVENT, check_count, check_date, check_money
from cpms.core.errors import DomainError
from cpms.core.permissions import ADMIN, ME_OFFICER, PROJECT_OFFICER, VIEWER, scope_of
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.outreach.models import (
    CATEGORIES,
    KINDS,
    SEXES,
    TOPICS,
    OutreachActivity,
    OutreachCount,
    OutreachParticipant,
)
from cpms.programmes.models import Programme
from cpms.training.models import Trainee

READERS = frozenset({ADMIN, PROJECT_OFFICER, ME_OFFICER, VIEWER})
PEOPLE_READERS = frozenset({ADMIN, PROJECT_OFFICER, ME_OFFICER})  # names on rosters, evidence (attendance sheets)
MANAGERS = frozenset({ADMIN, PROJECT_OFFICER})
MAX_ROSTER = 1_000


def can_see_activity(activity, scope):
    return scope.allows(activity.province_id, activity.commune_id)


def visible_activities(scope, *, kind="", commune_id=None):
    stmt = (select(OutreachActivity).where(scope.filter(OutreachActivity.province_id, OutreachActivity.commune_id))
            .order_by(OutreachActivity.start_date.desc(), OutreachActivity.id.desc()))
    if kind in KINDS:
        stmt = stmt.where(OutreachActivity.kind == kind)
    if commune_id:
        stmt = stmt.where(OutreachActivity.commune_id == commune_id)
    return stmt


def reach_by_sex(activity_ids):
    """{activity_id: {"F": n, "M": n}}: the roster's people plus the counts, in two queries."""
    reach = {aid: {"F": 0, "M": 0} for aid in activity_ids}
    if not activity_ids:
        return reach
    for model, amount in ((OutreachParticipant, func.count()), (OutreachCount, func.sum(OutreachCount.people))):
        for aid, sex, n in db.session.execute(select(model.activity_id, model.sex, amount)
                                              .where(model.activity_id.in_(activity_ids))
                                              .group_by(model.activity_id, model.sex)):
            reach[aid][sex] += int(n or 0)
    return reach


def reach_by_category(activity):
    """[(category, women, men)] of one activity, roster and counts together, in the vocabulary's order."""
    table = {}
    for model, amount in ((OutreachParticipant, func.count()), (OutreachCount, func.sum(OutreachCount.people))):
        for category, sex, n in db.session.execute(select(model.category, model.sex, amount)
                                                   .where(model.activity_id == activity.id)
                                                   .group_by(model.category, model.sex)):
            table.setdefault(category, {"F": 0, "M": 0})[sex] += int(n or 0)
    return [(category, table[category]["F"], table[category]["M"]) for category in CATEGORIES if category in table]


def activity_roster(activity):
    return db.session.scalars(select(OutreachParticipant).where(OutreachParticipant.activity_id == activity.id)
                              .order_by(OutreachParticipant.category, OutreachParticipant.name,
                                        OutreachParticipant.id)).all()


def activity_counts(activity):
    return db.session.scalars(select(OutreachCount).where(OutreachCount.activity_id == activity.id)
                              .order_by(OutreachCount.category, OutreachCount.sex)).all()


def _check_fields(actor, *, programme_id, kind, topic, commune_id, start_date, end_date, cost, currency, **_other):
    if kind not in KINDS:
        raise DomainError(_("Choose the kind of activity."), field="kind")
    if topic not in TOPICS:
        raise DomainError(_("Choose the topic."), field="topic")
    commune = db.session.get(Commune, commune_id) if commune_id else None
    scope = scope_of(actor) if actor is not None else None
    if commune is None or (scope is not None and not scope.allows(commune.province_id, commune.id)):
        raise DomainError(_("Choose a commune of your area."), field="commune_id")
    if db.session.get(Programme, programme_id or 0) is None:
        raise DomainError(_("Choose the programme."), field="programme_id")
    check_date(start_date, _("The first day"))
    check_date(end_date, _("The last day"))
    if end_date < start_date:
        raise DomainError(_("The last day cannot be before the first day."), field="end_date")
    if cost is not None:
        check_money(cost, _("The cost"), currency)
    return commune


def create_activity(actor, **fields):
    commune = _check_fields(actor, **fields)
    activity = OutreachActivity(province_id=commune.province_id,
                                recorded_by_id=getattr(actor, "id", None), **fields)
    db.session.add(activity)
    db.session.flush()
    return activity


def update_activity(actor, activity, **fields):
    commune = _check_fields(actor, **fields)
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.province_id = commune.province_id
    db.session.flush()
    return activity


def add_officer(actor, activity, matricule):
    """Put a police officer from the trainee registry on the roster, found by matricule in the user's area.

    Refused: no such officer in the user's area, already on the roster, the registry has no sex for the officer
    (the figures are by sex; guessing would falsify them), the roster is full."""
    from cpms.training.service import can_see_trainee, normalise_matricule
    trainee = db.session.scalar(select(Trainee).where(Trainee.matricule == normalise_matricule(matricule or "")))
    if trainee is None or (actor is not None and not can_see_trainee(trainee, scope_of(actor))):
        raise DomainError(_("No officer in your area has the matricule %(matricule)s. Check the number, or register "
                            "the officer first.", matricule=matricule), field="matricule")
    if db.session.scalar(select(OutreachParticipant.id).where(OutreachParticipant.activity_id == activity.id,
                                                               OutreachParticipant.trainee_id == trainee.id)):
        raise DomainError(_("This officer is already on the roster."), field="matricule")
    if trainee.sex not in SEXES:  # figures are by sex: never guess it
        raise DomainError(_("The registry does not say whether officer %(matricule)s is a woman or a man: correct "
                            "the officer's record first.", matricule=trainee.matricule), field="matricule")
    _check_roster_size(activity)
    participant = OutreachParticipant(activity_id=activity.id, trainee_id=trainee.id, category="police",
                                      sex=trainee.sex)
    db.session.add(participant)
    db.session.flush()
    return participant


def add_civilian(activity, *, name, organisation, category, sex):
    if not (name or "").strip():
        raise DomainError(_("Enter the participant's name."), field="name")
    if category not in CATEGORIES or category == "police":
        raise DomainError(_("Choose the participant's category; police officers are added by matricule."),
                          field="category")
    if sex not in SEXES:
        raise DomainError(_("Choose the participant's sex."), field="sex")
    _check_roster_size(activity)
    participant = OutreachParticipant(activity_id=activity.id, name=name.strip(), organisation=organisation.strip(),
                                      category=category, sex=sex)
    db.session.add(participant)
    db.session.flush()
    return participant


def _check_roster_size(activity):
    size = db.session.scalar(select(func.count()).where(OutreachParticipant.activity_id == activity.id))
    if size >= MAX_ROSTER:
        raise DomainError(_("A roster holds at most %(max)d people; record the others as counts.", max=MAX_ROSTER))


def remove_participant(participant):
    db.session.delete(participant)
    db.session.flush()


def set_count(activity, *, category, sex, people, estimate_source):
    """Record (or replace) the number of people of one category and sex reached without a roster."""
    if category not in CATEGORIES:
        raise DomainError(_("Choose the category."), field="category")
    if sex not in SEXES:
        raise DomainError(_("Choose the sex."), field="sex")
    check_count(people, _("The number of people"), PEOPLE_AT_EVENT)
    if not (estimate_source or "").strip():
        raise DomainError(_("Say where the figure comes from, e.g. the radio's audience survey or a head count."),
                          field="estimate_source")
    row = db.session.scalar(select(OutreachCount).where(OutreachCount.activity_id == activity.id,
                                                        OutreachCount.category == category,
                                                        OutreachCount.sex == sex))
    if row is None:
        row = OutreachCount(activity_id=activity.id, category=category, sex=sex)
        db.session.add(row)
    row.people, row.estimate_source = people, estimate_source.strip()
    db.session.flush()
    return row


TRAININGS = ("media_training", "civil_society_training")


def record_scores(activity, scores):
    """Record the questionnaires of a training: `scores` is {participant id: (pre, post)}, each a number of points
    from 0 to 100 or None (not taken). Refused: the activity is not a training of journalists or civil-society
    members, a participant of another activity, a score outside 0–100."""
    if activity.kind not in TRAININGS:
        raise DomainError(_("Questionnaires are recorded for trainings of journalists or civil-society members."))
    roster = {p.id: p for p in activity_roster(activity)}
    for participant_id, (pre, post) in scores.items():
        participant = roster.get(participant_id)
        if participant is None:
            raise DomainError(_("A participant is no longer on the roster: reload the page."))
        for score in (pre, post):
            if score is not None and not 0 <= score <= 100:
                raise DomainError(_("Scores are points from 0 to 100 (%(name)s).", name=participant.display_name))
        participant.pre_score, participant.post_score = pre, post
    db.session.flush()


def knowledge_gain(activity):
    """(mean of post − pre over the participants with both scores, how many they are); (None, 0) without any."""
    gain, n = db.session.execute(
        select(func.avg(OutreachParticipant.post_score - OutreachParticipant.pre_score), func.count())
        .where(OutreachParticipant.activity_id == activity.id, OutreachParticipant.pre_score.is_not(None),
               OutreachParticipant.post_score.is_not(None))).one()
    return (None if gain is None else float(gain)), n
