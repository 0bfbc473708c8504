"""Outreach pages: the activities, one activity with its roster and counts, and the forms to record them.

Who does what (tests/outreach/access.py holds the same matrix): admins and project officers record activities,
rosters and counts in their area; M&E officers read them; viewers (donors, management) read the activities and
their reach by category and sex, without the names on the rosters or the evidence; trainers see the reach through
the indicators only. Outside the user's area the answer is 404.
"""

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core.audio import EXTENSIONS as AUDIO_EXTENSIONS
from cpms.core.audio import send_media
from cpms.core.errors import DomainError
from cpms.core.forms import read_number, render_form, run_action, save_form
from cpms.core.models import utcnow
from cpms.core.pagination import paginate
from cpms.core.permissions import get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.geo.service import commune_choices
from cpms.outreach import service
from cpms.outreach.forms import (
    ActivityForm,
    AgreedActionForm,
    CivilianForm,
    CountForm,
    EvidenceForm,
    FacilitatorForm,
    OfficerForm,
    ProgrammeActionForm,
)
from cpms.outreach.labels import (
    CATEGORY_LABELS,
    EVIDENCE_LABELS,
    KIND_LABELS,
    PROGRAMME_ACTION_STATUS_LABELS,
    SEX_LABELS,
    TOPIC_LABELS,
)
from cpms.outreach.models import OutreachEvidence, OutreachFacilitator, OutreachParticipant, OutreachProgrammeAction
from cpms.programmes.models import Programme
from cpms.programmes.service import can_see as can_see_programme
from cpms.programmes.service import visible_programmes

READERS = tuple(sorted(service.READERS))
PEOPLE_READERS = tuple(sorted(service.PEOPLE_READERS))
MANAGERS = tuple(sorted(service.MANAGERS))
FOLLOWERS = tuple(sorted(service.FOLLOWERS))

bp = Blueprint("outreach", __name__, url_prefix="/outreach")
NAVIGATION = [(27, "outreach.activity_list", _l("Outreach"), frozenset(READERS))]


@bp.app_context_processor
def labels():
    return {"OUTREACH_KIND_LABELS": KIND_LABELS, "OUTREACH_TOPIC_LABELS": TOPIC_LABELS,
            "OUTREACH_CATEGORY_LABELS": CATEGORY_LABELS, "OUTREACH_SEX_LABELS": SEX_LABELS,
            "OUTREACH_EVIDENCE_LABELS": EVIDENCE_LABELS, "PROGRAMME_ACTION_STATUS_LABELS": PROGRAMME_ACTION_STATUS_LABELS}


@bp.url_value_preprocessor
def allow_a_whole_file(endpoint, values):
    """Leave room for the form around a file of MAX_UPLOAD_MB, so that the file's own check answers, with a message
    naming it. (URL preprocessors run before the CSRF check, which is the first to read the body.)"""
    if endpoint == "outreach.evidence_add":
        request.max_content_length = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024 + 64 * 1024


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
    return _detail(activity, _blank_forms())


def _blank_forms():
    return {"officer": OfficerForm(formdata=None), "civilian": CivilianForm(formdata=None),
            "count": CountForm(formdata=None), "evidence": EvidenceForm(formdata=None),
            "action": AgreedActionForm(formdata=None), "facilitator": FacilitatorForm(formdata=None)}


FORM_KEYS = {OfficerForm: "officer", CivilianForm: "civilian", CountForm: "count", EvidenceForm: "evidence",
             AgreedActionForm: "action", FacilitatorForm: "facilitator"}


def _detail(activity, forms, status=200):
    sees_people = current_user.role in service.PEOPLE_READERS
    can_manage = current_user.role in MANAGERS
    agrees = activity.kind in service.AGREEING_KINDS
    if can_manage:
        forms["facilitator"].user_id.choices = [(0, "—")] + service.facilitator_user_choices(activity)
        if agrees:
            forms["action"].committee_id.choices = _follow_up_choices(activity)
    return render_template("outreach/activity_detail.html", activity=activity, sees_people=sees_people,
                           agrees=agrees, actions=service.agreed_actions(activity) if sees_people and agrees else [],
                           programme_actions=service.programme_actions_of(activity) if sees_people and agrees else [],
                           facilitators=service.activity_facilitators(activity) if sees_people else [],
                           action_form=forms["action"], facilitator_form=forms["facilitator"],
                           roster=service.activity_roster(activity) if sees_people else [],
                           evidence=service.activity_evidence(activity) if sees_people else [],
                           evidence_form=forms["evidence"], max_mb=current_app.config["MAX_UPLOAD_MB"],
                           is_training=activity.kind in service.TRAININGS, gain=service.knowledge_gain(activity),
                           by_category=service.reach_by_category(activity), counts=service.activity_counts(activity),
                           reach=service.reach_by_sex([activity.id])[activity.id], officer_form=forms["officer"],
                           civilian_form=forms["civilian"], count_form=forms["count"],
                           can_manage=can_manage), status


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


