"""Complaints and feedback (/feedback/ for the public, /complaints/ for staff).

Who does what (tests/complaints/access.py holds the same matrix):
- anybody, without an account, sends feedback or a complaint and follows it by its receipt code (rate-limited);
- admins, project officers and M&E officers read non-sensitive cases of their area; admins and project officers
  record cases received by other channels and handle them;
- sensitive cases (SEA, child safeguarding, SGBV, fraud) are seen only by focal points named by an admin:
  elsewhere they answer 404, and each opening is logged with its reason;
- everybody with an account, viewers (donors) included, sees the aggregate figures with small cells hidden.
"""
import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from cpms.complaints import forms, service
from cpms.complaints.models import (
    AGE_GROUPS,
    CATEGORIES,
    CHANNELS,
    SATISFACTION,
    SEXES,
    STATUSES,
    Complaint,
    FocalPoint,
)
from cpms.core.exports import download, personal_export
from cpms.core.forms import render_form, run_action, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import (
    ADMIN,
    ALL_ROLES,
    ME_OFFICER,
    PROJECT_OFFICER,
    TRAINER,
    get_or_404,
    public,
    require_role,
    scope_of,
)
from cpms.extensions import db, limiter
from cpms.geo.models import Commune

READERS = (ADMIN, PROJECT_OFFICER, ME_OFFICER)
HANDLERS = (ADMIN, PROJECT_OFFICER)

bp = Blueprint("complaints", __name__)
NAVIGATION = [(60, "complaints.complaint_list", _l("Complaints"), frozenset(READERS)),
              (61, "complaints.figures", _l("Feedback figures"), ALL_ROLES - {TRAINER})]  # readable by all


def intake_limit():
    return current_app.config["COMPLAINT_RATE_LIMIT"]


public_limit = limiter.shared_limit(intake_limit, scope="complaint-intake")


@bp.app_context_processor
def labels():
    return {"COMPLAINT_CATEGORIES": CATEGORIES, "COMPLAINT_STATUSES": STATUSES, "COMPLAINT_CHANNELS": CHANNELS,
            "COMPLAINT_SEXES": SEXES, "COMPLAINT_AGE_GROUPS": AGE_GROUPS, "COMPLAINT_SATISFACTION": SATISFACTION}


def _communes():
    return [(None, _("Not said"))] + [(c.id, c.name) for c in db.session.scalars(select(Commune).order_by(Commune.name))]


def _public(body, status=200):
    response = Response(body, status=status) if isinstance(body, str) else body
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- Public ------------------------------------------------------------------------------------------------

@bp.route("/feedback/", methods=["GET", "POST"])
@public
@public_limit
def public_form():
    form = forms.PublicComplaintForm()
    form.commune_id.choices = _communes()
    if request.method == "POST" and form.website.data:
        abort(400)  # the honeypot was filled: a robot
    done = save_form(form, _submit_public, _("Thank you. Your message was received."),
                     lambda complaint: url_for("complaints.public_receipt"))
    return done or _public(*render_form("complaints/public_form.html", form))


def _submit_public(form):
    complaint = service.submit_complaint(**form.service_fields())
    # the code is shown once, on the next page, and never put in a URL or a log
    session["complaint_receipt"] = complaint.receipt_code
    return complaint


@bp.route("/feedback/receipt")
@public
def public_receipt():
    code = session.pop("complaint_receipt", None)
    if code is None:
        return redirect(url_for("complaints.public_status"))
    return _public(render_template("complaints/public_receipt.html", code=code))


@bp.route("/feedback/status")
@public
@public_limit
def public_status():
    form = forms.StatusForm(request.args)
    complaint = None
    status = 200
    if request.args.get("code") is not None:
        if form.validate():
            complaint = service.find_by_receipt(form.code.data)
            if complaint is None:
                status = 404
        else:
            status = 422
    return _public(render_template("complaints/public_status.html", form=form, complaint=complaint,
                                   looked_up=request.args.get("code") is not None), status)


