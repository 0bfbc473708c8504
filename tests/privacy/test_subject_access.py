"""An officer's data exported on request: every record about them, as JSON and PDF, audited, admins only."""
import io
import json
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from cpms.core.audit import AuditEntry
from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import TrainingSession
from cpms.training.service import attendance

REASON = "reason=Request+from+the+officer+by+letter"


def _trainee_with_records(make_trainee, make_cohort):
    from datetime import time
    trainee = make_trainee(last_name="Tshisekedi", phone="+243 81 000 0000")
    other = make_trainee(last_name="Someone-Else")
    cohort = make_cohort()
    enrolment = service.enrol_trainees(cohort, [trainee.id, other.id])[0]
    session = TrainingSession(cohort_id=cohort.id, session_date=date(2016, 4, 4), start_time=time(8), end_time=time(12))
    _db.session.add(session)
    _db.session.flush()
    attendance.record_attendance(None, session, {enrolment.id: "late"})
    service.record_vetting(trainee, submitted_on=date(2016, 1, 5), status="approved", batch_reference="B-7",
                           decided_on=date(2016, 2, 1), expires_on=None, notes="Aucune allégation")
    _db.session.commit()
    return trainee, enrolment


def test_json_export_holds_every_record_about_the_officer_and_nobody_else(client, login_as, make_trainee, make_cohort):
    trainee, enrolment = _trainee_with_records(make_trainee, make_cohort)
    login_as("admin")
    response = client.get(f"/privacy/trainees/{trainee.id}/data.json?{REASON}")
    assert response.status_code == 200
    data = json.loads(response.get_data(as_text=True))
    assert data["subject"]["last_name"] == "Tshisekedi" and data["subject"]["phone"] == "+243 81 000 0000"
    records = data["records"]
    assert [e["id"] for e in records["enrolments"]] == [enrolment.id]
    assert [(a["enrolment_id"], a["status"]) for a in records["attendances"]] == [(enrolment.id, "late")]
    assert records["vettings"][0]["notes"] == "Aucune allégation"
    assert "Someone-Else" not in response.get_data(as_text=True)
    assert [h["action"] for h in data["history"]][:1] == ["create"]
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.entity == "trainees" and "Request from the officer" in entry.detail


def test_pdf_export_lists_the_records(client, login_as, make_trainee, make_cohort):
    trainee, _enrolment = _trainee_with_records(make_trainee, make_cohort)
    login_as("admin")
    response = client.get(f"/privacy/trainees/{trainee.id}/data.pdf?{REASON}")
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    assert "TSHISEKEDI" in text and "attendances (1)" in text and "vettings (1)" in text


def test_only_admins_export_and_a_reason_is_asked_first(client, login_as, make_trainee):
    trainee = make_trainee()
    login_as("project_officer", "Kasaï-Oriental")
    assert client.get(f"/privacy/trainees/{trainee.id}/data.json?{REASON}").status_code == 403
    client.post("/logout", data={})
    client.delete_cookie("session")
    login_as("admin")
    page = client.get(f"/trainees/{trainee.id}".join(["/training", ""]))
    assert f"/privacy/trainees/{trainee.id}/data.pdf" in page.get_data(as_text=True)
    asked = client.get(f"/privacy/trainees/{trainee.id}/data.json")
    assert asked.mimetype == "text/html" and 'name="reason"' in asked.get_data(as_text=True)
