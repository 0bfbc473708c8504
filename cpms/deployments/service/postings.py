"""Postings: who sees what, the certified officers, creating and editing postings, bulk posting of a cohort's
graduates, an officer's posting history; the dashboard card."""
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select, true

from cpms.core.bounds import check_date
from cpms.core.dashboard import Card, dashboard_provider
from cpms.core.errors import DomainError
from cpms.core.permissions import ADMIN, ME_OFFICER, PROJECT_OFFICER, TRAINER, scope_of
from cpms.deployments.models import END_REASONS, Posting
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.training.models import Cohort, Enrolment, Trainee, cohort_trainers

READERS = frozenset({ADMIN, TRAINER, PROJECT_OFFICER, ME_OFFICER})
MANAGERS = frozenset({ADMIN, PROJECT_OFFICER})


# --- The certified officers -------------------------------------------------------------------------

def certified_officers(today=None):
    """THE definition of "certified officers and their certification date", used by every retention figure:
    a selectable of (trainee_id, enrolment_id, cohort_id, certified_on).

    An officer is certified by holding a valid certificate for the enrolment (cpms/certificates: the current
    version, neither superseded nor revoked; a corrected re-issue keeps the officer certified, a revocation
    ends it). certified_on is the certificate's certification date (the completion date, stored by the
    certificates domain), so that a certificate issued or printed late does not shift the retention months.
    """
    from cpms.certificates.models import Certificate

    query = (select(Certificate.trainee_id.label("trainee_id"), Certificate.enrolment_id.label("enrolment_id"),
                    Certificate.cohort_id.label("cohort_id"), Certificate.certified_on.label("certified_on"))
             .where(Certificate.status == "valid"))
    if today is not None:
        query = query.where(Certificate.certified_on <= today)
    return query


# --- Who sees what ------------------------------------------------------------------------------------

def taught_by(user, trainee_column):
    """For trainers: the trainee is enrolled in a cohort they teach. Other roles: no condition."""
    if user is None or user.role != TRAINER:
        return true()
    return exists(select(Enrolment.id).join(cohort_trainers, cohort_trainers.c.cohort_id == Enrolment.cohort_id)
                  .where(Enrolment.trainee_id == trainee_column, cohort_trainers.c.user_id == user.id))


def visible_postings(user, scope, *, trainee_id=None, commune_id=None, station_id=None, status="", term="",
                     today=None):
    """Postings whose place is in the user's area (trainers: of the trainees of their cohorts), newest first.

    status: "current" (not ended by today) or "ended"; term: part of a name or of the matricule.
    """
    from cpms.training.service import normalise_matricule

    stmt = (select(Posting).join(Trainee, Trainee.id == Posting.trainee_id)
            .where(scope.filter(Posting.province_id, Posting.commune_id), taught_by(user, Posting.trainee_id))
            .order_by(Posting.start_date.desc(), Trainee.last_name, Trainee.first_name, Posting.id))
    if trainee_id:
        stmt = stmt.where(Posting.trainee_id == trainee_id)
    if commune_id:
        stmt = stmt.where(Posting.commune_id == commune_id)
    if station_id:
        stmt = stmt.where(Posting.station_id == station_id)
    today = today or date.today()
    if status == "current":
        stmt = stmt.where(Posting.start_date <= today, or_(Posting.end_date.is_(None), Posting.end_date >= today))
    elif status == "ended":
        stmt = stmt.where(Posting.end_date < today)
    if term.strip():
        like = f"%{term.strip().lower()}%"
        stmt = stmt.where(or_(Trainee.matricule.like(f"%{normalise_matricule(term)}%"),
                              func.lower(Trainee.last_name).like(like), func.lower(Trainee.first_name).like(like),
                              func.lower(Trainee.post_name).like(like)))
    return stmt


def _teaches(user, trainee_id):
    return bool(db.session.scalar(select(exists().where(
        Enrolment.trainee_id == trainee_id, Enrolment.cohort_id == cohort_trainers.c.cohort_id,
        cohort_trainers.c.user_id == user.id))))