# --- Staff -------------------------------------------------------------------------------------------------

def get_complaint_or_404(complaint_id):
    return get_or_404(Complaint, complaint_id, current_user, check=service.can_see_complaint(current_user))


@bp.route("/complaints/")
@require_role(*READERS)
def complaint_list():
    status = request.args.get("status") or None
    page = paginate(service.list_complaints(current_user, status=status))
    return render_template("complaints/complaint_list.html", page=page, status=status, sensitive=False,
                           focal_point=service.is_focal_point(current_user))


@bp.route("/complaints/sensitive/")
@require_role()
def sensitive_list():
    if not service.is_focal_point(current_user):
        abort(404)
    page = paginate(service.list_complaints(current_user, sensitive=True))
    return render_template("complaints/complaint_list.html", page=page, status=None, sensitive=True,
                           focal_point=True)


def _area_choices(form, scope):
    """The meetings, stations and committees a staff entry may name: those of the user's area only."""
    from cpms.committees.models import Committee, Meeting
    from cpms.stations.models import Station
    meetings = db.session.execute(select(Meeting.id, Meeting.starts_at, Committee.name)
                                  .join(Committee, Committee.id == Meeting.committee_id)
                                  .where(scope.filter(Committee.province_id, Committee.commune_id))
                                  .order_by(Meeting.starts_at.desc()).limit(200)).all()
    form.meeting_id.choices = [(None, "—")] + [(m.id, f"{m.name} · {m.starts_at:%Y-%m-%d}") for m in meetings]
    for field, model in ((form.concerns_station_id, Station), (form.concerns_committee_id, Committee)):
        rows = db.session.execute(select(model.id, model.name, Commune.name.label("commune"))
                                  .join(Commune, Commune.id == model.commune_id)
                                  .where(scope.filter(model.province_id, model.commune_id))
                                  .order_by(Commune.name, model.name).limit(500)).all()
        field.choices = [(None, "—")] + [(row.id, f"{row.name} ({row.commune})") for row in rows]


@bp.route("/complaints/new", methods=["GET", "POST"])
@require_role(*HANDLERS)
def complaint_create():
    form = forms.StaffComplaintForm()
    form.commune_id.choices = _communes()
    _area_choices(form, scope_of(current_user))
    done = save_form(form, lambda f: service.submit_complaint(**f.service_fields()),
                     _("The case was recorded."),
                     lambda c: url_for("complaints.complaint_detail", complaint_id=c.id))
    return done or render_form("complaints/complaint_form.html", form)


@bp.route("/complaints/<int:complaint_id>", methods=["GET", "POST"])
@require_role()
def complaint_detail(complaint_id):
    complaint = get_complaint_or_404(complaint_id)
    if complaint.is_sensitive:
        opened = session.get("complaint_opened", [])
        if complaint.id not in opened:
            form = forms.OpenSensitiveForm()
            if form.validate_on_submit():
                service.record_opening(current_user, complaint, form.reason.data)
                session["complaint_opened"] = (opened + [complaint.id])[-20:]
                return redirect(url_for("complaints.complaint_detail", complaint_id=complaint.id))
            return render_form("complaints/open_sensitive.html", form, complaint=complaint)
    from cpms.complaints.models import Referral
    referrals = db.session.scalars(select(Referral).where(Referral.complaint_id == complaint.id)
                                   .order_by(Referral.referred_on)).all()
    return render_template("complaints/complaint_detail.html", complaint=complaint, referrals=referrals,
                           concerned=_concerned(complaint),
                           can_handle=service.can_handle(current_user, complaint),
                           answer_form=forms.AnswerForm(), referral_form=forms.ReferralForm(),
                           close_form=forms.CloseForm())