def _roster_action(activity, form, save, success, anchor="roster"):
    forms = _blank_forms()
    key = FORM_KEYS[type(form)]
    if key in ("action", "facilitator"):  # the choices the form validates against
        _set_choices(activity, form)
    done = save_form(form, lambda _form: save(), success,
                     lambda _saved: url_for("outreach.activity_detail", activity_id=activity.id) + "#" + anchor)
    if done:
        return done
    forms[key] = form
    return _detail(activity, forms, status=422)


def _set_choices(activity, form):
    if isinstance(form, FacilitatorForm):
        form.user_id.choices = [(0, "—")] + service.facilitator_user_choices(activity)
    else:
        form.committee_id.choices = _follow_up_choices(activity)


def _follow_up_choices(activity):
    """The workshop's programme first (0), then the committees of the user's area."""
    programme = _("The programme %(code)s", code=activity.programme.code)
    return [(0, programme)] + service.committee_choices(scope_of(current_user))


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


# --- Agreed actions, facilitators --------------------------------------------------------------------------

@bp.route("/<int:activity_id>/actions", methods=["POST"])
@require_role(*MANAGERS)
def action_agree(activity_id):
    activity = get_activity_or_404(activity_id)
    form = AgreedActionForm()
    return _roster_action(activity, form, lambda: service.agree_action(
        current_user, activity, committee_id=form.committee_id.data, description=form.description.data,
        responsible=form.responsible.data, due_date=form.due_date.data),
        _("Action carried into the committee's action items.") if form.committee_id.data
        else _("Action carried into the programme's action items."), anchor="actions")


# --- The programme's follow-up of agreed actions ---------------------------------------------------------------

def programme_actions_panel(programme):
    """The panel on a programme's page (slot "programmes.programme", declared in __init__.py): how many actions
    agreed in workshops the programme follows up in the user's area, open and overdue; the link to the list for
    those who follow them up. Viewers see the counts only (nothing personal); None (left out) for other roles,
    when the programme follows up no action in the area, and for viewers when none is open."""
    if current_user.role not in service.READERS:
        return None
    every, open_count, overdue = service.programme_action_counts(programme, scope_of(current_user))
    if not every or (not open_count and current_user.role not in service.FOLLOWERS):
        return None
    return {"programme_actions_open": open_count, "programme_actions_overdue": overdue,
            "programme_actions_link": current_user.role in service.FOLLOWERS}


@bp.route("/programmes/<int:programme_id>/actions")
@require_role(*FOLLOWERS)
def programme_action_list(programme_id):
    programme = get_or_404(Programme, programme_id, current_user, check=can_see_programme)
    show = request.args.get("show", "open")
    show = show if show in service.SHOWS else "open"
    return render_template("outreach/programme_actions.html", programme=programme, show=show, now=utcnow(),
                           items=service.programme_actions(programme, scope_of(current_user), show))


@bp.route("/programme-actions/<int:item_id>", methods=["GET", "POST"])
@require_role(*FOLLOWERS)
def programme_action_update(item_id):
    item = get_or_404(OutreachProgrammeAction, item_id, current_user, check=service.can_follow)
    form = ProgrammeActionForm(obj=item)
    done = save_form(form, lambda f: service.update_programme_action(item, status=f.status.data, note=f.note.data),
                     _("Action updated."),
                     lambda saved: url_for("outreach.programme_action_list",
                                           programme_id=saved.activity.programme_id, show="all"))
    return done or render_form("outreach/programme_action_form.html", form, item=item, now=utcnow())


@bp.route("/<int:activity_id>/facilitators", methods=["POST"])
@require_role(*MANAGERS)
def facilitator_add(activity_id):
    activity = get_activity_or_404(activity_id)
    form = FacilitatorForm()
    return _roster_action(activity, form, lambda: service.add_facilitator(
        activity, user_id=form.user_id.data, name=form.name.data, email=form.email.data),
        _("Facilitator added: they will be reminded before the activity."), anchor="facilitators")