def can_see_posting(user):
    def check(posting, scope):
        return scope.allows(posting.province_id, posting.commune_id) and (
            user.role != TRAINER or _teaches(user, posting.trainee_id))
    return check


def can_see_officer(user):
    """An officer's page: the officer's home station or one of their postings is in the user's area (trainers:
    and the officer was in one of their cohorts)."""
    def check(trainee, scope):
        if user.role == TRAINER and not _teaches(user, trainee.id):
            return False
        if scope.allows(trainee.province_id, trainee.commune_id):
            return True
        return bool(db.session.scalar(select(exists().where(
            Posting.trainee_id == trainee.id, scope.filter(Posting.province_id, Posting.commune_id)))))
    return check


def officer_postings(trainee):
    """Every posting of an officer, newest first (one query). The officer's page shows them all, places outside
    the user's area included: the officer is theirs, and where the officer went is part of the record."""
    return db.session.scalars(select(Posting).where(Posting.trainee_id == trainee.id)
                              .order_by(Posting.start_date.desc(), Posting.id.desc())).all()


# --- Creating and editing postings ---------------------------------------------------------------------

def resolve_place(actor, station_id, commune_id):
    """(station or None, commune) of a posting; the station's commune when a station is chosen."""
    from cpms.stations.models import Station

    station = db.session.get(Station, station_id) if station_id else None
    if station_id and station is None:
        raise DomainError(_("Choose a station from the list."), field="station_id")
    commune = db.session.get(Commune, commune_id) if commune_id else None
    if commune_id and commune is None:
        raise DomainError(_("Choose a commune from the list."), field="commune_id")
    if station is not None:
        if commune is not None and commune.id != station.commune_id:
            raise DomainError(_("%(station)s is in %(commune)s: choose that commune or leave the commune empty.",
                                station=station.name, commune=station.commune.name), field="commune_id")
        commune = station.commune
    if commune is None:
        raise DomainError(_("Choose the station or the commune where the officer is posted."), field="station_id")
    if actor is not None and not scope_of(actor).allows(commune.province_id, commune.id):
        raise DomainError(_("This place is outside your area."), field="station_id" if station else "commune_id")
    return station, commune


def _check_period(function, start_date, end_date, end_reason, end_note, today):
    if not (function or "").strip():
        raise DomainError(_("Enter the officer's function in this posting, e.g. patrol officer."), field="function")
    if start_date is None:
        raise DomainError(_("Enter the start date as YYYY-MM-DD."), field="start_date")
    checked(check_date, start_date, _("The start date"), field="start_date")
    checked(check_date, end_date, _("The end date"), field="end_date")
    if end_date is not None and end_date < start_date:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    if end_date is not None and end_date > today:
        raise DomainError(_("The end date cannot be in the future: record the end of a posting once it has happened."),
                          field="end_date")
    if end_reason and end_reason not in END_REASONS:
        raise DomainError(_("Choose a reason from the list."), field="end_reason")
    if end_reason and end_date is None:
        raise DomainError(_("Enter the end date, or leave the reason empty."), field="end_date")
    if end_reason == "other" and not (end_note or "").strip():
        raise DomainError(_("Say in the note why the posting ended."), field="end_note")


def checked(check, *args, field):
    """Run a bounds check (cpms.core.bounds) and attach its refusal to a form field."""
    try:
        return check(*args)
    except DomainError as error:
        raise DomainError(error.message, field=field) from None


def course_end_under_way(trainee_id, day):
    """The end date of a course the officer attends on `day` (enrolled and not withdrawn by then, in a cohort not
    cancelled that started on or before `day` and ends after it), or None."""
    return db.session.scalar(
        select(func.max(Cohort.end_date)).join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.trainee_id == trainee_id, Cohort.status != "cancelled", Cohort.start_date <= day,
               Cohort.end_date > day, or_(Enrolment.withdrawn_on.is_(None), Enrolment.withdrawn_on > day)))


def _check_not_in_training(trainee, start_date):
    course_end = course_end_under_way(trainee.id, start_date)
    if course_end is not None:
        raise DomainError(_("%(name)s is in training until %(date)s: a posting starts once the course has ended.",
                            name=trainee.full_name, date=format_date(course_end)), field="start_date")


