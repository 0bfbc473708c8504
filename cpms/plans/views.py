from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.committees.models import Committee
from cpms.committees.service import can_see as can_see_committee
from cpms.committees.service import committee_choices
from cpms.core.forms import render_form, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, ALL_ROLES, PROJECT_OFFICER, TRAINER, get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.plans import service
from cpms.plans.forms import DiagnosticForm, PlanActionForm, PlanForm, ProblemForm, QipForm, ReviewForm
from cpms.plans.models import FREQUENCIES, SEVERITIES, Diagnostic, PlanAction, QuickImpactProject, SecurityPlan

bp = Blueprint("plans", __name__, url_prefix="/plans")
EDITORS = (ADMIN, PROJECT_OFFICER)
# the menu shows a role what its work needs; a trainer may still open the plans (docs/rules/core.md)
NAVIGATION = [(45, "plans.plan_list", _l("Security plans"), ALL_ROLES - {TRAINER})]


@bp.app_template_filter("severity_label")
def severity_label(value):
    return SEVERITIES.get(value, value)


@bp.app_template_filter("frequency_label")
def frequency_label(value):
    return FREQUENCIES.get(value, value)


def _committee(committee_id):
    return get_or_404(Committee, committee_id, current_user, check=can_see_committee)


def _diagnostic(diagnostic_id):
    return get_or_404(Diagnostic, diagnostic_id, current_user, check=service.can_see_diagnostic)


def _plan(plan_id):
    return get_or_404(SecurityPlan, plan_id, current_user, check=service.can_see_plan)


def _action(action_id):
    return get_or_404(PlanAction, action_id, current_user, check=service.can_see_action)


@bp.route("/")
@require_role()
def plan_list():
    scope = scope_of(current_user)
    committee_id = request.args.get("committee_id", type=int)
    page = paginate(service.visible_plans(scope, committee_id))
    diagnostics = db.session.scalars(service.visible_diagnostics(scope, committee_id).limit(100)).all()
    return render_template("plans/plan_list.html", page=page, progress=service.plan_progress([p.id for p in page.items]),
                           diagnostics=diagnostics, committees=committee_choices(scope), committee_id=committee_id)


# --- diagnostics -----------------------------------------------------------------------------

