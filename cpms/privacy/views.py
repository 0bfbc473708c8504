"""Subject access: an officer's data, exported on request by an admin (JSON or PDF), with a stated reason."""
import json

from flask import Blueprint
from flask_babel import force_locale
from flask_login import current_user

from cpms.core.exports import download, personal_export
from cpms.core.pdf import render_pdf
from cpms.core.permissions import ADMIN, require_role
from cpms.privacy.service.subject import find_subject, subject_data

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


@bp.route("/trainees/<int:trainee_id>/data.<any(json, pdf):kind>")
@require_role(ADMIN)
@personal_export("trainees")
def trainee_data(trainee_id, kind):
    """Every record about one officer; corrections go through the ordinary edit pages."""
    trainee = find_subject("trainees", trainee_id, current_user)  # declared by the training domain
    data = subject_data("trainees", trainee.id)
    if kind == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
        response = download(body, f"trainee-{trainee.id}.json", "json")
        return response
    with force_locale(current_user.locale):
        pdf = render_pdf("privacy/subject_pdf.html", data=data, trainee=trainee)
    return download(pdf, f"trainee-{trainee.id}.pdf", "pdf")
