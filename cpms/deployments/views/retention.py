"""Retention of certified officers in the programme's area, and its export."""
from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from cpms.core.audit import record_event
from cpms.core.exports import audited_document, download, xlsx_bytes
from cpms.core.labels import SEX_GROUP_LABELS
from cpms.core.pagination import Page, page_args
from cpms.core.permissions import ALL_ROLES, require_role, scope_of
from cpms.deployments.labels import END_REASON_LABELS
from cpms.deployments.service import retention
from cpms.deployments.views.blueprint import NAMES_READERS, bp
from cpms.extensions import db


def _retention_filters():
    from cpms.stations.service import programme_choices_for
    return {"programme_id": request.args.get("programme_id", type=int)}, programme_choices_for(current_user)


@bp.route("/retention", endpoint="retention")
@require_role(*ALL_ROLES)
def retention_page():
    filters, programmes = _retention_filters()
    scope = scope_of(current_user)
    report = retention.retention_report(current_user, scope, **filters)
    early = None
    if current_user.role in NAMES_READERS:
        # the report has counted them already: one query for the page of names, none for the total
        page, per_page = page_args()
        stmt = retention.early_departure_rows(current_user, scope, today=report.today, min_months=report.min_months,
                                              **filters)
        early = Page(items=db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all(), page=page,
                     per_page=per_page, total=report.total.left_early)
    return render_template("deployments/retention.html", report=report, early=early, filters=filters,
                           programmes=programmes, months_between=retention.months_between)


@bp.route("/retention/export.xlsx")
@require_role(*ALL_ROLES)
@audited_document
def retention_export():
    filters, _programmes = _retention_filters()
    scope = scope_of(current_user)
    report = retention.retention_report(current_user, scope, **filters)
    header = [_("Group"), _("Certified officers")]
    for months in report.milestones:
        header += [_("Due at %(m)d months", m=months), _("Retained at %(m)d months", m=months),
                   _("Share at %(m)d months (%%)", m=months)]
    header += [_("Never posted in the area"), _("Left early")]

    def line(label, row):
        cells = [label, row.certified]
        for months in report.milestones:
            cells += [row.due[months], row.kept[months], row.share(months)]
        return cells + [row.never_posted, row.left_early]

    rows = ([line(_("All certified officers"), report.total)]
            + [line(r.label, r) for r in report.by_cohort]
            + [line(str(SEX_GROUP_LABELS.get(r.key, r.key)), r) for r in report.by_sex]
            + [line(r.label, r) for r in report.by_province])
    sheets = {_("Retention"): (header, rows)}
    if current_user.role in NAMES_READERS:
        early = db.session.execute(retention.early_departure_rows(current_user, scope, today=report.today,
                                                                  min_months=report.min_months, **filters)).all()
        sheets[_("Early departures")] = (
            [_("Matricule"), _("Name"), _("Cohort"), _("Certified on"), _("Left on"), _("Place"), _("Reason"),
             _("Note")],
            [[t.matricule, t.full_name, cohort, certified, left, place,
              str(END_REASON_LABELS.get(reason, _("not recorded"))), note]
             for t, cohort, certified, left, reason, note, place in early])
    record_event("export", entity="postings", detail="retention XLSX")
    return download(xlsx_bytes(sheets), "retention.xlsx", "xlsx")