@bp.route("/committees/<int:committee_id>/diagnostics/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def diagnostic_create(committee_id):
    committee = _committee(committee_id)
    form = DiagnosticForm()
    done = save_form(form, lambda f: service.create_diagnostic(committee, conducted_on=f.conducted_on.data,
                                                               summary=f.summary.data),
                     _("Diagnostic saved."), lambda saved: url_for("plans.diagnostic_detail", diagnostic_id=saved.id))
    return done or render_form("plans/simple_form.html", form, committee=committee,
                               title=_("New security diagnostic"))


def _diagnostic_context(diagnostic, problem_form=None):
    return dict(diagnostic=diagnostic, problems=service.diagnostic_problems(diagnostic.id),
                plans=db.session.scalars(service.visible_plans(scope_of(current_user))
                                         .where(SecurityPlan.diagnostic_id == diagnostic.id)).all(),
                problem_form=problem_form or ProblemForm(formdata=None))


@bp.route("/diagnostics/<int:diagnostic_id>")
@require_role()
def diagnostic_detail(diagnostic_id):
    return render_template("plans/diagnostic_detail.html", **_diagnostic_context(_diagnostic(diagnostic_id)))


@bp.route("/diagnostics/<int:diagnostic_id>/problems", methods=["POST"])
@require_role(*EDITORS)
def problem_add(diagnostic_id):
    diagnostic = _diagnostic(diagnostic_id)
    form = ProblemForm()
    done = save_form(form, lambda f: service.add_problem(diagnostic, **f.service_fields()),
                     _("Problem added."), lambda saved: url_for("plans.diagnostic_detail", diagnostic_id=diagnostic.id))
    return done or render_form("plans/diagnostic_detail.html", form, **_diagnostic_context(diagnostic, form))


# --- plans -----------------------------------------------------------------------------------

def _plan_form_page(form, committee, plan, save, title):
    form.diagnostic_id.choices = [(d.id, d.conducted_on.isoformat()) for d in
                                  db.session.scalars(service.visible_diagnostics(scope_of(current_user), committee.id))]
    done = save_form(form, lambda f: save(f.service_fields()), _("Plan saved."),
                     lambda saved: url_for("plans.plan_detail", plan_id=saved.id))
    return done or render_form("plans/simple_form.html", form, committee=committee, plan=plan, title=title)


@bp.route("/committees/<int:committee_id>/plans/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def plan_create(committee_id):
    committee = _committee(committee_id)
    return _plan_form_page(PlanForm(), committee, None,
                           lambda fields: service.create_plan(committee, **fields),
                           _("New local security plan"))


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def plan_edit(plan_id):
    plan = _plan(plan_id)
    form = PlanForm(obj=plan) if request.method == "GET" else PlanForm()
    return _plan_form_page(form, plan.committee, plan, lambda fields: service.update_plan(plan, **fields),
                           _("Edit plan"))


def _action_form(plan, form):
    form.problem_id.choices = [(p.id, p.label) for p in service.diagnostic_problems(plan.diagnostic_id)]
    return form


def _plan_context(plan, action_form=None, review_form=None):
    """The plan page with its two forms (an activity, a quarterly review): blank unless given."""
    return dict(plan=plan, actions=service.plan_actions(plan), progress=service.plan_progress([plan.id])[plan.id],
                reviews=service.plan_reviews(plan), qips=service.plan_qips(plan), today=date.today(),
                review_form=review_form or ReviewForm(formdata=None, year=date.today().year),
                action_form=action_form or _action_form(plan, PlanActionForm(formdata=None)))


@bp.route("/<int:plan_id>")
@require_role()
def plan_detail(plan_id):
    return render_template("plans/plan_detail.html", **_plan_context(_plan(plan_id)))


@bp.route("/<int:plan_id>/actions", methods=["POST"])
@require_role(*EDITORS)
def plan_action_add(plan_id):
    plan = _plan(plan_id)
    form = _action_form(plan, PlanActionForm())
    done = save_form(form, lambda f: service.add_plan_action(plan, **f.service_fields()),
                     _("Activity added to the plan."), lambda saved: url_for("plans.plan_detail", plan_id=plan.id))
    return done or render_form("plans/plan_detail.html", form, **_plan_context(plan, action_form=form))


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def plan_action_edit(action_id):
    action = _action(action_id)
    plan = db.session.get(SecurityPlan, action.plan_id)
    form = _action_form(plan, PlanActionForm(obj=action) if request.method == "GET" else PlanActionForm())
    done = save_form(form, lambda f: service.update_plan_action(action, **f.service_fields()),
                     _("Activity saved."), lambda saved: url_for("plans.plan_detail", plan_id=plan.id))
    return done or render_form("plans/simple_form.html", form, committee=plan.committee, plan=plan,
                               title=_("Edit activity"))


@bp.route("/<int:plan_id>/reviews", methods=["POST"])
@require_role(*EDITORS)
def plan_review_add(plan_id):
    plan = _plan(plan_id)
    form = ReviewForm()
    done = save_form(form, lambda f: service.record_review(plan, year=f.year.data, quarter=f.quarter.data,
                                                           summary=f.summary.data),
                     _("Quarterly review recorded."), lambda saved: url_for("plans.plan_detail", plan_id=plan.id))
    return done or render_form("plans/plan_detail.html", form, **_plan_context(plan, review_form=form))


# --- quick impact projects -------------------------------------------------------------------

@bp.route("/quick-impact-projects")
@require_role()
def qip_list():
    page = paginate(service.visible_qips(scope_of(current_user)))
    return render_template("plans/qip_list.html", page=page)


@bp.route("/actions/<int:action_id>/quick-impact-projects/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def qip_create(action_id):
    action = _action(action_id)
    plan = db.session.get(SecurityPlan, action.plan_id)
    form = QipForm()
    done = save_form(form, lambda f: service.create_qip(action, **f.service_fields()),
                     _("Quick impact project saved."), lambda saved: url_for("plans.plan_detail", plan_id=plan.id))
    return done or render_form("plans/simple_form.html", form, committee=plan.committee, plan=plan,
                               title=_("New quick impact project"))


@bp.route("/quick-impact-projects/<int:qip_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def qip_edit(qip_id):
    qip = get_or_404(QuickImpactProject, qip_id, current_user, check=service.can_see_qip)
    plan = db.session.get(SecurityPlan, qip.plan_action.plan_id)
    form = QipForm(obj=qip) if request.method == "GET" else QipForm()
    done = save_form(form, lambda f: service.update_qip(qip, **f.service_fields()),
                     _("Quick impact project saved."), lambda saved: url_for("plans.plan_detail", plan_id=plan.id))
    return done or render_form("plans/simple_form.html", form, committee=plan.committee, plan=plan,
                               title=_("Edit quick impact project"))
