"""Deployment pages: postings, an officer's posting history, bulk posting of a cohort's graduates, retention
(coaching visits: views_coaching.py).

Who does what (tests/deployments/access.py holds the same matrix):
- admins and project officers post officers, edit and end postings, post a cohort's graduates and record
  coaching visits, in their area;
- M&E officers read postings, officers' histories, early departures and coaching visits;
- trainers read the postings of the trainees of their own cohorts, and the retention of those cohorts;
- viewers (donors, management) see the retention aggregates and the number of early departures by reason:
  no names.
Everything is limited to the user's area: elsewhere the answer is 404.
"""
from datetime import date, timedelta

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core.audit import record_event
from cpms.core.exports import audited_document, download, xlsx_bytes
from cpms.core.forms import refused, save_form
from cpms.core.labels import SEX_GROUP_LABELS
from cpms.core.pagination import Page, page_args, paginate
from cpms.core.permissions import (ADMIN, ALL_ROLES, ME_OFFICER, PROJECT_OFFICER, STAFF_ROLES, get_or_404,
                                   require_role, scope_of)
from cpms.deployments import retention, service
from cpms.deployments.forms import BulkPostingForm, PostingForm
from cpms.deployments.labels import COACH_TYPE_LABELS, END_REASON_LABELS
from cpms.deployments.models import Posting
from cpms.extensions import db
from cpms.geo.service import commune_choices
from cpms.training.models import Cohort, Trainee

READERS = tuple(sorted(service.READERS))
MANAGERS = (ADMIN, PROJECT_OFFICER)
COACHING_READERS = (ADMIN, PROJECT_OFFICER, ME_OFFICER)
NAMES_READERS = STAFF_ROLES  # who sees officers' names on the retention page (trainers: their cohorts only)

bp = Blueprint("deployments", __name__, url_prefix="/deployments")
# coaching visits and bulk posting are reached from the deployment pages' own links (templates/deployments/_nav.html)
NAVIGATION = [(24, "deployments.posting_list", _l("Deployments"), frozenset(READERS)),
              (25, "deployments.retention", _l("Retention"), ALL_ROLES)]


@bp.app_context_processor
def labels():
    return {"END_REASON_LABELS": END_REASON_LABELS, "COACH_TYPE_LABELS": COACH_TYPE_LABELS}


@bp.app_template_global()
def posting_history(trainee):
    """The hook for the trainee's page in training: the officer's postings, or None when the current user may
    not read them (the section is then left out)."""
    if current_user.role not in service.READERS:
        return None
    if not service.can_see_officer(current_user)(trainee, scope_of(current_user)):
        return None
    return service.officer_postings(trainee)


def get_officer_or_404(trainee_id):
    return get_or_404(Trainee, trainee_id, current_user, check=service.can_see_officer(current_user))


def get_posting_or_404(posting_id):
    return get_or_404(Posting, posting_id, current_user, check=service.can_see_posting(current_user))


def get_cohort_or_404(cohort_id):
    from cpms.training.service import can_see_cohort
    return get_or_404(Cohort, cohort_id, current_user, check=can_see_cohort(current_user))


def place_choices():
    from cpms.stations.service import station_choices_for
    scope = scope_of(current_user)
    return station_choices_for(current_user), commune_choices(scope)


def _render(template, form, **context):
    return render_template(template, form=form, **context), 422 if refused(form) else 200


# --- Postings ---------------------------------------------------------------------------------------------

@bp.route("/")
@require_role(*READERS)
def posting_list():
    args = request.args
    filters = {"commune_id": args.get("commune_id", type=int), "status": args.get("status", ""),
               "term": args.get("q", "").strip()}
    page = paginate(service.visible_postings(current_user, scope_of(current_user), **filters))
    return render_template("deployments/posting_list.html", page=page, filters=filters,
                           communes=commune_choices(scope_of(current_user)), today=date.today(),
                           can_manage=current_user.role in MANAGERS)


@bp.route("/officers/<int:trainee_id>")
@require_role(*READERS)
def officer_detail(trainee_id):
    from cpms.deployments.coaching import visible_visits
    trainee = get_officer_or_404(trainee_id)
    scope = scope_of(current_user)
    visits = []
    if current_user.role in COACHING_READERS:
        visits = db.session.scalars(visible_visits(scope, trainee_id=trainee.id)).all()
    return render_template("deployments/officer_detail.html", trainee=trainee,
                           postings=service.officer_postings(trainee), visits=visits, scope=scope,
                           can_manage=current_user.role in MANAGERS, today=date.today())


def _posting_page(form, trainee, posting, save):
    form.set_place_choices(*place_choices())
    done = save_form(form, lambda _form: save(), _("Posting saved."),
                     lambda _saved: url_for("deployments.officer_detail", trainee_id=trainee.id))
    return done or _render("deployments/posting_form.html", form, trainee=trainee, posting=posting)


@bp.route("/officers/<int:trainee_id>/postings/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def posting_create(trainee_id):
    trainee = get_officer_or_404(trainee_id)
    form = PostingForm()
    return _posting_page(form, trainee, None,
                         lambda: service.create_posting(current_user, trainee, **form.service_fields()))


@bp.route("/postings/<int:posting_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def posting_edit(posting_id):
    posting = get_posting_or_404(posting_id)
    form = PostingForm(obj=posting)
    if request.method == "GET":
        form.station_id.data = posting.station_id or 0
        form.commune_id.data = 0 if posting.station_id else posting.commune_id
        form.end_reason.data = posting.end_reason or ""
    return _posting_page(form, posting.trainee, posting,
                         lambda: service.update_posting(current_user, posting, **form.service_fields()))


# --- Bulk posting of a cohort's graduates ------------------------------------------------------------------

@bp.route("/cohorts")
@require_role(*MANAGERS)
def cohort_list():
    cohorts = service.postable_cohorts(current_user, scope_of(current_user))
    return render_template("deployments/cohort_list.html", cohorts=cohorts)


@bp.route("/cohorts/<int:cohort_id>/post", methods=["GET", "POST"])
@require_role(*MANAGERS)
def cohort_posting(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    graduates = service.cohort_graduates(cohort)
    form = BulkPostingForm()
    form.set_place_choices(*place_choices())
    form.trainee_ids.choices = [(trainee.id, trainee.full_name) for trainee, _postings in graduates]
    if request.method == "GET":
        form.trainee_ids.data = [trainee.id for trainee, postings in graduates if not postings]
        form.start_date.data = cohort.end_date + timedelta(days=1)
    done = save_form(form, lambda _form: service.post_graduates(current_user, cohort, form.trainee_ids.data,
                                                                **form.service_fields()),
                     lambda postings: _("%(n)d graduates posted.", n=len(postings)),
                     lambda _postings: url_for("deployments.cohort_posting", cohort_id=cohort.id))
    return done or _render("deployments/cohort_posting.html", form, cohort=cohort, graduates=graduates,
                           ended=cohort.end_date <= date.today())


# --- Retention -------------------------------------------------------------------------------------------------

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
    db.session.commit()
    return download(xlsx_bytes(sheets), "retention.xlsx", "xlsx")


from cpms.deployments import views_coaching  # noqa: E402,F401  (routes of the same blueprint)
