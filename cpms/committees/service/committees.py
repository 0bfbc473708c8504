"""Committees: who sees what, choices for the forms, creating and editing committees, the dashboard cards."""
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from cpms.committees.models import COMMITTEE_KINDS, COMMITTEE_STATUSES, OPEN_ACTION_STATUSES, ActionItem, Committee
from cpms.core.bounds import check_date
from cpms.core.dashboard import Card, TodayLine, dashboard_provider, today_provider
from cpms.core.errors import DomainError
from cpms.core.permissions import STAFF_ROLES
from cpms.extensions import db
from cpms.geo.models import Commune, Province, Quartier
from cpms.programmes.models import Programme

# --- visibility ------------------------------------------------------------------------------


def can_see(committee, scope):
    return scope.allows(committee.province_id, committee.commune_id)


def can_see_meeting(meeting, scope):
    return can_see(meeting.committee, scope)


def can_see_item(item, scope):
    return can_see(item.committee, scope)


def visible_committees(scope, kind=None, commune_id=None):
    stmt = (select(Committee).where(scope.filter(Committee.province_id, Committee.commune_id))
            .order_by(Committee.kind, Committee.name))
    if kind:
        stmt = stmt.where(Committee.kind == kind)
    if commune_id:
        stmt = stmt.where(Committee.commune_id == commune_id)
    return stmt


def committee_choices(scope, kinds=None):
    stmt = visible_committees(scope)
    if kinds:
        stmt = stmt.where(Committee.kind.in_(kinds))
    return [(c.id, c.name) for c in db.session.scalars(stmt)]


def commune_choices(scope):
    stmt = select(Commune).where(scope.filter(Commune.province_id, Commune.id)).order_by(Commune.name)
    return [(c.id, c.label) for c in db.session.scalars(stmt)]


def quartier_choices(scope):
    stmt = (select(Quartier, Commune.name).join(Commune, Commune.id == Quartier.commune_id)
            .where(scope.filter(Commune.province_id, Commune.id)).order_by(Commune.name, Quartier.name))
    return [(q.id, f"{commune} – {q.name}") for q, commune in db.session.execute(stmt)]


def programme_choices(scope):
    from cpms.programmes.service import visible_programmes
    return [(p.id, f"{p.code} – {p.name}") for p in db.session.scalars(visible_programmes(scope))]


def count_by_kind(scope):
    stmt = (select(Committee.kind, func.count()).where(scope.filter(Committee.province_id, Committee.commune_id))
            .group_by(Committee.kind))
    return dict(db.session.execute(stmt).all())


# --- committees ------------------------------------------------------------------------------


def _apply_committee(scope, committee, *, kind, name, commune_id, quartier_id, parent_id, programme_id,  # noqa: C901
                     established_on, status):
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Enter the committee's name."), field="name")
    if kind not in COMMITTEE_KINDS:
        raise DomainError(_("Choose the type of committee."), field="kind")
    if status not in COMMITTEE_STATUSES:
        raise DomainError(_("Choose the committee's status."), field="status")
    commune = db.session.get(Commune, commune_id) if commune_id else None
    if commune is None or not scope.allows(commune.province_id, commune.id):
        raise DomainError(_("Choose a commune in your area."), field="commune_id")
    if quartier_id:
        quartier = db.session.get(Quartier, quartier_id)
        if quartier is None or quartier.commune_id != commune.id:
            raise DomainError(_("The quartier must be in the committee's commune."), field="quartier_id")
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme is None or commune.province_id not in programme.province_ids:
        raise DomainError(_("Choose a programme that covers the committee's province."), field="programme_id")
    if established_on > date.today():
        raise DomainError(_("The date established cannot be in the future."), field="established_on")
    check_date(established_on, _("The date established"))
    if parent_id:
        parent = db.session.get(Committee, parent_id)
        if parent is None or parent.kind != "clsp" or (committee.id is not None and parent.id == committee.id):
            raise DomainError(_("A forum or committee can only feed a CLSP."), field="parent_id")
        if parent.province_id != commune.province_id:
            raise DomainError(_("The parent CLSP must be in the same province."), field="parent_id")
        if kind == "clsp":
            raise DomainError(_("A CLSP has no parent committee."), field="parent_id")
    clash = db.session.scalar(select(Committee.id).where(Committee.commune_id == commune.id,
                                                         func.lower(Committee.name) == name.lower()))
    if clash is not None and clash != committee.id:
        raise DomainError(_("This commune already has a committee named %(name)s.", name=name), field="name")
    committee.kind, committee.name, committee.status = kind, name, status
    committee.commune_id, committee.province_id = commune.id, commune.province_id
    committee.quartier_id, committee.parent_id = quartier_id or None, parent_id or None
    committee.programme_id, committee.established_on = programme.id, established_on