@bp.route("/complaints/<int:complaint_id>/data.json")
@require_role()
def complaint_data(complaint_id):
    """Subject access: everything held about a case, for the person who sent it; only those who may handle the
    case (focal points for a sensitive one), checked before the reason is asked."""
    complaint = get_complaint_or_404(complaint_id)
    if not service.can_handle(current_user, complaint):
        abort(404)
    return _case_export(complaint)


@personal_export("complaints")
def _case_export(complaint):
    """Asked with a reason, audited (cpms/core/exports.py)."""
    body = json.dumps(service.complaint_data(complaint), ensure_ascii=False, indent=2, default=str).encode("utf-8")
    return download(body, f"complaint-{complaint.receipt_code}.json", "json")


def _concerned(complaint):
    """The name of the station or committee the case concerns, if one was picked."""
    from cpms.committees.models import Committee
    from cpms.stations.models import Station
    for model, picked in ((Station, complaint.concerns_station_id), (Committee, complaint.concerns_committee_id)):
        if picked is not None:
            return db.session.scalar(select(model.name).where(model.id == picked))
    return None


def _back(complaint):
    return url_for("complaints.complaint_detail", complaint_id=complaint.id)


@bp.route("/complaints/<int:complaint_id>/acknowledge", methods=["POST"])
@require_role()
def complaint_acknowledge(complaint_id):
    complaint = get_complaint_or_404(complaint_id)
    return run_action(lambda: service.acknowledge_complaint(current_user, complaint), _("Case acknowledged."),
                      _back(complaint))


@bp.route("/complaints/<int:complaint_id>/review", methods=["POST"])
@require_role()
def complaint_review(complaint_id):
    complaint = get_complaint_or_404(complaint_id)
    return run_action(lambda: service.review_complaint(current_user, complaint), _("Case under review."),
                      _back(complaint))


@bp.route("/complaints/<int:complaint_id>/answer", methods=["POST"])
@require_role()
def complaint_answer(complaint_id):
    complaint = get_complaint_or_404(complaint_id)
    form = forms.AnswerForm()
    answer = form.answer.data if form.validate_on_submit() else ""
    return run_action(lambda: service.answer_complaint(current_user, complaint, answer), _("Answer recorded."),
                      _back(complaint))


@bp.route("/complaints/<int:complaint_id>/refer", methods=["POST"])
@require_role()
def complaint_refer(complaint_id):
    complaint = get_complaint_or_404(complaint_id)
    form = forms.ReferralForm()
    if not form.validate_on_submit():
        flash(_("Name the service it is referred to and the date."), "error")
        return redirect(_back(complaint))
    return run_action(lambda: service.refer_complaint(current_user, complaint, referred_to=form.referred_to.data,
                                                      referred_on=form.referred_on.data, consent=form.consent.data,
                                                      note=form.note.data),
                      _("Referral recorded."), _back(complaint))


@bp.route("/complaints/<int:complaint_id>/close", methods=["POST"])
@require_role()
def complaint_close(complaint_id):
    complaint = get_complaint_or_404(complaint_id)
    form = forms.CloseForm()
    form.validate_on_submit()
    return run_action(lambda: service.close_complaint(current_user, complaint, form.satisfaction.data or ""),
                      _("Case closed."), _back(complaint))


@bp.route("/complaints/figures")
@require_role()
def figures():
    return render_template("complaints/figures.html", figures=service.figures(), min_cell=service.MIN_CELL)


@bp.route("/complaints/focal-points", methods=["GET", "POST"])
@require_role(ADMIN)
def focal_points():
    from cpms.auth.models import User
    form = forms.FocalPointForm()
    form.user_id.choices = [(None, "—")] + [(u.id, u.name) for u in db.session.scalars(select(User).order_by(User.name))]
    done = save_form(form, lambda f: service.add_focal_point(f.user_id.data), _("Focal point added."),
                     lambda _fp: url_for("complaints.focal_points"))
    listed = db.session.scalars(select(FocalPoint).order_by(FocalPoint.id)).all()
    return done or render_form("complaints/focal_points.html", form, focal_points=listed)
