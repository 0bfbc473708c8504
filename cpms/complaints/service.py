"""Complaint rules: intake (public and staff), deadlines, the case workflow, referrals, sensitive-case
segregation and the figures. Services flush and never commit."""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, false, func, select, true

from cpms.complaints.models import (
    CATEGORIES,
    OPEN_STATUSES,
    SENSITIVE_CATEGORIES,
    Complaint,
    FocalPoint,
    Referral,
)
from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.models import utcnow
from cpms.core.permissions import scope_of
from cpms.extensions import db
from cpms.geo.models import Commune, Province
from cpms.geo.time import local_date_of

# no 0/O, 1/I/L: a code read out over the telephone or copied by hand
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
STAFF = frozenset({"admin", "project_officer", "me_officer"})
HANDLERS = frozenset({"admin", "project_officer"})
MIN_CELL = 5  # figures below this are shown as "< 5"


def new_receipt_code():
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(typed):
    cleaned = "".join(ch for ch in (typed or "").upper() if ch in CODE_ALPHABET)
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == 10 else None


def deadlines(category, received_at, commune_id=None):
    """(acknowledge by, answer by), counted from the day of receipt on the calendar of the case's commune (its
    province's time zone; the default zone without a commune): sensitive cases get the shorter
    CPMS_COMPLAINT_SENSITIVE_* deadlines."""
    from cpms.geo.reference import DEFAULT_ZONE
    from cpms.geo.time import local_day

    config = current_app.config
    commune = db.session.get(Commune, commune_id) if commune_id else None
    day = local_day(received_at, commune.province if commune is not None else DEFAULT_ZONE)
    if category in SENSITIVE_CATEGORIES:
        return (day + timedelta(days=config["COMPLAINT_SENSITIVE_ACKNOWLEDGE_DAYS"]),
                day + timedelta(days=config["COMPLAINT_SENSITIVE_ANSWER_DAYS"]))
    return (day + timedelta(days=config["COMPLAINT_ACKNOWLEDGE_DAYS"]),
            day + timedelta(days=config["COMPLAINT_ANSWER_DAYS"]))


def submit_complaint(*, category, account, channel="web", commune_id=None, quartier="", event_date=None,
                     concerns="", concerns_detail="", contact="", preferred_channel="", sex="", age_group="",
                     meeting_id=None, received_at=None, concerns_station_id=None, concerns_committee_id=None):
    """Record a complaint from any channel; the person's identity is never required. A picked station or committee
    (staff entry) sets what it concerns."""
    if category not in CATEGORIES:
        raise DomainError(_("Choose a category."), field="category")
    if not (account or "").strip():
        raise DomainError(_("Tell us what happened or what you want to say."), field="account")
    if channel == "meeting" and meeting_id is None:
        raise DomainError(_("Choose the meeting where this was raised."), field="meeting_id")
    if concerns_station_id is not None and concerns_committee_id is not None:
        raise DomainError(_("Pick a station or a committee, not both."), field="concerns_committee_id")
    if concerns_station_id is not None:
        concerns = "station"
    elif concerns_committee_id is not None:
        concerns = "committee"
    received_at = received_at or utcnow()
    acknowledge_by, answer_by = deadlines(category, received_at, commune_id)
    complaint = Complaint(receipt_code=new_receipt_code(), category=category,
                          is_sensitive=category in SENSITIVE_CATEGORIES, channel=channel, status="received",
                          commune_id=commune_id, quartier=(quartier or "").strip(), event_date=event_date,
                          concerns=concerns or "", concerns_detail=(concerns_detail or "").strip(),
                          account=account.strip(), contact=(contact or "").strip(),
                          preferred_channel=preferred_channel if (contact or "").strip() else "",
                          sex=sex or "", age_group=age_group or "", meeting_id=meeting_id, received_at=received_at,
                          concerns_station_id=concerns_station_id, concerns_committee_id=concerns_committee_id,
                          acknowledge_by=acknowledge_by, answer_by=answer_by)
    db.session.add(complaint)
    db.session.flush()
    return complaint


def find_by_receipt(code):
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.receipt_code == normalised))


# --- Who sees what ---------------------------------------------------------------------------------------

