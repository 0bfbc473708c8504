"""Committee indicators (the local security plans' are in cpms/plans/indicators.py).

- functional CLSPs: CLSPs of the programme that held at least N meetings in the quarter, N being the indicator's
  parameter or else INDICATOR_CLSP_MIN_MEETINGS; a state ("latest"): a half-year, a year or the programme to date
  counts the CLSPs functional in its last quarter (the engine computes it so), not those with 4 N meetings;
- meetings held: meetings of any committee of the programme marked held, dated in the period;
- share of women among members: members of the programme's committees on the last day of the period ("latest");
- action items done on time: among the items due in the period (dropped ones left out), the share closed as done
  on or before their due date;
"""
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select

from cpms.committees.models import COMMITTEE_KINDS, ActionItem, Committee, Meeting, Member
from cpms.geo.models import Province
from cpms.geo.time import on_local_days
from cpms.indicators.registry import DrillDown, computed_indicator, drilldown_for, grouped_for

AREA = ("province", "commune")
COMMITTEE_PLACE = _l("The committee's commune.")
COMMITTEE_DIMENSIONS = ("province", "commune", "committee_kind")


def committee_columns():
    return {"province": Committee.province_id, "commune": Committee.commune_id, "committee_kind": Committee.kind}


def of_programme(ctx):
    return and_(Committee.programme_id == ctx.programme_id, ctx.in_area(Committee.province_id, Committee.commune_id))


def _held_in(start, end, zone=None):
    """Held meetings dated in the period on the committee's local calendar (its province's time zone: `zone`, the
    column of a Province the statement joins, else looked up for each meeting)."""
    if zone is None:
        zone = (select(Province.time_zone).join(Committee, Committee.province_id == Province.id)
                .where(Committee.id == Meeting.committee_id).scalar_subquery())
    return and_(Meeting.status == "held", on_local_days(Meeting.starts_at, zone, start, end))


def required_meetings(ctx, start, end):
    """Meetings needed in a quarter (the engine computes this "latest" indicator quarter by quarter)."""
    try:
        return int(ctx.param) if ctx.param else current_app.config["INDICATOR_CLSP_MIN_MEETINGS"]
    except ValueError:
        return current_app.config["INDICATOR_CLSP_MIN_MEETINGS"]


def _meeting_counts(ctx, start, end):
    """Held meetings per CLSP of the programme in the period. Only the programme's CLSPs: the local days' bounds
    depend on the zone, so no index finds a period's meetings, and those of every committee in the country were
    counted for each quarter (a fifth of the national report's time on SQLite)."""
    # the zone by a join, not a subquery per meeting (which PostgreSQL ran for every meeting of every quarter)
    return (select(Meeting.committee_id, func.count().label("held"))
            .join(Committee, Committee.id == Meeting.committee_id).join(Province, Province.id == Committee.province_id)
            .where(Committee.programme_id == ctx.programme_id, Committee.kind == "clsp",
                   _held_in(start, end, Province.time_zone)).group_by(Meeting.committee_id).subquery())


@computed_indicator("functional_clsps", label=_l("Functional local security committees (CLSP)"), unit="count",
                    aggregation="latest", dimensions=AREA, param_label=_l("Meetings needed per quarter"),
                    dated_by=_l("The date of the meetings held (a quarter's meetings); a longer period: its last "
                                "quarter."), place=COMMITTEE_PLACE,
                    description=_l("CLSPs that held at least the required number of meetings in the quarter; over a "
                                   "half-year, a year or the programme to date: those functional in its last "
                                   "quarter."))
def functional_clsps(ctx, start, end):
    def build():
        key = ctx.category(committee_columns())
        return ctx.grouped(select(key, func.count()).select_from(Committee)
                           .where(of_programme(ctx), Committee.kind == "clsp"), key)
    held = _meeting_counts(ctx, start, end)
    return (ctx.statement("functional_clsps", build).join(held, held.c.committee_id == Committee.id)
            .where(held.c.held >= required_meetings(ctx, start, end)))


@computed_indicator("committee_meetings_held", label=_l("Committee and forum meetings held"), unit="count",
                    aggregation="sum", dated_by=_l("The meeting's date."), place=COMMITTEE_PLACE,
                    dimensions=COMMITTEE_DIMENSIONS,
                    description=_l("Meetings of the programme's committees and forums marked held, dated in the "
                                   "period."))
def meetings_held(ctx, start, end):
    def build():
        key = ctx.category(committee_columns())
        return ctx.grouped(select(key, func.count(Meeting.id)).select_from(Meeting)
                           .join(Committee, Committee.id == Meeting.committee_id)
                           .join(Province, Province.id == Committee.province_id).where(of_programme(ctx)), key)
    return ctx.statement("meetings_held", build).where(_held_in(start, end, Province.time_zone))


def _members_on(day):
    return and_(Member.start_date <= day, or_(Member.end_date.is_(None), Member.end_date >= day))


@computed_indicator("committee_women_share", label=_l("Share of women among committee members"), unit="percentage",
                    aggregation="latest", dimensions=COMMITTEE_DIMENSIONS, place=COMMITTEE_PLACE,
                    dated_by=_l("Membership on the last day of the period."),
                    description=_l("Women among the members of the programme's committees on the last day of the "
                                   "period."))
def women_share(ctx, start, end):
    def build():
        key = ctx.category(committee_columns())
        women = func.sum(case((Member.sex == "F", 1), else_=0))
        return ctx.grouped(select(key, 100.0 * women / func.nullif(func.count(Member.id), 0)).select_from(Member)
                           .join(Committee, Committee.id == Member.committee_id).where(of_programme(ctx)), key)
    return ctx.statement("women_share", build).where(_members_on(end))