def _describe(posting):
    if posting.end_date is None:
        return _("%(place)s, since %(start)s", place=posting.place, start=posting.start_date.isoformat())
    return _("%(place)s, %(start)s to %(end)s", place=posting.place, start=posting.start_date.isoformat(),
             end=posting.end_date.isoformat())


def overlapping_postings(trainee_ids, start_date, end_date=None, exclude_id=None):
    """Postings of these officers that share at least one day with start_date–end_date (open when None)."""
    if not trainee_ids:
        return []
    conditions = [Posting.trainee_id.in_(list(trainee_ids)),
                  or_(Posting.end_date.is_(None), Posting.end_date >= start_date)]
    if end_date is not None:
        conditions.append(Posting.start_date <= end_date)
    if exclude_id is not None:
        conditions.append(Posting.id != exclude_id)
    return db.session.scalars(select(Posting).where(*conditions).order_by(Posting.trainee_id, Posting.start_date)).all()


def _apply(actor, posting, trainee, *, station_id=None, commune_id=None, function, start_date, end_date=None,
           end_reason=None, end_note="", today=None):
    today = today or date.today()
    end_reason = end_reason or None
    _check_period(function, start_date, end_date, end_reason, end_note, today)
    if posting.id is None or posting.start_date != start_date:
        _check_not_in_training(trainee, start_date)
    station, commune = resolve_place(actor, station_id, commune_id)
    clash = overlapping_postings([trainee.id], start_date, end_date, exclude_id=posting.id)
    if clash:
        raise DomainError(_("%(name)s already has a posting on these dates (%(posting)s). End that posting first, "
                            "or change the dates.", name=trainee.full_name, posting=_describe(clash[0])),
                          field="start_date")
    posting.trainee_id = trainee.id
    posting.station_id = station.id if station is not None else None
    posting.commune_id, posting.province_id = commune.id, commune.province_id
    posting.function = " ".join(function.split())
    posting.start_date, posting.end_date = start_date, end_date
    posting.end_reason, posting.end_note = end_reason, (end_note or "").strip()


def create_posting(actor, trainee, **fields):
    """Post an officer to a station or a commune. Errors: no place or a place outside the actor's area, a station
    in another commune than the one chosen, no function, dates outside the plausible range, a start while the
    officer attends a course (before it ends), an end before the start or in the future, a reason
    without an end date ("other" needs a note), and dates that overlap another posting of the officer."""
    posting = Posting()
    _apply(actor, posting, trainee, **fields)
    db.session.add(posting)
    db.session.flush()
    return posting


def update_posting(actor, posting, **fields):
    """Edit a posting, e.g. to end it (end date, and the reason when the officer leaves early)."""
    _apply(actor, posting, posting.trainee, **fields)
    db.session.flush()
    return posting


# --- Bulk posting of a cohort's graduates ---------------------------------------------------------------

def cohort_graduates(cohort, today=None):
    """The trainees who completed the cohort (the close-out page's list), with their postings that are open or
    end after the cohort: [(trainee, [postings])], in three or four queries."""
    from cpms.training.service.attendance import cohort_completion

    graduates = [row.trainee for row in cohort_completion(cohort, today) if row.completed]
    postings = {}
    for posting in overlapping_postings([t.id for t in graduates], cohort.end_date):
        postings.setdefault(posting.trainee_id, []).append(posting)
    return [(trainee, postings.get(trainee.id, [])) for trainee in graduates]


