"""Outreach pages: the activities, one activity with its roster and counts, and the forms to record them.

Who does what (tests/outreach/access.py holds the same matrix): admins and project officers record activities,
rosters and counts in their area; M&E officers read them; trainers and viewers see the reach through the
indicators only. Outside the user's area the answer is 404.
"""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core.forms import render_form, run_action, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.geo.service import commune_choices
from cpms.outreach import service
from cpms.outreach.forms import ActivityForm, CivilianForm, CountForm, OfficerForm
from cpms.outreach.labels import CATEGORY_LABELS, KIND_LABELS, SEX_LABELS, TOPIC_LABELS
from cpms.outreach.models import OutreachParticipant
from cpms.programmes.service import visible_programmes

READERS = tuple(sorted(service.READERS))
MANAGERS = tuple(sorted(service.MANAGERS))

bp = Blueprint("outreach", __name__, url_prefix="/outreach")
NAVIGATION = [(27, "outreach.activity_list", _l("Outreach"), frozenset(READERS))]


@bp.app_context_processor
def labels():
    return {"OUTREACH_KIND_LABELS": KIND_LABELS, "OUTREACH_TOPIC_LABELS": TOPIC_LABELS,
            "OUTREACH_CATEGORY_LABELS": CATEGORY_LABELS, "OUTREACH_SEX_LABELS": SEX_LABELS}


def get_activity_or_404(activity_id):
    return get_or_404(service.OutreachActivity, activity_id, current_user, check=service.can_see_activity)


def get_participant_or_404(activity, participant_id):
    participant = get_or_404(OutreachParticipant, participant_id)
    if participant.activity_id != activity.id:
        return get_or_404(OutreachParticipant, 0)
    return participant


@bp.route("/")
@require_role(*READERS)
def activity_list():
    scope = scope_of(current_user)
    filters = {"kind": request.args.get("kind", ""), "commune_id": request.args.get("commune_id", type=int)}
    page = paginate(service.visible_activities(scope, **filters))
    return render_template("outreach/activity_list.html", page=page, filters=filters,
                           reach=service.reach_by_sex([a.id for a in page.items]), communes=commune_choices(scope),
                           can_manage=current_user.role in MANAGERS)


@bp.route("/<int:activity_id>")
@require_role(*READERS)
def activity_detail(activity_id):
    activity = get_activity_or_404(activity_id)
    return _detail(activity, OfficerForm(formdata=None), CivilianForm(formdata=None), CountForm(formdata=None))


def _detail(activity, officer_form, civilian_form, count_form, status=200):
    return render_template("outreach/activity_detail.html", activity=activity,
                           roster=service.activity_roster(activity), counts=service.activity_counts(activity),
                           reach=service.reach_by_sex([activity.id])[activity.id], officer_form=officer_form,
                           civilian_form=civilian_form, count_form=count_form,
                           can_manage=current_user.role in MANAGERS), status


def _activity_page(form, activity, save):
    scope = scope_of(current_user)
    form.set_choices([(p.id, p.name) for p in db.session.scalars(visible_programmes(scope))], commune_choices(scope))
    done = save_form(form, lambda _form: save(), _("Activity saved."),
                     lambda saved: url_for("outreach.activity_detail", activity_id=saved.id))
    return done or render_form("outreach/activity_form.html", form, activity=activity)


@bp.route("/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def activity_create():
    form = ActivityForm()
    return _activity_page(form, None, lambda: service.create_activity(current_user, **form.service_fields()))


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def activity_edit(activity_id):
    activity = get_activity_or_404(activity_id)
    form = ActivityForm(obj=activity)
    return _activity_page(form, activity,
                          lambda: service.update_activity(current_user, activity, **form.service_fields()))


def _roster_action(activity, form, save, success):
    done = save_form(form, lambda _form: save(), success,
                     lambda _saved: url_for("outreach.activity_detail", activity_id=activity.id) + "#roster")
    if done:
        return done
    forms = {"officer": OfficerForm(formdata=None), "civilian": CivilianForm(formdata=None),
             "count": CountForm(formdata=None)}
    forms[{OfficerForm: "officer", CivilianForm: "civilian", CountForm: "count"}[type(form)]] = form
    return _detail(activity, forms["officer"], forms["civilian"], forms["count"], status=422)


@bp.route("/<int:activity_id>/officers", methods=["POST"])
@require_role(*MANAGERS)
def officer_add(activity_id):
    activity = get_activity_or_404(activity_id)
    form = OfficerForm()
    return _roster_action(activity, form, lambda: service.add_officer(current_user, activity, form.matricule.data),
                          _("Officer added to the roster."))


@bp.route("/<int:activity_id>/participants", methods=["POST"])
@require_role(*MANAGERS)
def civilian_add(activity_id):
    activity = get_activity_or_404(activity_id)
    form = CivilianForm()
    return _roster_action(activity, form, lambda: service.add_civilian(
        activity, name=form.name.data, organisation=form.organisation.data,
        category=form.category.data, sex=form.sex.data), _("Participant added to the roster."))


@bp.route("/<int:activity_id>/participants/<int:participant_id>/remove", methods=["POST"])
@require_role(*MANAGERS)
def participant_remove(activity_id, participant_id):
    activity = get_activity_or_404(activity_id)
    participant = get_participant_or_404(activity, participant_id)
    return run_action(lambda: service.remove_participant(participant),
                      _("Participant removed from the roster."),
                      url_for("outreach.activity_detail", activity_id=activity.id))


@bp.route("/<int:activity_id>/counts", methods=["POST"])
@require_role(*MANAGERS)
def count_set(activity_id):
    activity = get_activity_or_404(activity_id)
    form = CountForm()
    return _roster_action(activity, form, lambda: service.set_count(
        activity, category=form.category.data, sex=form.sex.data, people=form.people.data,
        estimate_source=form.estimate_source.data or ""), _("Count saved."))
