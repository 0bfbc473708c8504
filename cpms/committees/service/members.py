"""Committee members and the representation of women, youth and the required categories among them."""
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from cpms.committees.models import MEMBER_CATEGORIES, MEMBER_ROLES, Member
from cpms.core.bounds import check_period
from cpms.core.errors import DomainError
from cpms.core.labels import SEXES
from cpms.extensions import db

# Representation targets, overridable in instance/config.py (COMMITTEE_MIN_WOMEN_SHARE, COMMITTEE_MIN_YOUTH_SHARE,
# COMMITTEE_REQUIRED_CATEGORIES).
DEFAULT_REQUIRED_CATEGORIES = ("police", "local_authority", "civil_society", "womens_group", "youth_group")


def _apply_member(member, *, name, sex, category, role, phone, email, start_date, end_date):
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Enter the member's name."), field="name")
    if sex not in SEXES:
        raise DomainError(_("Choose the member's sex."), field="sex")
    if category not in MEMBER_CATEGORIES:
        raise DomainError(_("Choose the category the member represents."), field="category")
    if role not in MEMBER_ROLES:
        raise DomainError(_("Choose the member's role."), field="role")
    if end_date is not None and end_date < start_date:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    check_period(start_date, end_date, _("Member since"), _("Member until"))
    member.name, member.sex, member.category, member.role = name, sex, category, role
    member.phone, member.email = (phone or "").strip(), (email or "").strip()
    member.start_date, member.end_date = start_date, end_date


def add_member(committee, **fields):
    """Add a member to a committee. Errors: missing name, unknown sex/category/role, end before start."""
    member = Member(committee_id=committee.id)
    _apply_member(member, **fields)
    db.session.add(member)
    db.session.flush()
    return member


def update_member(member, **fields):
    _apply_member(member, **fields)
    db.session.flush()
    return member


def committee_members(committee):
    return db.session.scalars(select(Member).where(Member.committee_id == committee.id)
                              .order_by(Member.end_date.is_not(None), Member.name)).all()


def member_active_on(day):
    """The condition on Member: the member belongs to the committee on `day`."""
    return and_(Member.start_date <= day, or_(Member.end_date.is_(None), Member.end_date >= day))


def active_members(committee, day):
    return db.session.scalars(select(Member).where(Member.committee_id == committee.id, member_active_on(day))
                              .order_by(Member.name)).all()


# --- representation --------------------------------------------------------------------------

@dataclass
class Representation:
    members: int
    women: int
    youth: int
    categories: list
    women_target: float
    youth_target: float
    required_categories: list

    @property
    def women_share(self):
        return self.women / self.members if self.members else 0.0

    @property
    def youth_share(self):
        return self.youth / self.members if self.members else 0.0

    @property
    def women_met(self):
        return self.members > 0 and self.women_share >= self.women_target

    @property
    def youth_met(self):
        return self.members > 0 and self.youth_share >= self.youth_target

    @property
    def missing_categories(self):
        return [c for c in self.required_categories if c not in self.categories]

    @property
    def is_met(self):
        return self.women_met and self.youth_met and not self.missing_categories


def representation(committee_ids, day=None):
    """{committee id: Representation} of the members active on `day`, in one GROUP BY query.

    Targets come from the app config: COMMITTEE_MIN_WOMEN_SHARE (0.30), COMMITTEE_MIN_YOUTH_SHARE (0.20),
    COMMITTEE_REQUIRED_CATEGORIES. Youth are the members representing a youth group.
    """
    day = day or date.today()
    config = current_app.config
    women_target = config["COMMITTEE_MIN_WOMEN_SHARE"]
    youth_target = config["COMMITTEE_MIN_YOUTH_SHARE"]
    required = list(config.get("COMMITTEE_REQUIRED_CATEGORIES", DEFAULT_REQUIRED_CATEGORIES))
    result = {cid: Representation(0, 0, 0, [], women_target, youth_target, required) for cid in committee_ids}
    if not committee_ids:
        return result
    stmt = (select(Member.committee_id, Member.category, Member.sex, func.count())
            .where(Member.committee_id.in_(list(committee_ids)), member_active_on(day))
            .group_by(Member.committee_id, Member.category, Member.sex))
    for committee_id, category, sex, count in db.session.execute(stmt):
        rep = result[committee_id]
        rep.members += count
        rep.women += count if sex == "F" else 0
        rep.youth += count if category == "youth_group" else 0
        if category not in rep.categories:
            rep.categories.append(category)
    order = list(MEMBER_CATEGORIES)
    for rep in result.values():
        rep.categories.sort(key=order.index)
    return result