def create_committee(scope, **fields):
    """Create a committee. Errors: no name, commune outside the area, programme not covering it, a
    parent that is not a CLSP of the same province, a CLSP with a parent, a date in the future."""
    committee = Committee()
    _apply_committee(scope, committee, **fields)
    db.session.add(committee)
    db.session.flush()
    return committee


def update_committee(scope, committee, **fields):
    _apply_committee(scope, committee, **fields)
    db.session.flush()
    return committee


def child_committees(committee):
    return db.session.scalars(select(Committee).where(Committee.parent_id == committee.id)
                              .order_by(Committee.name)).all()


# --- dashboard -------------------------------------------------------------------------------

@dashboard_provider(per_user=True)  # its cards: SQL figures of the user's area (and day)
def committee_cards(user, scope):
    in_area = scope.filter(Committee.province_id, Committee.commune_id)
    committees = select(func.count()).select_from(Committee).where(in_area).scalar_subquery()
    # SQL figures: counted by core with the page's other cards, in one statement
    if user.role not in STAFF_ROLES:  # the overdue items are not counted for a card the user would not see
        return [Card(_l("Committees and forums in your area"), committees, "committees.committee_list")]
    overdue = (select(func.count()).select_from(ActionItem).join(Committee, Committee.id == ActionItem.committee_id)
               .where(in_area, ActionItem.status.in_(OPEN_ACTION_STATUSES), ActionItem.due_date < date.today())
               .scalar_subquery())
    return [Card(_l("Committees and forums in your area"), committees, "committees.committee_list"),
            Card(_l("Overdue action items"), overdue, "committees.action_item_list", roles=STAFF_ROLES)]


@today_provider(roles={"project_officer"})
def officer_today(user, scope):
    """Open action items overdue (first) and due within a week, and the meetings of the coming week: two queries."""
    from datetime import datetime, timedelta, timezone

    from flask import url_for
    from flask_babel import ngettext
    from sqlalchemy import bindparam

    from cpms.committees.models import Meeting
    from cpms.core.dashboard import kept_rows
    from cpms.core.templating import url_pattern
    from cpms.geo.reference import DEFAULT_ZONE
    from cpms.geo.time import format_local, local_day

    now = datetime.now(timezone.utc)
    today = local_day(now, DEFAULT_ZONE)

    def items_due():
        return (select(func.count().filter(ActionItem.due_date < today),
                       func.count().filter(ActionItem.due_date.between(today, today + timedelta(days=7))))
                .select_from(ActionItem).join(Committee, Committee.id == ActionItem.committee_id)
                .where(scope.filter(Committee.province_id, Committee.commune_id),
                       ActionItem.status.in_(OPEN_ACTION_STATUSES)))

    def meetings_of_the_week():  # the moment is a parameter
        since, until = bindparam("since", type_=Meeting.starts_at.type), bindparam("until", type_=Meeting.starts_at.type)
        return (select(Meeting.id, Meeting.starts_at, Committee.name, Province.time_zone)
                .join(Committee, Committee.id == Meeting.committee_id).join(Province, Province.id == Committee.province_id)
                .where(scope.filter(Committee.province_id, Committee.commune_id), Meeting.status == "planned",
                       Meeting.starts_at >= since, Meeting.starts_at < until)
                .order_by(Meeting.starts_at, Meeting.id).limit(8))

    # built once per user, area and day (core keeps them)
    overdue, soon = kept_rows(user, scope, ("committees.today.items", today), items_due)[0]
    lines = []
    if overdue:
        lines.append(TodayLine(ngettext("%(num)d action item overdue", "%(num)d action items overdue", overdue),
                               url_for("committees.action_item_list", overdue=1), urgent=True))
    if soon:
        lines.append(TodayLine(ngettext("%(num)d action item due within a week",
                                        "%(num)d action items due within a week", soon),
                               url_for("committees.action_item_list")))
    meetings = kept_rows(user, scope, ("committees.today.meetings",), meetings_of_the_week,
                         {"since": now, "until": now + timedelta(days=7)})
    several_zones = len({zone for *_rest, zone in meetings}) > 1  # name the zone only when the list mixes them
    meeting_url = url_pattern("committees.meeting_detail", "meeting_id")
    for meeting_id, starts_at, committee, zone in meetings:
        lines.append(TodayLine(_("Meeting of %(committee)s, %(when)s", committee=committee,
                                 when=format_local(starts_at, zone or DEFAULT_ZONE, fmt="short", zone=several_zones)),
                               meeting_url(meeting_id)))
    return lines
