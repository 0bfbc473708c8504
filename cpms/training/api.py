"""Training collections of the API: cohorts, sessions, attendance (read and whole-register write), trainees."""
from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select

from cpms.core.api import bp
from cpms.core.api.helpers import paginated
from cpms.core.errors import DomainError
from cpms.core.permissions import ADMIN, PROJECT_OFFICER, STAFF_ROLES, TRAINER, get_or_404, require_role, scope_of
from cpms.training import service
from cpms.training.models import Cohort, TrainingSession
from cpms.training.service import attendance


def cohort_json(cohort):
    return {"id": cohort.id, "name": cohort.name, "course": cohort.course.code, "programme": cohort.programme.code,
            "commune_id": cohort.commune_id, "province_id": cohort.province_id,
            "start_date": cohort.start_date.isoformat(), "end_date": cohort.end_date.isoformat(),
            "capacity": cohort.capacity, "status": cohort.status}


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


@bp.route("/cohorts")
@require_role()
def cohorts():
    """Cohorts in the caller's area (trainers: their own cohorts)."""
    return paginated(service.visible_cohorts(current_user, scope_of(current_user)), cohort_json)


@bp.route("/cohorts/<int:cohort_id>/sessions")
@require_role(*STAFF_ROLES)
def cohort_sessions(cohort_id):
    """Sessions of one cohort."""
    cohort = _cohort(cohort_id)
    stmt = (select(TrainingSession).where(TrainingSession.cohort_id == cohort.id)
            .order_by(TrainingSession.session_date, TrainingSession.start_time))
    return paginated(stmt, session_json)


@bp.route("/sessions/<int:session_id>/attendance")
@require_role(*STAFF_ROLES)
def session_attendance(session_id):
    """The register of one session: every trainee enrolled that day and their mark (null when not recorded)."""
    session = _session(session_id)
    rows = attendance.register(session)
    return jsonify({"session": session_json(session),
                    "items": [{"enrolment_id": e.id, "trainee_id": t.id, "matricule": t.matricule, "status": status}
                              for e, t, status in rows]})


@bp.route("/sessions/<int:session_id>/attendance", methods=["PUT"])
@require_role(ADMIN, PROJECT_OFFICER, TRAINER)
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
def trainees():
    """Trainees in the caller's area (?q= name or matricule)."""
    return paginated(service.search_trainees(scope_of(current_user), term=request.args.get("q", "")), trainee_json)
