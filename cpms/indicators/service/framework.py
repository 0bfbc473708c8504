"""The results framework: programme settings, goal → outcomes → outputs, the indicator library, the indicators of
a programme with their baseline and life-of-programme target.

Services take the acting user, check the rules, flush and raise DomainError saying what to fix; views commit.
Targets: targets.py; entered values: entries.py; figures: values.py; reports: reports.py; locking: locking.py.
"""
import re

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from cpms.core.dashboard import Card, TodayLine, dashboard_provider, today_provider
from cpms.core.errors import DomainError
from cpms.extensions import db
from cpms.indicators.models import (
    Indicator,
    IndicatorValue,
    PeriodLock,
    ProgrammeIndicator,
    ResultNode,
    ResultsFramework,
    Target,
)
from cpms.indicators.reference import (
    AGGREGATIONS,
    AREA_DIMENSIONS,
    DIMENSIONS,
    DIRECTIONS,
    ENTERED_DIMENSIONS,
    LEVELS,
    PARENT_LEVEL,
    SOURCES,
    TARGET_CHECKS,
    UNITS,
)
from cpms.indicators.registry import computations, library_aggregation
from cpms.indicators.service import periods as P
from cpms.programmes.models import Programme
from cpms.programmes.service import visible_programmes

CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,29}$")


# --- programme settings ----------------------------------------------------------------------------------------

def settings_of(programme_id):
    """The programme's ResultsFramework row, or an unsaved default one (fiscal year = calendar year). Read once per
    database session (a request), as every page of a programme needs it several times."""
    cache = db.session.info.setdefault("indicator_settings", {})
    if programme_id not in cache:
        row = db.session.scalar(select(ResultsFramework).where(ResultsFramework.programme_id == programme_id))
        cache[programme_id] = row or ResultsFramework(programme_id=programme_id, fiscal_year_start_month=1,
                                                      target_check="refuse")
    return cache[programme_id]


def save_settings(programme, *, fiscal_year_start_month, target_check, dhis2_data_set="",
                  dhis2_attribute_option_combo=""):
    """Errors: month outside 1–12, unknown check; a new fiscal year start once targets, values or locks exist
    (their periods would no longer be the donor's); a malformed DHIS2 identifier."""
    from cpms.indicators.service.dhis2 import check_uid
    if fiscal_year_start_month not in range(1, 13):
        raise DomainError(_("Choose the month the fiscal year starts."), field="fiscal_year_start_month")
    if target_check not in TARGET_CHECKS:
        raise DomainError(_("Choose what happens when targets disagree."), field="target_check")
    settings = settings_of(programme.id)
    if settings.fiscal_year_start_month != fiscal_year_start_month and _has_periods(programme.id):
        raise DomainError(_("The fiscal year cannot change once targets, values or locked periods exist: their "
                            "quarters would no longer match the donor's."), field="fiscal_year_start_month")
    settings.fiscal_year_start_month, settings.target_check = fiscal_year_start_month, target_check
    settings.dhis2_data_set = check_uid(dhis2_data_set, "dhis2_data_set")
    settings.dhis2_attribute_option_combo = check_uid(dhis2_attribute_option_combo, "dhis2_attribute_option_combo")
    db.session.add(settings)
    db.session.flush()
    return settings


def _has_periods(programme_id):
    indicators = select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id == programme_id)
    return db.session.scalar(select(
        exists().where(Target.programme_indicator_id.in_(indicators))
        | exists().where(IndicatorValue.programme_indicator_id.in_(indicators))
        | exists().where(PeriodLock.programme_id == programme_id)))


def programme_years(programme, start_month):
    """The fiscal years a programme spans."""
    end = programme.end_date or programme.start_date.replace(year=programme.start_date.year + 5)
    return P.periods_between(programme.start_date, end, "year", start_month)


def programme_span(programme, start_month, until=None):
    """The life of the programme (up to `until` when given), as a span period."""
    end = programme.end_date or until or programme.start_date
    if until is not None:
        end = min(end, until)
    return P.span(programme.start_date, end, start_month)


# --- the library -------------------------------------------------------------------------------------------

def library(active_only=False):
    stmt = select(Indicator).order_by(Indicator.code)
    if active_only:
        stmt = stmt.where(Indicator.is_active.is_(True))
    return stmt