def is_focal_point(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(FocalPoint.id).where(FocalPoint.user_id == user.id)) is not None


def visible_clause(user, sensitive):
    """WHERE clause for the complaints `user` may see: non-sensitive ones to staff in their area; sensitive ones
    only to focal points (named, never implied by a role). Needs Commune outer-joined."""
    if sensitive:
        return Complaint.is_sensitive.is_(True) if is_focal_point(user) else false()
    if getattr(user, "role", None) not in STAFF:
        return false()
    scope = scope_of(user)
    area = true() if scope.is_national else and_(Complaint.commune_id.is_not(None),
                                                 scope.filter(Commune.province_id, Complaint.commune_id))
    return and_(Complaint.is_sensitive.is_(False), area)


def can_see_complaint(user):
    def check(complaint, scope):
        if complaint.is_sensitive:
            return is_focal_point(user)
        if getattr(user, "role", None) not in STAFF:
            return False
        if scope.is_national:
            return True
        return complaint.commune is not None and scope.allows(complaint.commune.province_id, complaint.commune_id)
    return check


def can_handle(user, complaint):
    return is_focal_point(user) if complaint.is_sensitive else getattr(user, "role", None) in HANDLERS


def list_complaints(user, sensitive=False, status=None, category=None, channel=None, commune_id=None):
    """The complaints `user` may see (sensitive ones only with `sensitive`, to focal points), newest first."""
    query = (select(Complaint).outerjoin(Commune, Commune.id == Complaint.commune_id)
             .where(visible_clause(user, sensitive)).order_by(Complaint.received_at.desc(), Complaint.id.desc()))
    if status == "open":
        query = query.where(Complaint.status.in_(OPEN_STATUSES))
    elif status:
        query = query.where(Complaint.status == status)
    for column, value in ((Complaint.category, category), (Complaint.channel, channel),
                          (Complaint.commune_id, commune_id)):
        if value is not None:
            query = query.where(column == value)
    return query


def record_opening(user, complaint, reason):
    """Every opening of a sensitive case is logged with its reason."""
    record_event("complaint_sensitive_opened", actor=user, entity="complaints", entity_id=complaint.id,
                 detail=reason[:300])


def complaint_data(complaint):
    """Everything CPMS holds about one case, for a subject access request by the person who sent it (staff export
    it on request; the person is not otherwise identified): the case, its contact in clear, its referrals."""
    from cpms.complaints.models import Referral

    referrals = db.session.scalars(select(Referral).where(Referral.complaint_id == complaint.id)
                                   .order_by(Referral.referred_on, Referral.id)).all()
    fields = ("receipt_code", "category", "channel", "status", "quartier", "event_date", "concerns",
              "concerns_detail", "account", "contact", "preferred_channel", "sex", "age_group", "received_at",
              "acknowledge_by", "answer_by", "acknowledged_at", "answered_at", "closed_at", "answer", "satisfaction")
    data = {name: getattr(complaint, name) for name in fields}
    data["commune"] = complaint.commune.name if complaint.commune_id else ""
    data["referrals"] = [{"referred_to": r.referred_to, "referred_on": r.referred_on, "consent": r.consent,
                          "note": r.note} for r in referrals]
    return data


# --- Workflow ---------------------------------------------------------------------------------------------

def _require(user, complaint):
    if not can_handle(user, complaint):
        raise DomainError(_("You may not handle this case."))


def acknowledge_complaint(user, complaint):
    _require(user, complaint)
    if complaint.status != "received":
        raise DomainError(_("Only a received case can be acknowledged."))
    complaint.status = "acknowledged"
    complaint.acknowledged_at = utcnow()
    complaint.assigned_to_id = complaint.assigned_to_id or user.id
    db.session.flush()
    return complaint


def review_complaint(user, complaint):
    _require(user, complaint)
    if complaint.status not in ("received", "acknowledged"):
        raise DomainError(_("This case is already past review."))
    complaint.acknowledged_at = complaint.acknowledged_at or utcnow()
    complaint.status = "under_review"
    db.session.flush()
    return complaint


