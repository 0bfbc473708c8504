"""Training collections of the API: cohorts, sessions, attendance (read and whole-register write), trainees."""
from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from cpms.core.api import bp
from cpms.core.api.helpers import Filter, array_of, described, fields, nullable, paginated
from cpms.core.errors import DomainError
from cpms.core.permissions import ADMIN, PROJECT_OFFICER, STAFF_ROLES, TRAINER, get_or_404, require_role, scope_of
from cpms.extensions import db
from cpms.training import service
from cpms.training.models import ATTENDANCE_STATUSES, Cohort, Enrolment, Trainee, TrainingSession
from cpms.training.service import attendance


def cohort_json(cohort):
    return {"id": cohort.id, "name": cohort.name, "course": cohort.course.code, "programme": cohort.programme.code,
            "commune_id": cohort.commune_id, "province_id": cohort.province_id,
            "start_date": cohort.start_date.isoformat(), "end_date": cohort.end_date.isoformat(),
            "capacity": cohort.capacity, "status": cohort.status, "phase": cohort.phase(),
            "closed_on": cohort.closed_on.isoformat() if cohort.closed_on else None}


def enrolment_json(enrolment):
    return {"id": enrolment.id, "cohort_id": enrolment.cohort_id, "trainee_id": enrolment.trainee_id,
            "matricule": enrolment.trainee.matricule, "enrolled_on": enrolment.enrolled_on.isoformat(),
            "withdrawn_on": enrolment.withdrawn_on.isoformat() if enrolment.withdrawn_on else None,
            "withdrawal_reason": enrolment.withdrawal_reason or None}


def _iso_date(value, label):
    """An ISO 8601 date (YYYY-MM-DD) from a JSON body, or None; DomainError saying what to fix."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad_date(label)
    except ValueError:
        return _bad_date(label)


def _bad_date(label):
    raise DomainError(_("%(label)s must be a date written YYYY-MM-DD.", label=label))


def _error(status, message):
    return jsonify({"error": {"status": status, "message": message}}), status


def session_json(session):
    return {"id": session.id, "cohort_id": session.cohort_id, "date": session.session_date.isoformat(),
            "start_time": session.start_time.strftime("%H:%M"), "end_time": session.end_time.strftime("%H:%M"),
            "topic": session.topic, "is_cancelled": session.is_cancelled}


def trainee_json(trainee):
    return {"id": trainee.id, "matricule": trainee.matricule, "last_name": trainee.last_name,
            "post_name": trainee.post_name, "first_name": trainee.first_name, "sex": trainee.sex,
            "rank": trainee.rank.code if trainee.rank else None, "specialty": trainee.specialty,
            "commune_id": trainee.commune_id, "province_id": trainee.province_id}


def _cohort(cohort_id):
    return get_or_404(Cohort, cohort_id, current_user, check=service.can_see_cohort(current_user))


def _session(session_id):
    session = get_or_404(TrainingSession, session_id)
    _cohort(session.cohort_id)
    return session


COHORT = fields(id="integer", name="string", course="string", programme="string", commune_id="integer",
                province_id="integer", start_date=("string", "date"), end_date=("string", "date"), capacity="integer",
                status="string", phase="string", closed_on=nullable("string", "date"))
SESSION = fields(id="integer", cohort_id="integer", date=("string", "date"), start_time="string", end_time="string",
                 topic="string", is_cancelled="boolean")
ENROLMENT = fields(id="integer", cohort_id="integer", trainee_id="integer", matricule="string",
                   enrolled_on=("string", "date"), withdrawn_on=nullable("string", "date"),
                   withdrawal_reason=nullable("string"))
MARK = {"type": ["string", "null"], "enum": [*ATTENDANCE_STATUSES, None]}
REGISTER = fields(session=SESSION, items=array_of(fields(enrolment_id="integer", trainee_id="integer",
                                                         matricule="string", status=MARK)))
TRAINEE = fields(id="integer", matricule="string", last_name="string", post_name="string", first_name="string",
                 sex="string", rank=nullable("string"), specialty="string", commune_id="integer", province_id="integer")


@bp.route("/cohorts")
@require_role()
@described(item=COHORT)
def cohorts():
    """Cohorts in the caller's area (trainers: their own cohorts)."""
    return paginated(service.visible_cohorts(current_user, scope_of(current_user)), cohort_json)


@bp.route("/cohorts/<int:cohort_id>/sessions")
@require_role(*STAFF_ROLES)
@described(item=SESSION, paged=True)
def cohort_sessions(cohort_id):
    """Sessions of one cohort."""
    cohort = _cohort(cohort_id)
    stmt = (select(TrainingSession).where(TrainingSession.cohort_id == cohort.id)
            .order_by(TrainingSession.session_date, TrainingSession.start_time))
    return paginated(stmt, session_json)