def _due_in(start, end):
    return and_(ActionItem.due_date >= start, ActionItem.due_date <= end, ActionItem.status != "dropped")


def _on_time():
    return and_(ActionItem.status == "done", ActionItem.closed_on <= ActionItem.due_date)


@computed_indicator("action_items_on_time", label=_l("Share of action items done on time"), unit="percentage",
                    aggregation="ratio", dimensions=COMMITTEE_DIMENSIONS, place=COMMITTEE_PLACE,
                    dated_by=_l("The action item's due date."),
                    description=_l("Among the action items due in the period (dropped ones left out), the share "
                                   "closed as done on or before their due date."))
def action_items_on_time(ctx, start, end):
    def build():
        key = ctx.category(committee_columns())
        done = func.sum(case((_on_time(), 1), else_=0))
        return ctx.grouped(select(key, 100.0 * done / func.nullif(func.count(ActionItem.id), 0))
                           .select_from(ActionItem).join(Committee, Committee.id == ActionItem.committee_id)
                           .where(of_programme(ctx)), key)
    return ctx.statement("action_items_on_time", build).where(_due_in(start, end))


@grouped_for("action_items_on_time")
def action_items_on_time_grouped(ctx, periods):
    """Every period at once: the programme's action items read once (through its committees – a period's dates led
    the database through the items of every programme, all of them for the programme to date), then counted in
    each period."""
    def build():
        key = ctx.category(committee_columns())
        return (select(key, ActionItem.due_date.label("due_date"), case((_on_time(), 1), else_=0).label("on_time"))
                .select_from(ActionItem).join(Committee, Committee.id == ActionItem.committee_id)
                .where(of_programme(ctx), ActionItem.status != "dropped").subquery("programme_action_items"))
    items = ctx.statement("programme_action_items", build)
    share = 100.0 * func.sum(items.c.on_time) / func.nullif(func.count(items.c.due_date), 0)
    return (select(items.c.category, share, periods.c.idx).select_from(periods)
            .outerjoin(items, and_(items.c.due_date >= periods.c.start, items.c.due_date <= periods.c.end))
            .group_by(periods.c.idx, items.c.category))


# --- drill-downs ---------------------------------------------------------------------------------------------

def committee_cell(committee):
    return (committee.name, url_for("committees.committee_detail", committee_id=committee.id))


@drilldown_for("functional_clsps")
def functional_records(ctx, start, end, category):
    held = _meeting_counts(ctx, start, end)
    stmt = (select(Committee, held.c.held).join(held, held.c.committee_id == Committee.id)
            .where(of_programme(ctx), Committee.kind == "clsp", held.c.held >= required_meetings(ctx, start, end),
                   ctx.matches(committee_columns(), category)).order_by(Committee.name))
    return DrillDown(stmt, [_("Committee"), _("Commune"), _("Meetings held")],
                     lambda r: [committee_cell(r[0]), r[0].commune.name, r[1]], scalars=False,
                     note=_("At least %(n)d meetings needed in the period.", n=required_meetings(ctx, start, end)))


@drilldown_for("committee_meetings_held")
def meeting_records(ctx, start, end, category):
    stmt = (select(Meeting).join(Committee, Committee.id == Meeting.committee_id)
            .where(of_programme(ctx), _held_in(start, end), ctx.matches(committee_columns(), category))
            .order_by(Meeting.starts_at, Meeting.id))
    return DrillDown(stmt, [_("Meeting"), _("Committee"), _("Kind")],
                     lambda m: [(m.starts_at.date().isoformat(), url_for("committees.meeting_detail", meeting_id=m.id)),
                                committee_cell(m.committee), str(m.kind_label)])


@drilldown_for("committee_women_share")
def membership_records(ctx, start, end, category):
    women = func.sum(case((Member.sex == "F", 1), else_=0))
    counts = (select(Member.committee_id, women.label("women"), func.count(Member.id).label("members"))
              .where(_members_on(end)).group_by(Member.committee_id).subquery())
    stmt = (select(Committee, counts.c.women, counts.c.members).join(counts, counts.c.committee_id == Committee.id)
            .where(of_programme(ctx), ctx.matches(committee_columns(), category)).order_by(Committee.name))
    return DrillDown(stmt, [_("Committee"), _("Commune"), _("Women"), _("Members")],
                     lambda r: [committee_cell(r[0]), r[0].commune.name, int(r[1] or 0), r[2]], scalars=False)


@drilldown_for("action_items_on_time")
def action_records(ctx, start, end, category):
    stmt = (select(ActionItem, case((_on_time(), True), else_=False)).join(Committee, Committee.id == ActionItem.committee_id)
            .where(of_programme(ctx), _due_in(start, end), ctx.matches(committee_columns(), category))
            .order_by(ActionItem.due_date, ActionItem.id))
    return DrillDown(stmt, [_("Action item"), _("Committee"), _("Due"), _("Status"), _("Closed on"), _("On time")],
                     lambda r: [r[0].description, committee_cell(r[0].committee), r[0].due_date.isoformat(),
                                str(r[0].status_label), r[0].closed_on.isoformat() if r[0].closed_on else "",
                                _("yes") if r[1] else _("no")], scalars=False)


# --- the disaggregation committees own (declared in cpms/committees/__init__.py) -----------------------------------

def committee_kind_labels(keys):
    return {key: str(COMMITTEE_KINDS[key]) for key in keys if key in COMMITTEE_KINDS}
