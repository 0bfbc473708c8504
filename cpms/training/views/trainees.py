"""Trainees: the list and its export, the record form, the trainee page and a vetting record."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cpms.core.exports import csv_bytes, download, personal_export, xlsx_bytes
from cpms.core.forms import render_form, save_form
from cpms.core.i18n import as_shown
from cpms.core.pagination import paginate
from cpms.core.permissions import STAFF_ROLES, require_role, scope_of
from cpms.extensions import db
from cpms.geo.service import commune_choices
from cpms.training import service
from cpms.training.forms import SPECIALTY_LABELS, TraineeForm, VettingForm
from cpms.training.models import Rank, Vetting, full_name
from cpms.training.views.blueprint import MANAGERS, VETTING_READERS, bp, get_trainee_or_404


def _search_args(args):
    return {"term": args.get("q", ""), "sex": args.get("sex", ""), "specialty": args.get("specialty", ""),
            "rank_id": args.get("rank_id", type=int), "commune_id": args.get("commune_id", type=int)}


def _trainee_search(args):
    return service.search_trainees(scope_of(current_user), **_search_args(args))


@bp.route("/trainees")
@require_role(*STAFF_ROLES)
def trainee_list():
    """The officers found, as plain rows (service.search_trainee_rows) counted as cheaply as the search allows
    (service.count_trainees)."""
    args, scope, french = request.args, scope_of(current_user), get_locale().language == "fr"
    asked = _search_args(args)
    page = paginate(service.search_trainee_rows(scope, french, **asked), scalars=False,
                    count=service.count_trainees(scope, **asked))
    return render_template("training/trainee_list.html", page=page, ranks=service.rank_choices(french), args=args,
                           specialties={key: as_shown(label) for key, label in SPECIALTY_LABELS.items()},
                           full_name=full_name, can_edit=current_user.role in MANAGERS)


@bp.route("/trainees/export.<any(csv, xlsx):fmt>")
@require_role(*STAFF_ROLES)
@personal_export("trainees")
def trainee_export(fmt):
    """The trainees of the list's search, as CSV or XLSX (asks for a reason, which is audited)."""
    trainees = db.session.scalars(_trainee_search(request.args)).all()
    french = get_locale().language == "fr"
    header = [_("Matricule"), _("Last name"), _("Post-name"), _("First name"), _("Sex"), _("Rank"), _("Specialty"),
              _("Unit"), _("Commune")]
    rows = [[t.matricule, t.last_name, t.post_name, t.first_name, t.sex,
             (t.rank.name_fr if french else t.rank.name_en) if t.rank else "", str(SPECIALTY_LABELS[t.specialty]),
             t.unit, t.commune.name] for t in trainees]
    if fmt == "csv":
        return download(csv_bytes(header, rows), "trainees.csv", "csv")
    return download(xlsx_bytes({_("Trainees"): (header, rows)}), "trainees.xlsx", "xlsx")


def _trainee_form(form):
    ranks = db.session.scalars(select(Rank).order_by(Rank.position)).all()
    form.rank_id.choices = [(0, "—")] + [(r.id, r.name_fr if get_locale().language == "fr" else r.name_en) for r in ranks]
    form.commune_id.choices = commune_choices(scope_of(current_user))
    return form


def _trainee_page(form, trainee):
    def save(form):
        if trainee is None:
            return service.create_trainee(**form.service_fields())
        return service.update_trainee(trainee, **form.service_fields())
    return (save_form(form, save, _("Trainee saved."),
                      lambda saved: url_for("training.trainee_detail", trainee_id=saved.id))
            or render_form("training/trainee_form.html", form, trainee=trainee))


@bp.route("/trainees/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def trainee_create():
    return _trainee_page(_trainee_form(TraineeForm()), None)


@bp.route("/trainees/<int:trainee_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def trainee_edit(trainee_id):
    trainee = get_trainee_or_404(trainee_id)
    form = _trainee_form(TraineeForm(obj=trainee) if request.method == "GET" else TraineeForm())
    if request.method == "GET":
        form.rank_id.data = trainee.rank_id or 0
        form.consent.data = trainee.consent_recorded_at is not None
    return _trainee_page(form, trainee)


@bp.route("/trainees/<int:trainee_id>")
@require_role(*STAFF_ROLES)
def trainee_detail(trainee_id):
    trainee = get_trainee_or_404(trainee_id)
    history = service.training_history(trainee)
    vettings = []
    if current_user.role in VETTING_READERS:
        vettings = db.session.scalars(select(Vetting).where(Vetting.trainee_id == trainee.id)
                                      .order_by(Vetting.id.desc())).all()
    return render_template("training/trainee_detail.html", trainee=trainee, history=history, vettings=vettings,
                           vetting_form=VettingForm() if current_user.role in MANAGERS else None,
                           can_edit=current_user.role in MANAGERS, show_vetting=current_user.role in VETTING_READERS)


@bp.route("/trainees/<int:trainee_id>/vetting", methods=["POST"])
@require_role(*MANAGERS)
def vetting_create(trainee_id):
    trainee = get_trainee_or_404(trainee_id)
    form = VettingForm()
    back = url_for("training.trainee_detail", trainee_id=trainee.id)
    saved = save_form(form, lambda form: service.record_vetting(
        trainee, submitted_on=form.submitted_on.data, status=form.status.data,
        batch_reference=form.batch_reference.data, decided_on=form.decided_on.data, expires_on=form.expires_on.data,
        notes=form.notes.data), _("Vetting recorded."), lambda _vetting: back)
    if saved is not None:
        return saved
    for field_errors in form.errors.values():
        for message in field_errors:
            flash(message, "error")
    return redirect(back)