def _apply_indicator(indicator, *, code, name_en, name_fr, definition, unit, direction, aggregation, source,  # noqa: C901
                     computation, computation_param, disaggregations, is_active):
    code = (code or "").strip().upper()
    if not CODE.match(code):
        raise DomainError(_("Enter a code of capital letters, digits, dots or dashes (at most 30), e.g. TRN-1."),
                          field="code")
    clash = db.session.scalar(select(Indicator.id).where(Indicator.code == code))
    if clash is not None and clash != indicator.id:
        raise DomainError(_("Another indicator of the library already has the code %(code)s.", code=code), field="code")
    if not (name_en or "").strip() or not (name_fr or "").strip():
        raise DomainError(_("Enter the name in English and in French."), field="name_en" if not (name_en or "").strip()
                          else "name_fr")
    if source == "computed" and computation in computations():
        # a computed indicator aggregates over periods as its computation declares (targets follow it too)
        aggregation = library_aggregation(computations()[computation].aggregation)
    for value, allowed, field in ((unit, UNITS, "unit"), (direction, DIRECTIONS, "direction"),
                                  (aggregation, AGGREGATIONS, "aggregation"), (source, SOURCES, "source")):
        if value not in allowed:
            raise DomainError(_("Choose a value from the list."), field=field)
    disaggregations = list(dict.fromkeys(disaggregations or []))
    unknown = [d for d in disaggregations if d not in DIMENSIONS]
    if unknown:
        raise DomainError(_("Unknown disaggregation: %(names)s.", names=", ".join(unknown)), field="disaggregations")
    if source == "computed":
        known = computations()
        if computation not in known:
            raise DomainError(_("Choose the computation of a computed indicator."), field="computation")
        unsupported = [str(DIMENSIONS[d]) for d in disaggregations if d not in known[computation].dimensions]
        if unsupported:
            raise DomainError(_("This computation cannot be broken down by %(names)s.", names=", ".join(unsupported)),
                              field="disaggregations")
        computation_param = (computation_param or "").strip() or known[computation].default_param
    else:
        unsupported = [str(DIMENSIONS[d]) for d in disaggregations if d not in ENTERED_DIMENSIONS + AREA_DIMENSIONS]
        if unsupported:
            raise DomainError(_("Entered values cannot be broken down by %(names)s.", names=", ".join(unsupported)),
                              field="disaggregations")
        computation, computation_param = None, ""
    indicator.code, indicator.name_en, indicator.name_fr = code, name_en.strip(), name_fr.strip()
    indicator.definition = (definition or "").strip()
    indicator.unit, indicator.direction, indicator.aggregation, indicator.source = unit, direction, aggregation, source
    indicator.computation, indicator.computation_param = computation, computation_param
    indicator.disaggregations, indicator.is_active = disaggregations, bool(is_active)


def create_indicator(**fields):
    """Add an indicator to the shared library. Errors: bad or duplicate code, a name missing, a computed
    indicator without a known computation, a disaggregation its source cannot give."""
    indicator = Indicator()
    _apply_indicator(indicator, **fields)
    db.session.add(indicator)
    db.session.flush()
    return indicator


def update_indicator(indicator, **fields):
    _apply_indicator(indicator, **fields)
    db.session.flush()
    return indicator


# --- goal, outcomes, outputs -------------------------------------------------------------------------------

def programme_nodes(programme_id):
    return db.session.scalars(select(ResultNode).where(ResultNode.programme_id == programme_id)
                              .order_by(ResultNode.position, ResultNode.code)).all()


def save_node(programme, node=None, *, level, code, title_en, title_fr, parent_id=None, position=0):
    """Create or edit the goal, an outcome or an output. Errors: a second goal, a parent of the wrong level or of
    another programme, a duplicate code, a title missing."""
    if level not in LEVELS:
        raise DomainError(_("Choose the level."), field="level")
    code = (code or "").strip().upper()
    if not CODE.match(code):
        raise DomainError(_("Enter a short code of capital letters, digits or dots, e.g. OC1 or OP1.2."), field="code")
    clash = db.session.scalar(select(ResultNode.id).where(ResultNode.programme_id == programme.id,
                                                          ResultNode.code == code))
    if clash is not None and (node is None or clash != node.id):
        raise DomainError(_("This framework already has an element coded %(code)s.", code=code), field="code")
    if not (title_en or "").strip() or not (title_fr or "").strip():
        raise DomainError(_("Enter the title in English and in French."), field="title_en")
    parent = db.session.get(ResultNode, parent_id) if parent_id else None
    expected = PARENT_LEVEL[level]
    if expected is None:
        goal = db.session.scalar(select(ResultNode.id).where(ResultNode.programme_id == programme.id,
                                                             ResultNode.level == "goal"))
        if goal is not None and (node is None or goal != node.id):
            raise DomainError(_("The framework already has a goal; add outcomes under it."), field="level")
        parent = None
    elif parent is None or parent.programme_id != programme.id or parent.level != expected:
        message = (_("An outcome sits under the goal: add the goal first, then choose it.") if level == "outcome"
                   else _("An output sits under an outcome: choose one."))
        raise DomainError(message, field="parent_id")
    node = node or ResultNode(programme_id=programme.id)
    node.level, node.code, node.parent_id = level, code, parent.id if parent else None
    node.title_en, node.title_fr, node.position = title_en.strip(), title_fr.strip(), position or 0
    db.session.add(node)
    db.session.flush()
    return node


