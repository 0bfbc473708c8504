"""/api/v1/certificates (staff, area-scoped) and /api/v1/certificates/verify/<code> (public, rate-limited)."""
from flask import jsonify, request
from flask_login import current_user

from cpms.certificates import service
from cpms.certificates.models import CERTIFICATE_STATUSES, Certificate
from cpms.certificates.views.blueprint import verification_limit
from cpms.core.api import bp
from cpms.core.api.helpers import Filter, described, fields, nullable, paginated
from cpms.core.permissions import STAFF_ROLES, public, require_role, scope_of


def certificate_json(certificate):
    return {"id": certificate.id, "serial": certificate.serial, "status": certificate.status,
            "version": certificate.version, "previous_id": certificate.previous_id,
            "enrolment_id": certificate.enrolment_id, "trainee_id": certificate.trainee_id,
            "cohort_id": certificate.cohort_id, "holder_name": certificate.holder_name,
            "matricule": certificate.matricule, "course_title": certificate.course_title,
            "start_date": certificate.start_date.isoformat(), "end_date": certificate.end_date.isoformat(),
            "hours": certificate.hours, "language": certificate.language,
            "certified_on": certificate.certified_on.isoformat(), "under_review": certificate.to_review,
            "issued_at": certificate.issued_at.isoformat(), "verification_url": certificate.verification_url,
            "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
            "superseded_at": certificate.superseded_at.isoformat() if certificate.superseded_at else None}


def verification_json(certificate):
    """Only what the certificate itself prints, and its status."""
    return {"status": certificate.status, "serial": certificate.serial, "holder_name": certificate.holder_name,
            "course_title": certificate.course_title, "start_date": certificate.start_date.isoformat(),
            "end_date": certificate.end_date.isoformat(), "certified_on": certificate.certified_on.isoformat(),
            "under_review": certificate.to_review, "issued_on": certificate.issued_at.date().isoformat(),
            "revoked_on": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
            "superseded_on": certificate.superseded_at.date().isoformat() if certificate.superseded_at else None}


@bp.route("/certificates")
@require_role(*STAFF_ROLES)
@described(item=fields(id="integer", serial="string", status={"type": "string", "enum": list(CERTIFICATE_STATUSES)},
                       version="integer", previous_id=nullable("integer"), enrolment_id="integer",
                       trainee_id="integer", cohort_id="integer", holder_name="string", matricule="string",
                       course_title="string", start_date=("string", "date"), end_date=("string", "date"),
                       hours=nullable("number"), language="string", certified_on=("string", "date"),
                       under_review="boolean", issued_at=("string", "date-time"), verification_url="string",
                       revoked_at=nullable("string", "date-time"), superseded_at=nullable("string", "date-time")),
           filters=(Filter("status", "string", "Only certificates with this status", tuple(CERTIFICATE_STATUSES)),
                    Filter("cohort_id", "integer", "Only this cohort's certificates"),
                    Filter("trainee_id", "integer", "Only this officer's certificates")))
def certificate_list():
    """Certificates in the caller's area (trainers: of their cohorts); ?status=, ?cohort_id=, ?trainee_id=."""
    stmt = service.visible_certificates(current_user, scope_of(current_user))
    if request.args.get("status") in CERTIFICATE_STATUSES:
        stmt = stmt.where(Certificate.status == request.args["status"])
    for name in ("cohort_id", "trainee_id"):
        value = request.args.get(name, type=int)
        if value:
            stmt = stmt.where(getattr(Certificate, name) == value)
    return paginated(stmt.order_by(Certificate.id), certificate_json)


@bp.route("/certificates/verify/<code>")
@public
@described(item=fields(status={"type": "string", "enum": list(CERTIFICATE_STATUSES)}, serial="string",
                       holder_name="string", course_title="string", start_date=("string", "date"),
                       end_date=("string", "date"), certified_on=("string", "date"), under_review="boolean",
                       issued_on=("string", "date"), revoked_on=nullable("string", "date"),
                       superseded_on=nullable("string", "date")))
@verification_limit
def certificate_verify(code):
    """Check a certificate by its verification code, without an account: status valid, superseded or revoked,
    and what the certificate prints. Unknown code: 404 with status "not_found"."""
    certificate = service.find_by_code(code)
    if certificate is None:
        response = jsonify({"status": "not_found"})
        response.status_code = 404
        return response
    return jsonify(verification_json(certificate))
