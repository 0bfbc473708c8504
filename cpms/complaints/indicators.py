"""Complaints and feedback in the results framework: cases received, the shares acknowledged and answered within
their deadlines, the satisfaction of the people answered, and the sensitive cases as a bare count.

Every figure but the last counts the **non-sensitive** cases only: their breakdowns by category, channel, sex
and commune can then show small numbers without exposing anybody. Sensitive cases (SEA, child safeguarding, SGBV,
fraud) appear only in `sensitive_cases_received`, a total by province whose cells of 1 to 4 are withheld (no
value), as on the figures page. A case counts in a programme when its commune lies in one of the programme's
provinces (cases sent without a commune count in no programme). The drill-down of each non-sensitive figure lists
its cases (receipt code, category, channel, commune, day received, stage; never the account or the contact), each
linking to the case's page, where the complaints' own access rules apply; sensitive cases have none.
"""
from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, literal, or_, select

from cpms.complaints.models import CATEGORIES, CHANNELS, STATUSES, Complaint, Referral
from cpms.geo.models import Commune, Province
from cpms.geo.time import local_date_of, on_local_days
from cpms.indicators.registry import DrillDown, computed_indicator, drilldown_for
from cpms.programmes.models import programme_provinces

PLACE = _l("The commune the person gave for the case (cases without a commune count in no programme).")
DIMENSIONS = ("province", "commune", "sex", "complaint_category", "complaint_channel")
MIN_CELL = 5
ASKED = ("satisfied", "partly", "not_satisfied")


def category_labels(keys):
    return {key: str(CATEGORIES[key]) for key in keys if key in CATEGORIES}


def channel_labels(keys):
    return {key: str(CHANNELS[key]) for key in keys if key in CHANNELS}


def _columns():
    return {"province": Commune.province_id, "commune": Complaint.commune_id, "sex": Complaint.sex,
            "complaint_category": Complaint.category, "complaint_channel": Complaint.channel}


def _of_programme(ctx, sensitive=False):
    in_programme = select(programme_provinces.c.province_id).where(
        programme_provinces.c.programme_id == ctx.programme_id)
    return and_(Complaint.is_sensitive.is_(sensitive), Commune.province_id.in_(in_programme),
                ctx.in_area(Commune.province_id, Complaint.commune_id))


def _cases(ctx, name, value):
    """SELECT category, value FROM the programme's non-sensitive cases (the period's conditions added by the
    caller)."""
    def build():
        key = ctx.category(_columns())
        return ctx.grouped(select(key, value).select_from(Complaint)
                           .join(Commune, Commune.id == Complaint.commune_id).where(_of_programme(ctx)), key)
    return ctx.statement(name, build)


def _zone():
    return select(Province.time_zone).where(Province.id == Commune.province_id).scalar_subquery()


def _local_days(timestamp, start, end):
    """The case's moment falls on those days of the calendar of its commune's province (its time zone)."""
    return on_local_days(timestamp, _zone(), start, end)


def _done_by(timestamp, deadline):
    """The act (a UTC moment) fell on or before the deadline's day, on the calendar of the case's province."""
    return and_(timestamp.is_not(None), local_date_of(timestamp, _zone()) <= deadline)


def _received_in(start, end):
    return _local_days(Complaint.received_at, start, end)


def _share(condition):
    return 100.0 * func.sum(case((condition, 1), else_=0)) / func.nullif(func.count(Complaint.id), 0)


@computed_indicator("complaints_received", label=_l("Complaints and feedback received"), unit="count",
                    aggregation="sum", dimensions=DIMENSIONS, place=PLACE,
                    dated_by=_l("The day the case was received (local time of its province)."),
                    description=_l("Complaints, feedback and requests for information received through every "
                                   "channel, sensitive cases left out (they are counted apart)."))
def complaints_received(ctx, start, end):
    return _cases(ctx, "complaints_received", func.count(Complaint.id)).where(_received_in(start, end))


@computed_indicator("complaints_acknowledged_on_time", label=_l("Share of complaints acknowledged on time"),
                    unit="percentage", aggregation="ratio", dimensions=DIMENSIONS, place=PLACE,
                    dated_by=_l("The case's acknowledgement deadline."),
                    description=_l("Among the non-sensitive cases whose acknowledgement deadline falls in the period "
                                   "(and has come), the share acknowledged on or before it."))
def acknowledged_on_time(ctx, start, end):
    return _cases(ctx, "complaints_acknowledged_on_time", _share(_acknowledged_on_time())).where(
        *_acknowledgement_due(ctx, start, end))


def _acknowledged_on_time():
    return _done_by(Complaint.acknowledged_at, Complaint.acknowledge_by)


def _acknowledgement_due(ctx, start, end):
    last = min(end, ctx.today) if ctx.today else end
    return Complaint.acknowledge_by >= start, Complaint.acknowledge_by <= last