# --- a programme's indicators --------------------------------------------------------------------------------

def tree_order(nodes):
    """{node id: rank} in framework order: the goal, then each outcome followed by its outputs (by position, code)."""
    children = {}
    for node in sorted(nodes, key=lambda n: (n.position, n.code)):
        children.setdefault(node.parent_id, []).append(node)
    order, stack = {}, list(reversed(children.get(None, [])))
    known = {n.id for n in nodes}
    stack += [n for parent, kids in children.items() if parent is not None and parent not in known for n in kids]
    while stack:
        node = stack.pop()
        order[node.id] = len(order)
        stack.extend(reversed(children.get(node.id, [])))
    return order


def programme_indicators(programme_id):
    """The programme's indicators in framework order (two queries)."""
    order = tree_order(programme_nodes(programme_id))
    pis = db.session.scalars(select(ProgrammeIndicator).where(ProgrammeIndicator.programme_id == programme_id)).all()
    return sorted(pis, key=lambda pi: (order.get(pi.node_id, len(order)), pi.position, pi.code))


def _apply_programme_indicator(pi, programme, *, node_id, indicator_id, code, baseline_value, baseline_date,
                               lop_target, notes="", position=0):
    node = db.session.get(ResultNode, node_id) if node_id else None
    if node is None or node.programme_id != programme.id:
        raise DomainError(_("Choose the goal, outcome or output the indicator measures."), field="node_id")
    indicator = db.session.get(Indicator, indicator_id) if indicator_id else None
    if indicator is None:
        raise DomainError(_("Choose an indicator of the library."), field="indicator_id")
    clash = db.session.scalar(select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id == programme.id,
                                                                  ProgrammeIndicator.indicator_id == indicator.id))
    if clash is not None and clash != pi.id:
        raise DomainError(_("This indicator is already in the programme's framework."), field="indicator_id")
    code = (code or "").strip().upper() or indicator.code
    if not CODE.match(code):
        raise DomainError(_("Enter a code of capital letters, digits, dots or dashes (at most 30), e.g. TRN-1."),
                          field="code")
    clash = db.session.scalar(select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id == programme.id,
                                                                  ProgrammeIndicator.code == code))
    if clash is not None and clash != pi.id:
        raise DomainError(_("Another indicator of this framework has the code %(code)s.", code=code), field="code")
    if baseline_value is not None and baseline_date is None:
        raise DomainError(_("Enter the date of the baseline value."), field="baseline_date")
    for value, field in ((baseline_value, "baseline_value"), (lop_target, "lop_target")):
        if value is not None and value < 0:
            raise DomainError(_("Values cannot be negative."), field=field)
        if value is not None and value > 100 and indicator.unit == "percentage":
            raise DomainError(_("A percentage cannot exceed 100."), field=field)
    pi.node_id, pi.indicator_id, pi.code = node.id, indicator.id, code
    pi.baseline_value, pi.baseline_date, pi.lop_target = baseline_value, baseline_date, lop_target
    pi.notes, pi.position = (notes or "").strip(), position or 0
    return pi


def add_programme_indicator(programme, **fields):
    """Put a library indicator in a programme's framework. Errors: element of another programme, indicator
    already there, duplicate code, a baseline without its date, negative values, a percentage above 100."""
    pi = ProgrammeIndicator(programme_id=programme.id)
    _apply_programme_indicator(pi, programme, **fields)
    db.session.add(pi)
    db.session.flush()
    return pi


def update_programme_indicator(pi, programme, **fields):
    """Edit an indicator of a framework; a new life-of-programme target is checked against the period targets
    (refused or flagged, as the programme's settings say)."""
    from cpms.indicators.service.targets import check_targets, refuse_or_warn, targets_of
    _apply_programme_indicator(pi, programme, **fields)
    warnings = check_targets(pi, targets_of(pi), programme)
    refuse_or_warn(programme, warnings)
    db.session.flush()
    return warnings


