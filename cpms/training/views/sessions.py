"""Sessions: schedule, the attendance register, scores grid and close-out."""
from datetime import date

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from cpms.core.errors import DomainError
from cpms.core.forms import read_number, render_form, run_action, save_form
from cpms.core.permissions import STAFF_ROLES, require_role
from cpms.training.forms import ATTENDANCE_LABELS, ScheduleForm
from cpms.training.models import ATTENDANCE_STATUSES
from cpms.training.service import attendance
from cpms.training.views.blueprint import TEACHERS, bp, get_cohort_or_404, get_session_or_404

MAX_MARKS = 5000  # a register is 450 marks; a body bigger than this is not one


@bp.route("/cohorts/<int:cohort_id>/schedule", methods=["GET", "POST"])
@require_role(*TEACHERS)
def cohort_schedule(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    form = ScheduleForm()

    def generate(form):
        try:
            holidays = [date.fromisoformat(line.strip()) for line in form.holidays.data.splitlines() if line.strip()]
        except ValueError:
            raise DomainError(_("Write each holiday as YYYY-MM-DD, one per line."), field="holidays") from None
        return attendance.generate_sessions(
            cohort, weekdays=set(form.weekdays.data), start_time=form.start_time.data,
            end_time=form.end_time.data, holidays=holidays, topics=form.topics.data.splitlines())
    return (save_form(form, generate, lambda created: _("%(n)d sessions created.", n=created),
                      lambda _created: url_for("training.cohort_detail", cohort_id=cohort.id))
            or render_form("training/schedule_form.html", form, cohort=cohort))


@bp.route("/sessions/<int:session_id>/register")
@require_role(*STAFF_ROLES)
def session_register(session_id):
    session = get_session_or_404(session_id)
    rows = attendance.register(session)
    return render_template("training/session_register.html", session=session, rows=rows,
                           statuses=ATTENDANCE_STATUSES,
                           labels={status: str(label) for status, label in ATTENDANCE_LABELS.items()},  # once, not 1,800×
                           keep=[url_for("training.session_register", session_id=sid)
                                 for sid in attendance.upcoming_sessions(current_user)],
                           can_record=current_user.role in TEACHERS and not session.is_cancelled
                           and session.session_date <= date.today())


def _marks_from_request():
    """{enrolment_id: status} from form fields m<enrolment_id>=status or a JSON {"marks": {...}} body."""
    if request.is_json:
        raw = (request.get_json(silent=True) or {}).get("marks", {})
    else:
        raw = {key[1:]: value for key, value in request.form.items() if key.startswith("m") and key[1:].isdigit()}
    return _by_enrolment(raw)


def _by_enrolment(raw):
    try:
        if len(raw) > MAX_MARKS:
            raise ValueError
        return {int(key): value for key, value in raw.items()}
    except (TypeError, ValueError, AttributeError):
        raise DomainError(_("The register could not be read; reload the page.")) from None


@bp.route("/sessions/<int:session_id>/register", methods=["POST"])
@require_role(*TEACHERS)
def session_register_save(session_id):
    """A form post (no script) saves and comes back to the register; a JSON post (the phone register, online or
    replaying marks kept on the device) is answered with the counts saved and the marks someone else changed."""
    session = get_session_or_404(session_id)
    here = url_for("training.session_register", session_id=session.id)
    if not request.is_json:
        return run_action(lambda: attendance.record_attendance(current_user, session, _marks_from_request()),
                          lambda saved: _("Attendance saved for %(n)d trainees.", n=saved), lambda _saved: here)
    body = request.get_json(silent=True) or {}
    try:
        result = attendance.sync_register(current_user, session, _marks_from_request(),
                                          base=_by_enrolment(body.get("base") or {}))
    except DomainError as error:
        return jsonify({"error": error.message}), 422  # the request rolls back
    counts = result["counts"]
    return jsonify({
        "batch": str(body.get("batch", ""))[:64], "saved": result["saved"], "unchanged": result["unchanged"],
        "counts": counts,
        "conflicts": {str(key): {"theirs": theirs, "mine": mine} for key, (theirs, mine) in result["conflicts"].items()},
        "message": _("Register saved. Present: %(present)s · late: %(late)s · excused: %(excused)s · absent: %(absent)s · "
                     "not marked: %(unmarked)s.", **{key: format_decimal(value) for key, value in counts.items()})})


@bp.route("/cohorts/<int:cohort_id>/scores", methods=["GET", "POST"])
@require_role(*STAFF_ROLES)
def cohort_scores(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    can_edit = current_user.role in TEACHERS
    if request.method == "POST":
        if not can_edit:
            return render_template("errors/error.html", code=403, title=_("Access refused"),
                                   message=_("Your role does not give access to this page.")), 403
        try:
            attendance.record_scores(cohort, _scores_from_request())
        except DomainError as error:  # checked before anything is written; the request rolls back
            flash(error.message, "error")
            return render_template("training/cohort_scores.html", cohort=cohort, rows=attendance.cohort_completion(cohort),
                                   can_edit=can_edit, submitted=request.form), 422
        flash(_("Scores saved."), "success")
        return redirect(url_for("training.cohort_scores", cohort_id=cohort.id))
    return render_template("training/cohort_scores.html", cohort=cohort, rows=attendance.cohort_completion(cohort),
                           can_edit=can_edit, submitted=None)


def _scores_from_request():
    scores = {}
    for key, value in request.form.items():
        name, _sep, enrolment_id = key.rpartition("-")
        if name not in ("pre_score", "post_score", "final_score") or not enrolment_id.isdigit():
            continue
        value = value.strip()
        try:
            number = float(read_number(value, thousands=False)) if value else None
        except ValueError:
            raise DomainError(_("Scores must be numbers between 0 and 100 (found “%(value)s”).", value=value[:20]))
        scores.setdefault(int(enrolment_id), {})[name] = number
    return scores


@bp.route("/cohorts/<int:cohort_id>/close-out")
@require_role(*STAFF_ROLES)
def cohort_closeout(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    rows = attendance.cohort_completion(cohort)
    completed = [r for r in rows if r.completed]
    return render_template("training/cohort_closeout.html", cohort=cohort, rows=rows, completed=completed)