def _answer_due(ctx, start, end):
    last = min(end, ctx.today) if ctx.today else end
    return Complaint.answer_by >= start, Complaint.answer_by <= last


def _responded_on_time():
    answered = _done_by(Complaint.answered_at, Complaint.answer_by)
    referred = exists().where(Referral.complaint_id == Complaint.id, Referral.referred_on <= Complaint.answer_by)
    return or_(answered, referred)


@computed_indicator("complaints_answered_on_time", label=_l("Share of complaints answered or referred on time"),
                    unit="percentage", aggregation="ratio", dimensions=DIMENSIONS, place=PLACE,
                    dated_by=_l("The case's answer deadline."),
                    description=_l("Among the non-sensitive cases whose answer deadline falls in the period (and has "
                                   "come), the share answered, or referred to another service, on or before it."))
def answered_on_time(ctx, start, end):
    return _cases(ctx, "complaints_answered_on_time", _share(_responded_on_time())).where(*_answer_due(ctx, start, end))


@computed_indicator("complaints_satisfaction", label=_l("Share of people satisfied with the answer to their case"),
                    unit="percentage", aggregation="ratio", dimensions=DIMENSIONS, place=PLACE,
                    dated_by=_l("The day the case was closed (local time of its province)."),
                    description=_l("Among the non-sensitive cases closed in the period whose author was asked, the "
                                   "share who said they were satisfied."))
def satisfaction(ctx, start, end):
    return _cases(ctx, "complaints_satisfaction", _share(Complaint.satisfaction == "satisfied")).where(
        *_asked_in(start, end))


def _asked_in(start, end):
    return _local_days(Complaint.closed_at, start, end), Complaint.satisfaction.in_(ASKED)


@computed_indicator("sensitive_cases_received", label=_l("Sensitive cases received"), unit="count",
                    aggregation="sum", dimensions=("province",), place=PLACE,
                    dated_by=_l("The day the case was received (local time of its province)."),
                    description=_l("Cases of sexual exploitation or abuse, child safeguarding, sexual or gender-based "
                                   "violence and fraud or corruption, as a count only; a count of 1 to 4 is withheld "
                                   "(no value) so that nobody can be recognised."))
def sensitive_received(ctx, start, end):
    key = ctx.category({"province": Commune.province_id})
    count = func.count(Complaint.id)
    stmt = (select(key, count).select_from(Complaint).join(Commune, Commune.id == Complaint.commune_id)
            .where(_of_programme(ctx, sensitive=True), _received_in(start, end)))
    return ctx.grouped(stmt, key).having(or_(count >= MIN_CELL, count == literal(0)))


# --- drill-downs: the non-sensitive cases behind a figure ----------------------------------------------------------

def _case_rows(ctx, category, conditions, extra=None):
    """The cases of the figure: receipt code (to the case's page), category, channel, commune, day received, stage,
    and for a share whether the case counts as a yes (`extra`: (heading, SQL condition))."""
    columns = [Complaint, Commune.name] + ([extra[1]] if extra else [])
    stmt = (select(*columns).select_from(Complaint).join(Commune, Commune.id == Complaint.commune_id)
            .where(_of_programme(ctx), ctx.matches(_columns(), category), *conditions)
            .order_by(Complaint.received_at, Complaint.id))
    headings = [_("Receipt code"), _("Category"), _("Channel"), _("Commune"), _("Received"), _("Stage")]

    def row(record):
        case_, commune = record[0], record[1]
        cells = [(case_.receipt_code, url_for("complaints.complaint_detail", complaint_id=case_.id)),
                 str(CATEGORIES.get(case_.category, case_.category)), str(CHANNELS.get(case_.channel, case_.channel)),
                 commune, format_date(case_.received_at, "medium"), str(STATUSES.get(case_.status, case_.status))]
        if extra:
            cells.append(_("Yes") if record[2] else _("No"))
        return cells
    return DrillDown(stmt, headings + ([extra[0]] if extra else []), row, scalars=False)


@drilldown_for("complaints_received")
def received_records(ctx, start, end, category):
    return _case_rows(ctx, category, [_received_in(start, end)])


@drilldown_for("complaints_acknowledged_on_time")
def acknowledged_records(ctx, start, end, category):
    return _case_rows(ctx, category, _acknowledgement_due(ctx, start, end),
                      (_("Acknowledged on time"), case((_acknowledged_on_time(), True), else_=False)))


@drilldown_for("complaints_answered_on_time")
def answered_records(ctx, start, end, category):
    return _case_rows(ctx, category, _answer_due(ctx, start, end),
                      (_("Answered or referred on time"), case((_responded_on_time(), True), else_=False)))


@drilldown_for("complaints_satisfaction")
def satisfaction_records(ctx, start, end, category):
    return _case_rows(ctx, category, _asked_in(start, end),
                      (_("Satisfied"), case((Complaint.satisfaction == "satisfied", True), else_=False)))