@dashboard_provider(per_user=True)  # its cards: SQL figures of the user's area (and day)
def indicator_cards(user, scope):
    """Home dashboard: indicators in the user's programmes; values awaiting approval (M&E officers, admins)."""
    from flask_babel import lazy_gettext as _l

    from cpms.core.permissions import ADMIN, ME_OFFICER

    visible = visible_programmes(scope).with_only_columns(Programme.id).order_by(None)
    in_frameworks = select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id.in_(visible))
    indicators = select(func.count()).select_from(in_frameworks.subquery()).scalar_subquery()
    # SQL figures: counted by core with the page's other cards, in one statement
    if user.role not in (ADMIN, ME_OFFICER):
        return [Card(_l("Indicators in the results frameworks"), indicators, "indicators.index")]
    waiting = select(func.count()).select_from(IndicatorValue).where(
        IndicatorValue.status == "submitted", IndicatorValue.programme_indicator_id.in_(in_frameworks)).scalar_subquery()
    return [Card(_l("Indicators in the results frameworks"), indicators, "indicators.index"),
            Card(_l("Indicator values awaiting approval"), waiting, "indicators.review_queue",
                 roles=frozenset({ADMIN, ME_OFFICER}))]


@today_provider(roles={"me_officer"})
def me_officer_today(user, scope):
    """Indicator values waiting for the M&E officer's approval (one query)."""
    from flask import url_for
    from flask_babel import ngettext

    visible = visible_programmes(scope).with_only_columns(Programme.id).order_by(None)
    waiting = db.session.scalar(select(func.count()).select_from(IndicatorValue).where(
        IndicatorValue.status == "submitted", IndicatorValue.programme_indicator_id.in_(
            select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id.in_(visible)))))
    if not waiting:
        return []
    return [TodayLine(ngettext("%(num)d indicator value awaiting your approval",
                               "%(num)d indicator values awaiting your approval", waiting),
                      url_for("indicators.review_queue"), urgent=True)]


@today_provider(roles={"me_officer"})
def periods_closing_today(user, scope, today=None):
    """For each programme running today: the quarter that closes within two weeks, and the last quarter when it is
    over and not locked yet (two queries)."""
    from datetime import date as _date
    from datetime import timedelta

    from flask import url_for
    from flask_babel import format_date

    from cpms.indicators.models import PeriodLock

    today = today or _date.today()
    running = db.session.execute(
        visible_programmes(scope).with_only_columns(Programme.id, Programme.name, Programme.start_date,
                                                   ResultsFramework.fiscal_year_start_month)
        .outerjoin(ResultsFramework, ResultsFramework.programme_id == Programme.id)
        .where(Programme.start_date <= today, Programme.end_date >= today)).all()
    locked = {(pid, start) for pid, start in db.session.execute(
        select(PeriodLock.programme_id, PeriodLock.period_start).where(
            PeriodLock.period_kind == "quarter", PeriodLock.programme_id.in_([row[0] for row in running])))}
    lines = []
    for programme_id, name, started, start_month in running:
        current = P.containing(today, "quarter", start_month or 1)
        last = P.containing(current.start - timedelta(days=1), "quarter", start_month or 1)
        # locking freezes the whole programme's figures: only an account that sees the whole country can
        if scope.is_national and (programme_id, last.start) not in locked and last.end >= started:
            lines.append(TodayLine(_("%(programme)s: %(period)s ended on %(day)s and is not locked yet",
                                     programme=name, period=last.label, day=format_date(last.end, "medium")),
                                   url_for("indicators.report", programme_id=programme_id, period=last.key),
                                   urgent=True))
        if (current.end - today).days <= 14:
            lines.append(TodayLine(_("%(programme)s: %(period)s closes on %(day)s", programme=name,
                                     period=current.label, day=format_date(current.end, "medium")),
                                   url_for("indicators.report", programme_id=programme_id, period=current.key)))
    return lines


@today_provider(roles={"viewer", "me_officer"})
def progress_today(user, scope):
    """The programmes running today, each linking to its progress against targets (one query)."""
    from datetime import date as _date

    from flask import url_for

    today = _date.today()
    running = db.session.execute(visible_programmes(scope).with_only_columns(Programme.id, Programme.name)
                                 .where(Programme.start_date <= today, Programme.end_date >= today)).all()
    return [TodayLine(_("%(programme)s: progress against targets", programme=name),
                      url_for("indicators.report", programme_id=programme_id))
            for programme_id, name in running]