@bp.route("/<int:activity_id>/facilitators/<int:facilitator_id>/remove", methods=["POST"])
@require_role(*MANAGERS)
def facilitator_remove(activity_id, facilitator_id):
    activity = get_activity_or_404(activity_id)
    facilitator = get_or_404(OutreachFacilitator, facilitator_id)
    if facilitator.activity_id != activity.id:
        abort(404)
    return run_action(lambda: service.remove_facilitator(facilitator), _("Facilitator removed."),
                      url_for("outreach.activity_detail", activity_id=activity.id) + "#facilitators")


# --- Questionnaires (trainings) -------------------------------------------------------------------------------

def _score(raw):
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return float(read_number(raw, thousands=False))
    except ValueError:
        raise DomainError(_("Enter the scores as numbers of points from 0 to 100, or leave them empty.")) from None


def _scores_from(form):
    """{participant id: (pre, post)} from the fields pre-<id> and post-<id>."""
    ids = {int(key[4:]) for key in form if key.startswith("pre-") and key[4:].isdigit()}
    return {pid: (_score(form.get(f"pre-{pid}")), _score(form.get(f"post-{pid}"))) for pid in ids}


@bp.route("/<int:activity_id>/scores", methods=["POST"])
@require_role(*MANAGERS)
def scores_save(activity_id):
    activity = get_activity_or_404(activity_id)
    return run_action(lambda: service.record_scores(activity, _scores_from(request.form)), _("Scores saved."),
                      url_for("outreach.activity_detail", activity_id=activity.id) + "#scores")


# --- Evidence ---------------------------------------------------------------------------------------------

@bp.route("/<int:activity_id>/evidence", methods=["POST"])
@require_role(*MANAGERS)
def evidence_add(activity_id):
    activity = get_activity_or_404(activity_id)
    form = EvidenceForm()

    def save():
        evidence = service.add_evidence(current_user, activity, kind=form.kind.data, upload=form.file.data)
        g.outreach_unsaved_files = service.evidence_files(evidence)  # see settle_files
        return evidence

    return _roster_action(activity, form, save, _("File saved."))


@bp.route("/<int:activity_id>/evidence/<int:evidence_id>/remove", methods=["POST"])
@require_role(*MANAGERS)
def evidence_remove(activity_id, evidence_id):
    activity = get_activity_or_404(activity_id)
    evidence = _get_evidence_or_404(activity, evidence_id)
    g.outreach_removed_files = service.evidence_files(evidence)  # see settle_files
    return run_action(lambda: service.remove_evidence(evidence), _("File removed."),
                      url_for("outreach.activity_detail", activity_id=activity.id) + "#evidence")


@bp.teardown_request
def settle_files(error):
    """Files are written before the request commits and removed only after: a failed request leaves no file without
    its row, and no row without its file."""
    written, removed = g.pop("outreach_unsaved_files", []), g.pop("outreach_removed_files", [])
    service.remove_files(written if error is not None else removed)


def _get_evidence_or_404(activity, evidence_id):
    evidence = get_or_404(OutreachEvidence, evidence_id)
    if evidence.activity_id != activity.id:
        abort(404)
    return evidence


@bp.route("/<int:activity_id>/evidence/<int:evidence_id>")
@require_role(*PEOPLE_READERS)
def evidence_file(activity_id, evidence_id):
    return _send_evidence(activity_id, evidence_id, thumbnail=False)


@bp.route("/<int:activity_id>/evidence/<int:evidence_id>/thumbnail")
@require_role(*PEOPLE_READERS)
def evidence_thumbnail(activity_id, evidence_id):
    return _send_evidence(activity_id, evidence_id, thumbnail=True)


def _send_evidence(activity_id, evidence_id, thumbnail):
    """The evidence's file, with range requests (a phone's audio player seeks with them: cpms/core/audio.py)."""
    evidence = _get_evidence_or_404(get_activity_or_404(activity_id), evidence_id)
    name = evidence.thumbnail_name if thumbnail else evidence.stored_name
    if not name:
        abort(404)
    content_type = "image/jpeg" if thumbnail else evidence.content_type
    extension = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf", **AUDIO_EXTENSIONS}[content_type]
    # images are shown and audio played in the page; a PDF is downloaded, not shown
    return send_media(service.file_path(name), content_type, f"evidence-{evidence.id}{extension}",
                      inline=content_type.startswith(("image/", "audio/")))
