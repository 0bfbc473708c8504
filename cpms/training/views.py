"""Training pages: trainees and vetting, courses, cohorts and enrolment (sessions: views_sessions.py)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from cpms.core.errors import DomainError
from cpms.core.exports import csv_bytes, download, personal_export, xlsx_bytes
from cpms.core.forms import render_form, run_action, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import (ADMIN, ALL_ROLES, ME_OFFICER, PROJECT_OFFICER, STAFF_ROLES, TRAINER, get_or_404,
                                   require_role, scope_of)
from cpms.extensions import db
from cpms.geo.service import commune_choices
from cpms.training import attendance, service
from cpms.training.forms import (COHORT_STATUS_LABELS, COURSE_TYPE_LABELS, SPECIALTY_LABELS, VETTING_STATUS_LABELS,
                                 CohortForm, CourseForm, TraineeForm, VettingForm, WithdrawForm)
from cpms.training.models import Cohort, Course, Enrolment, Rank, Trainee, Vetting

bp = Blueprint("training", __name__, url_prefix="/training")
NAVIGATION = [(20, "training.cohort_list", _l("Training"), ALL_ROLES),
              (21, "training.trainee_list", _l("Trainees"), STAFF_ROLES),
              (22, "training.vetting_overview", _l("Vetting"), {ADMIN, PROJECT_OFFICER, ME_OFFICER})]
MANAGERS = (ADMIN, PROJECT_OFFICER)
VETTING_READERS = (ADMIN, PROJECT_OFFICER, ME_OFFICER)


@bp.app_context_processor
def labels():
    return {"SPECIALTY_LABELS": SPECIALTY_LABELS, "COURSE_TYPE_LABELS": COURSE_TYPE_LABELS,
            "COHORT_STATUS_LABELS": COHORT_STATUS_LABELS, "VETTING_STATUS_LABELS": VETTING_STATUS_LABELS}


def get_trainee_or_404(trainee_id):
    return get_or_404(Trainee, trainee_id, current_user, check=service.can_see_trainee)


def get_cohort_or_404(cohort_id):
    return get_or_404(Cohort, cohort_id, current_user, check=service.can_see_cohort(current_user))


# --- trainees -------------------------------------------------------------------------------

def _trainee_search(args):
    return service.search_trainees(scope_of(current_user), term=args.get("q", ""), sex=args.get("sex", ""),
                                   specialty=args.get("specialty", ""), rank_id=args.get("rank_id", type=int),
                                   commune_id=args.get("commune_id", type=int))


@bp.route("/trainees")
@require_role(*STAFF_ROLES)
def trainee_list():
    args = request.args
    stmt = _trainee_search(args)
    ranks = db.session.scalars(select(Rank).order_by(Rank.position)).all()
    return render_template("training/trainee_list.html", page=paginate(stmt), ranks=ranks, args=args,
                           can_edit=current_user.role in MANAGERS)


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


# --- courses --------------------------------------------------------------------------------

@bp.route("/courses")
@require_role()
def course_list():
    courses = db.session.scalars(select(Course).order_by(Course.code)).all()
    return render_template("training/course_list.html", courses=courses)


@bp.route("/courses/new", methods=["GET", "POST"])
@require_role(ADMIN)
def course_create():
    return _save_course(CourseForm(), None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@require_role(ADMIN)
def course_edit(course_id):
    course = get_or_404(Course, course_id)
    return _save_course(CourseForm(obj=course) if request.method == "GET" else CourseForm(), course)


def _save_course(form, course):
    def save(form):
        return service.save_course(course, **{name: getattr(form, name).data for name in (
            "code", "title_fr", "title_en", "course_type", "duration_days", "hours", "topics",
            "attendance_threshold", "pass_mark", "issues_certificate")})
    return (save_form(form, save, _("Course saved."), lambda _course: url_for("training.course_list"))
            or render_form("training/course_form.html", form, course=course))


# --- cohorts --------------------------------------------------------------------------------

@bp.route("/")
@require_role()
def cohort_list():
    scope = scope_of(current_user)
    page = paginate(service.visible_cohorts(current_user, scope))
    enrolled = service.enrolment_counts([c.id for c in page.items])
    return render_template("training/cohort_list.html", page=page, enrolled=enrolled,
                           can_create=current_user.role in MANAGERS)


def _cohort_form(form):
    from cpms.auth.models import User
    from cpms.programmes.service import visible_programmes
    scope = scope_of(current_user)
    form.course_id.choices = [(c.id, f"{c.code} – {c.title(get_locale())}")
                              for c in db.session.scalars(select(Course).order_by(Course.code))]
    form.programme_id.choices = [(p.id, f"{p.code} – {p.name}") for p in db.session.scalars(visible_programmes(scope))]
    form.commune_id.choices = commune_choices(scope)
    form.trainer_ids.choices = [(u.id, u.name) for u in db.session.scalars(
        select(User).where(User.role == TRAINER, User.is_active.is_(True)).order_by(User.name))]
    return form


def _save_cohort(form, cohort):
    def save(form):
        fields = form.service_fields()
        trainer_ids = fields.pop("trainer_ids") or []
        return service.save_cohort(cohort, trainer_ids=trainer_ids, **fields)
    return (save_form(form, save, _("Cohort saved."),
                      lambda saved: url_for("training.cohort_detail", cohort_id=saved.id))
            or render_form("training/cohort_form.html", form, cohort=cohort))


@bp.route("/cohorts/new", methods=["GET", "POST"])
@require_role(*MANAGERS)
def cohort_create():
    return _save_cohort(_cohort_form(CohortForm()), None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@require_role(*MANAGERS)
def cohort_edit(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    form = _cohort_form(CohortForm(obj=cohort) if request.method == "GET" else CohortForm())
    if request.method == "GET":
        form.trainer_ids.data = [t.id for t in cohort.trainers]
    return _save_cohort(form, cohort)


@bp.route("/cohorts/<int:cohort_id>")
@require_role(*STAFF_ROLES)
def cohort_detail(cohort_id):
    from flask import current_app
    cohort = get_cohort_or_404(cohort_id)
    rows = attendance.cohort_completion(cohort)
    counts = {row.enrolment.id: row.counts for row in rows}
    sessions = service.cohort_sessions(cohort.id)
    candidates = []
    term = request.args.get("q", "").strip()
    if term and current_user.role in MANAGERS:
        stmt = service.search_trainees(scope_of(current_user), term=term).limit(50)
        enrolled_ids = {row.trainee.id for row in rows}
        candidates = [t for t in db.session.scalars(stmt) if t.id not in enrolled_ids]
    return render_template("training/cohort_detail.html", cohort=cohort, rows=rows, sessions=sessions,
                           cohort_rate=attendance.cohort_rate(counts), candidates=candidates, term=term,
                           streak_limit=current_app.config["TRAINING_ABSENCE_STREAK"],
                           gain=attendance.knowledge_gain(cohort.id),
                           can_manage=current_user.role in MANAGERS,
                           can_teach=current_user.role in (ADMIN, PROJECT_OFFICER, TRAINER),
                           withdraw_form=WithdrawForm())


@bp.route("/cohorts/<int:cohort_id>/enrol", methods=["POST"])
@require_role(*MANAGERS)
def cohort_enrol(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    ids = [int(v) for v in request.form.getlist("trainee_ids") if v.isdigit()]
    scope = scope_of(current_user)
    visible = {t.id for t in db.session.scalars(select(Trainee).where(Trainee.id.in_(ids)))
               if service.can_see_trainee(t, scope)}

    def enrol():
        if set(ids) - visible:
            raise DomainError(_("Choose trainees from the list."))
        return service.enrol_trainees(cohort, ids)
    return run_action(enrol, lambda enrolled: _("%(n)d trainees enrolled.", n=len(enrolled)),
                      url_for("training.cohort_detail", cohort_id=cohort.id))


@bp.route("/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@require_role(*MANAGERS)
def enrolment_withdraw(enrolment_id):
    enrolment = get_or_404(Enrolment, enrolment_id)
    cohort = get_cohort_or_404(enrolment.cohort_id)
    form = WithdrawForm()

    def withdraw():
        if not form.validate_on_submit():
            raise DomainError(" ".join(str(m) for errors in form.errors.values() for m in errors))
        service.withdraw_enrolment(enrolment, withdrawn_on=form.withdrawn_on.data,
                                   reason=form.reason.data)
    return run_action(withdraw, lambda _done: _("%(name)s withdrawn.", name=enrolment.trainee.full_name),
                      url_for("training.cohort_detail", cohort_id=cohort.id))


from cpms.training import views_sessions, views_imports, views_vetting  # noqa: E402,F401  (same blueprint)