def post_graduates(actor, cohort, trainee_ids, *, station_id=None, commune_id=None, function, start_date,
                   today=None):
    """Post the chosen graduates of a cohort together (open postings from start_date), all or none.

    Refused: a cohort that has not ended yet, a start before the cohort's end, officers who did not complete
    the cohort (named), and officers who already have a posting on or after the start date (named, with it).
    """
    from cpms.training.service.attendance import cohort_completion

    today = today or date.today()
    if cohort.end_date > today:
        raise DomainError(_("This cohort ends on %(date)s: post its graduates after the close-out.",
                            date=cohort.end_date.isoformat()))
    _check_period(function, start_date, None, None, "", today)
    if start_date < cohort.end_date:
        raise DomainError(_("The postings must start on or after the end of the course (%(date)s).",
                            date=cohort.end_date.isoformat()), field="start_date")
    trainee_ids = list(dict.fromkeys(trainee_ids or []))
    if not trainee_ids:
        raise DomainError(_("Tick at least one graduate to post."), field="trainee_ids")
    rows = {row.trainee.id: row for row in cohort_completion(cohort, today)}
    refused = [rows[tid].trainee.full_name for tid in trainee_ids if tid in rows and not rows[tid].completed]
    if refused or any(tid not in rows for tid in trainee_ids):
        raise DomainError(_("Only officers who completed this cohort can be posted from here. Not completed: "
                            "%(names)s.", names=", ".join(refused) or _("officers not enrolled in this cohort")),
                          field="trainee_ids")
    station, commune = resolve_place(actor, station_id, commune_id)
    clash = overlapping_postings(trainee_ids, start_date)
    if clash:
        details = "; ".join(f"{rows[p.trainee_id].trainee.full_name} ({_describe(p)})" for p in clash)
        raise DomainError(_("Nobody was posted: these officers already have a posting on or after %(date)s. "
                            "End those postings first, or untick the officers: %(details)s.",
                            date=start_date.isoformat(), details=details), field="trainee_ids")
    postings = [Posting(trainee_id=tid, station_id=station.id if station is not None else None,
                        commune_id=commune.id, province_id=commune.province_id, function=" ".join(function.split()),
                        start_date=start_date, end_note="") for tid in trainee_ids]
    db.session.add_all(postings)
    db.session.flush()
    return postings


def postable_cohorts(user, scope, today=None):
    """Cohorts in the user's area that have ended, newest first, with the number of their trainees already
    posted after the end: [(cohort, posted)] in two queries. (Graduates are counted on the cohort's page: that
    takes the attendance of the whole cohort.)"""
    from cpms.training.service import visible_cohorts

    today = today or date.today()
    cohorts = db.session.scalars(visible_cohorts(user, scope).where(Cohort.end_date <= today,
                                                                    Cohort.status != "cancelled")).all()
    if not cohorts:
        return []
    posted = dict(db.session.execute(
        select(Enrolment.cohort_id, func.count(func.distinct(Enrolment.trainee_id)))
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Posting, and_(Posting.trainee_id == Enrolment.trainee_id,
                            or_(Posting.end_date.is_(None), Posting.end_date >= Cohort.end_date)))
        .where(Enrolment.cohort_id.in_([c.id for c in cohorts]))
        .group_by(Enrolment.cohort_id)).all())
    return [(cohort, posted.get(cohort.id, 0)) for cohort in cohorts]


# --- Dashboard -------------------------------------------------------------------------------------------

@dashboard_provider(per_user=True)  # its cards: SQL figures of the user's area (and day)
def posting_cards(user, scope):
    from flask_babel import lazy_gettext as _l
    if user.role not in READERS:
        return []
    today = date.today()
    # a trainer's officers as a list of the officers of their cohorts, which SQLite reads from the postings' officer
    # index, rather than taught_by()'s EXISTS, which it checks on every posting of the area (11.3 → 4.4 ms at
    # province scale; the list pages keep EXISTS, which suits their newest-first page of 50)
    taught = true() if user.role != TRAINER else Posting.trainee_id.in_(
        select(Enrolment.trainee_id).where(Enrolment.cohort_id.in_(
            select(cohort_trainers.c.cohort_id).where(cohort_trainers.c.user_id == user.id))))
    in_post = (select(func.count(func.distinct(Posting.trainee_id)))  # counted by core with the other cards
               .where(scope.filter(Posting.province_id, Posting.commune_id), taught,
                      Posting.start_date <= today, or_(Posting.end_date.is_(None), Posting.end_date >= today))
               .scalar_subquery())
    return [Card(_l("Trained officers in post"), in_post, "deployments.posting_list", roles=READERS)]
