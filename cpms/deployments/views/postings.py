"""Postings, an officer's posting history and bulk posting of a cohort's graduates."""
from datetime import date, timedelta

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cpms.core.forms import render_form, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import require_role, scope_of
from cpms.deployments import service
from cpms.deployments.forms import BulkPostingForm, PostingForm
from cpms.deployments.views.blueprint import (
    COACHING_READERS,
    MANAGERS,
    READERS,
    bp,
    get_cohort_or_404,
    get_officer_or_404,
    get_posting_or_404,
    place_choices,
)
from cpms.extensions import db
from cpms.geo.service import commune_choices

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
    trainee = get_officer_or_404(trainee_id)
    scope = scope_of(current_user)
    visits = []
    if current_user.role in COACHING_READERS:
        visits = db.session.scalars(service.coaching.visible_visits(scope, trainee_id=trainee.id)).all()
    return render_template("deployments/officer_detail.html", trainee=trainee,
                           postings=service.officer_postings(trainee), visits=visits, scope=scope,
                           can_manage=current_user.role in MANAGERS, today=date.today())


def _posting_page(form, trainee, posting, save):
    form.set_place_choices(*place_choices())
    done = save_form(form, lambda _form: save(), _("Posting saved."),
                     lambda _saved: url_for("deployments.officer_detail", trainee_id=trainee.id))
    return done or render_form("deployments/posting_form.html", form, trainee=trainee, posting=posting)


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
    return done or render_form("deployments/cohort_posting.html", form, cohort=cohort, graduates=graduates,
                               ended=cohort.end_date <= date.today())
