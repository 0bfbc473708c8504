"""Courses, cohorts, the cohort page and enrolment (sessions: sessions.py; imports: imports.py)."""
from flask import current_app, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cpms.core.charts import percent
from cpms.core.errors import DomainError
from cpms.core.forms import render_form, run_action, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, STAFF_ROLES, TRAINER, get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.geo.service import commune_choices
from cpms.training import service
from cpms.training.forms import (
    REGISTER_STATE_LABELS,
    CloseCohortForm,
    CohortForm,
    CourseForm,
    EnrolForm,
    WithdrawForm,
)
from cpms.training.models import Course, Enrolment, Trainee
from cpms.training.service import attendance
from cpms.training.views.blueprint import MANAGERS, TEACHERS, bp, get_cohort_or_404

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
        form.cancelled.data = cohort.status == "cancelled"
    return _save_cohort(form, cohort)


@bp.route("/cohorts/<int:cohort_id>")
@require_role(*STAFF_ROLES)
def cohort_detail(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    sessions = service.cohort_sessions(cohort.id)
    rows, marks = attendance.cohort_attendance(cohort, sessions)
    registers = marks.registers
    candidates = []
    term = request.args.get("q", "").strip()
    if term and current_user.role in MANAGERS:
        stmt = service.search_trainees(scope_of(current_user), term=term).limit(50)
        enrolled_ids = {row.trainee_id for row in rows}
        candidates = [t for t in db.session.scalars(stmt) if t.id not in enrolled_ids]
    phase = cohort.phase()
    chart = attendance.attendance_chart(sessions, registers, cohort.course.attendance_threshold, fmt=percent)
    return render_template("training/cohort_detail.html", cohort=cohort, rows=rows, sessions=sessions, chart=chart,
                           labels=_table_labels(rows, sessions),
                           registers=registers, phase=phase, is_open=phase not in ("closed", "cancelled"),
                           enrol_form=EnrolForm(formdata=None), close_form=CloseCohortForm(formdata=None),
                           cohort_rate=attendance.cohort_rate(marks.counts), candidates=candidates, term=term,
                           streak_limit=current_app.config["TRAINING_ABSENCE_STREAK"],
                           gain=attendance.knowledge_gain(cohort.id),
                           can_manage=current_user.role in MANAGERS,
                           can_teach=current_user.role in TEACHERS,
                           withdraw_form=WithdrawForm())


def _table_labels(rows, sessions):
    """What the cohort page's tables repeat on hundreds of rows, in the user's language, formatted once per page
    rather than once per row: the days, the register states, the messages filled in for each row."""
    short = {day for row in rows for day in (row.enrolled_on, row.withdrawn_on) if day}
    return {"short": {day: format_date(day, "short") for day in short},
            "medium": {day: format_date(day, "medium") for day in {s.session_date for s in sessions}},
            # plain text, escaped by the template like any other (an apostrophe prints as &#39;, read the same)
            "states": {state: str(label) for state, label in REGISTER_STATE_LABELS.items()},
            # without variables gettext gives the message as it is, filled in by the template's `format`
            "streak": _("%(n)d absences in a row"), "marked": _("%(marked)s of %(expected)s marked"),
            "withdrawn": _("Withdrawn on %(date)s")}


@bp.route("/cohorts/<int:cohort_id>/enrol", methods=["POST"])
@require_role(*MANAGERS)
def cohort_enrol(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    ids = [int(v) for v in request.form.getlist("trainee_ids") if v.isdigit()]
    scope = scope_of(current_user)
    visible = {t.id for t in db.session.scalars(select(Trainee).where(Trainee.id.in_(ids)))
               if service.can_see_trainee(t, scope)}
    form = EnrolForm()

    def enrol():
        if not form.validate_on_submit():
            raise DomainError(" ".join(str(m) for errors in form.errors.values() for m in errors))
        if set(ids) - visible:
            raise DomainError(_("Choose trainees from the list."))
        return service.enrol_trainees(cohort, ids, enrolled_on=form.enrolled_on.data)
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
        service.withdraw_enrolment(enrolment, form.withdrawn_on.data, form.reason.data)
    return run_action(withdraw, lambda _done: _("%(name)s withdrawn.", name=enrolment.trainee.full_name),
                      url_for("training.cohort_detail", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/close", methods=["POST"])
@require_role(*MANAGERS)
def cohort_close(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    form = CloseCohortForm()

    def close():
        if not form.validate_on_submit():
            raise DomainError(_("The form expired; reload the page and try again."))
        return service.close_cohort(cohort, current_user)
    return run_action(close, lambda _closed: _("Cohort closed; its records are now final."),
                      url_for("training.cohort_detail", cohort_id=cohort.id))