def refer_complaint(user, complaint, *, referred_to, referred_on, consent, note=""):
    _require(user, complaint)
    if complaint.status not in OPEN_STATUSES:
        raise DomainError(_("A closed or answered case cannot be referred."))
    if complaint.contact and not consent:
        raise DomainError(_("Record the person's consent before referring their case."), field="consent")
    referral = Referral(complaint_id=complaint.id, referred_to=referred_to.strip(), referred_on=referred_on,
                        consent=bool(consent), note=(note or "").strip())
    db.session.add(referral)
    complaint.acknowledged_at = complaint.acknowledged_at or utcnow()
    complaint.status = "referred"
    db.session.flush()
    return referral


def answer_complaint(user, complaint, answer):
    _require(user, complaint)
    if complaint.status not in OPEN_STATUSES:
        raise DomainError(_("This case is already answered or closed."))
    if not (answer or "").strip():
        raise DomainError(_("Write the answer given to the person."), field="answer")
    now = utcnow()
    complaint.acknowledged_at = complaint.acknowledged_at or now
    complaint.answered_at = now
    complaint.answer = answer.strip()
    complaint.status = "answered"
    db.session.flush()
    return complaint


def close_complaint(user, complaint, satisfaction=""):
    _require(user, complaint)
    if complaint.status != "answered" and complaint.status != "referred":
        raise DomainError(_("Answer or refer the case before closing it."))
    complaint.status = "closed"
    complaint.closed_at = utcnow()
    complaint.satisfaction = satisfaction or ""
    db.session.flush()
    return complaint


def add_focal_point(user_id):
    if db.session.scalar(select(FocalPoint.id).where(FocalPoint.user_id == user_id)) is not None:
        raise DomainError(_("This user is already a focal point."), field="user_id")
    focal_point = FocalPoint(user_id=user_id)
    db.session.add(focal_point)
    db.session.flush()
    return focal_point


def remove_focal_point(focal_point):
    db.session.delete(focal_point)
    db.session.flush()


# --- Figures ----------------------------------------------------------------------------------------------

def suppress(count):
    """A count shown to donors: small cells hidden (None means "fewer than MIN_CELL")."""
    return None if 0 < count < MIN_CELL else count


def figures():
    """Aggregate counts over every complaint (sensitive ones included, as counts only), in the database."""
    def by(column):
        rows = db.session.execute(select(column, func.count()).select_from(Complaint)
                                  .group_by(column).order_by(column)).all()
        return [(key, suppress(count)) for key, count in rows]

    zone = select(Province.time_zone).where(Province.id == Commune.province_id).scalar_subquery()

    def on_time(done_at, deadline):
        # on or before the deadline's day on the calendar of the case's province, not of Greenwich
        return func.sum(case((and_(done_at.is_not(None), local_date_of(done_at, zone) <= deadline), 1), else_=0))
    ack_on_time = on_time(Complaint.acknowledged_at, Complaint.acknowledge_by)
    answered_on_time = on_time(Complaint.answered_at, Complaint.answer_by)
    satisfied = func.sum(case((Complaint.satisfaction == "satisfied", 1), else_=0))
    asked = func.sum(case((Complaint.satisfaction.in_(("satisfied", "partly", "not_satisfied")), 1), else_=0))
    total, ack, answered, sat, asked_n = db.session.execute(
        select(func.count(), ack_on_time, answered_on_time, satisfied, asked).select_from(Complaint)
        .outerjoin(Commune, Commune.id == Complaint.commune_id)).one()
    communes = db.session.execute(
        select(func.coalesce(Commune.name, ""), func.count()).select_from(Complaint)
        .outerjoin(Commune, Commune.id == Complaint.commune_id).group_by(Commune.name).order_by(Commune.name)).all()
    return {
        "total": total,
        "by_category": by(Complaint.category),
        "by_channel": by(Complaint.channel),
        "by_sex": by(Complaint.sex),
        "by_commune": [(name, suppress(count)) for name, count in communes],
        "acknowledged_on_time": (ack or 0) / total if total else None,
        "answered_on_time": (answered or 0) / total if total else None,
        "satisfied_share": (sat or 0) / asked_n if asked_n else None,
    }


def open_overdue(today, column, status_clause):
    """Open complaints whose deadline (`column`) has passed."""
    return select(Complaint).where(status_clause, column < today).order_by(column, Complaint.id)