@bp.route("/cohorts/<int:cohort_id>/enrolments")
@require_role(*STAFF_ROLES)
@described(item=ENROLMENT, paged=True)
def cohort_enrolments(cohort_id):
    """Enrolments of one cohort, with their enrolment and withdrawal dates (ISO 8601)."""
    cohort = _cohort(cohort_id)
    stmt = select(Enrolment).where(Enrolment.cohort_id == cohort.id).order_by(Enrolment.id)
    return paginated(stmt, enrolment_json)


@bp.route("/cohorts/<int:cohort_id>/enrolments", methods=["POST"])
@require_role(ADMIN, PROJECT_OFFICER)
@described(item=fields(items=array_of(ENROLMENT)), paged=False, status=201)
def cohort_enrolments_post(cohort_id):
    """Enrol trainees: {"trainee_ids": [1, 2], "enrolled_on": "YYYY-MM-DD" (optional: the cohort's start)}.
    All or none; 422 with the reason when refused (dates outside the cohort, closed cohort, capacity, vetting)."""
    cohort = _cohort(cohort_id)
    body = request.get_json(silent=True)
    ids = body.get("trainee_ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return _error(400, 'Send {"trainee_ids": [<id>, ...], "enrolled_on": "YYYY-MM-DD"}.')
    scope = scope_of(current_user)
    try:
        enrolled_on = _iso_date(body.get("enrolled_on"), _("The enrolment date"))
        visible = {t.id for t in db.session.scalars(select(Trainee).where(Trainee.id.in_(ids)))
                   if service.can_see_trainee(t, scope)}
        if set(ids) - visible:
            raise DomainError(_("Choose trainees from the list."))
        enrolments = service.enrol_trainees(cohort, ids, enrolled_on=enrolled_on)
    except DomainError as error:  # the request rolls back
        return _error(422, error.message)
    return jsonify({"items": [enrolment_json(e) for e in enrolments]}), 201


@bp.route("/enrolments/<int:enrolment_id>/withdrawal", methods=["PUT"])
@require_role(ADMIN, PROJECT_OFFICER)
@described(item=ENROLMENT, paged=False)
def enrolment_withdrawal_put(enrolment_id):
    """Withdraw a trainee: {"withdrawn_on": "YYYY-MM-DD", "reason": "..."}; 422 with the reason when refused."""
    enrolment = get_or_404(Enrolment, enrolment_id)
    _cohort(enrolment.cohort_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, 'Send {"withdrawn_on": "YYYY-MM-DD", "reason": "..."}.')
    try:
        withdrawn_on = _iso_date(body.get("withdrawn_on"), _("The withdrawal date"))
        reason = body.get("reason")
        service.withdraw_enrolment(enrolment, withdrawn_on, reason if isinstance(reason, str) else "")
    except DomainError as error:
        return _error(422, error.message)
    return jsonify(enrolment_json(enrolment))


@bp.route("/sessions/<int:session_id>/attendance")
@require_role(*STAFF_ROLES)
@described(item=REGISTER, paged=False)
def session_attendance(session_id):
    """The register of one session: every trainee enrolled that day and their mark (null when not recorded)."""
    session = _session(session_id)
    rows = attendance.register(session)
    return jsonify({"session": session_json(session),
                    "items": [{"enrolment_id": e.id, "trainee_id": t.id, "matricule": t.matricule, "status": status}
                              for e, t, status in rows]})


@bp.route("/sessions/<int:session_id>/attendance", methods=["PUT"])
@require_role(ADMIN, PROJECT_OFFICER, TRAINER)
@described(item=fields(saved="integer"), paged=False)
def session_attendance_put(session_id):
    """Replace the marks of a session: {"marks": {"<enrolment_id>": "present|late|excused|absent"}}. Idempotent."""
    session = _session(session_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("marks"), dict):
        return jsonify({"error": {"status": 400, "message": 'Send {"marks": {"<enrolment_id>": "<status>"}}.'}}), 400
    try:
        marks = {int(k): v for k, v in body["marks"].items()}
        saved = attendance.record_attendance(current_user, session, marks)
    except (ValueError, TypeError):  # the request rolls back
        return jsonify({"error": {"status": 400, "message": "Enrolment ids must be integers."}}), 400
    except DomainError as error:
        return jsonify({"error": {"status": 422, "message": error.message}}), 422
    return jsonify({"saved": saved})


@bp.route("/trainees")
@require_role(*STAFF_ROLES)
@described(item=TRAINEE, filters=(Filter("q", "string", "Only trainees whose name or matricule contains this"),))
def trainees():
    """Trainees in the caller's area (?q= name or matricule)."""
    return paginated(service.search_trainees(scope_of(current_user), term=request.args.get("q", "")), trainee_json)
