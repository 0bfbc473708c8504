"""Imports with a preview (trainees, enrolment, attendance marks: the pages are cpms/core/imports/views.py's),
the trainee template, and the sign-in sheet. Vetting batches and results: vetting.py."""
from itertools import zip_longest

from flask import redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from cpms.core.audit import record_event
from cpms.core.exports import aggregate_export, audited_document, csv_bytes, download
from cpms.core.imports.views import confirm_import, import_page, template_download, template_language
from cpms.core.jobs import enqueue_job
from cpms.core.permissions import STAFF_ROLES, require_role, scope_of
from cpms.training import tasks
from cpms.training.forms import ATTENDANCE_LABELS
from cpms.training.imports.cohorts import AttendanceImport, EnrolmentImport
from cpms.training.imports.trainees import TraineeImport, template_lists
from cpms.training.service import attendance
from cpms.training.views.blueprint import MANAGERS, TEACHERS, bp, get_cohort_or_404, get_session_or_404

# --- trainees -------------------------------------------------------------------------------

@bp.route("/trainees/import-template.<any(csv, xlsx):fmt>")
@require_role(*MANAGERS)
@aggregate_export  # the empty template and the reference lists
def trainee_import_template(fmt):
    language = template_language()
    name = "modele-import-stagiaires" if language == "fr" else "trainee-import-template"
    fr = language == "fr"
    lists = None
    if fmt == "xlsx":
        ranks, specialties, communes = template_lists(scope_of(current_user), language)
        columns = [[code for code, _label in ranks], [label for _code, label in ranks],
                   [label for _key, label in specialties], ["F", "M"],
                   [f"{name} ({city})" for name, city, _p in communes]]
        list_header = (["Grade (code)", "Grade", "Spécialité", "Sexe", "Commune"] if fr
                       else ["Rank (code)", "Rank", "Specialty", "Sex", "Commune"])
        lists = ("Listes" if fr else "Lists", list_header, [list(row) for row in zip_longest(*columns, fillvalue="")])
    return template_download(TraineeImport, fmt, language, name, sheet="Stagiaires" if fr else "Trainees",
                             lists=lists)


@bp.route("/trainees/import", methods=["GET", "POST"])
@require_role(*MANAGERS)
def trainee_import():
    links = [(_("Template (XLSX)"), url_for("training.trainee_import_template", fmt="xlsx")),
             (_("Template (CSV)"), url_for("training.trainee_import_template", fmt="csv"))]
    return import_page(TraineeImport(scope_of(current_user)), None, title=_("Import trainees"),
                       crumbs=[(_("Trainees"), url_for("training.trainee_list"))],
                       hint=_("One officer per row. Required columns: matricule, last name, sex, commune. Headers may "
                              "be in French or English. Dates as YYYY-MM-DD or DD/MM/YYYY."),
                       confirm_url=lambda token: url_for("training.trainee_import_confirm", token=token), links=links)


@bp.route("/trainees/import/<token>", methods=["POST"])
@require_role(*MANAGERS)
def trainee_import_confirm(token):
    return confirm_import(TraineeImport(scope_of(current_user)), None, token, done=url_for("training.trainee_list"),
                          retry=url_for("training.trainee_import"))


# --- enrolment ------------------------------------------------------------------------------

@bp.route("/cohorts/<int:cohort_id>/enrol-import", methods=["GET", "POST"])
@require_role(*MANAGERS)
def cohort_enrol_import(cohort_id):
    cohort = get_cohort_or_404(cohort_id)
    return import_page(EnrolmentImport(scope_of(current_user)), cohort, title=_("Enrol from a file"),
                       crumbs=[(_("Training cohorts"), url_for("training.cohort_list")),
                               (cohort.name, url_for("training.cohort_detail", cohort_id=cohort.id))],
                       hint=_("A column Matricule with one trainee per row; optional columns Enrolment date (else "
                              "the cohort's start), Withdrawal date and Withdrawal reason, within the cohort's dates. "
                              "Headers may be in French or English; other columns are ignored."),
                       confirm_url=lambda token: url_for("training.cohort_enrol_import_confirm", cohort_id=cohort.id,
                                                         token=token))


@bp.route("/cohorts/<int:cohort_id>/enrol-import/<token>", methods=["POST"])
@require_role(*MANAGERS)
def cohort_enrol_import_confirm(cohort_id, token):
    cohort = get_cohort_or_404(cohort_id)
    return confirm_import(EnrolmentImport(scope_of(current_user)), cohort, token,
                          done=url_for("training.cohort_detail", cohort_id=cohort.id),
                          retry=url_for("training.cohort_enrol_import", cohort_id=cohort.id))


# --- one session: sign-in sheet, register file, marks typed in later ------------------------

@bp.route("/sessions/<int:session_id>/sign-in-sheet.pdf")
@require_role(*STAFF_ROLES)
@audited_document
def session_signin_sheet(session_id):
    """The PDF at once up to tasks.SIGNIN_DIRECT_TRAINEES trainees; above, a job and its progress page."""
    session = get_session_or_404(session_id)
    if tasks.signin_sheet_size(session) > tasks.SIGNIN_DIRECT_TRAINEES:
        job = enqueue_job("training.sign_in_sheet", params={"session_id": session.id, "lang": get_locale().language},
                          owner=current_user, back_url=url_for("training.session_register", session_id=session.id))
        return redirect(url_for("jobs.show", job_id=job.id))
    pdf = tasks.render_signin_sheet(session, get_locale().language)
    record_event("export", entity="training_sessions", entity_id=session.id, detail="sign-in sheet")
    return download(pdf, tasks.signin_sheet_filename(session), "pdf")


@bp.route("/sessions/<int:session_id>/register.csv")
@require_role(*STAFF_ROLES)
@audited_document
def session_register_csv(session_id):
    """The register as a file to fill in (matricule, name, mark) and import back."""
    session = get_session_or_404(session_id)
    kind = AttendanceImport()
    header = [kind.columns[0].header(), _("Name"), kind.columns[1].header()]
    rows = [[trainee.matricule, trainee.full_name, str(ATTENDANCE_LABELS[status]) if status else ""]
            for _e, trainee, status in attendance.register(session)]
    record_event("export", entity="training_sessions", entity_id=session.id, detail="register.csv")
    delimiter = ";" if get_locale().language == "fr" else ","
    return download(csv_bytes(header, rows, delimiter=delimiter),
                    f"register-{session.session_date.isoformat()}-{session.id}.csv", "csv")


@bp.route("/sessions/<int:session_id>/import", methods=["GET", "POST"])
@require_role(*TEACHERS)
def session_attendance_import(session_id):
    session = get_session_or_404(session_id)
    return import_page(AttendanceImport(), session, title=_("Import attendance marks"),
                       crumbs=[(_("Training cohorts"), url_for("training.cohort_list")),
                               (session.cohort.name, url_for("training.cohort_detail", cohort_id=session.cohort_id)),
                               (session.session_date.isoformat(),
                                url_for("training.session_register", session_id=session.id))],
                       hint=_("Columns Matricule and Attendance (present, late, excused, absent – or P, L, E, A). "
                              "Trainees left out of the file keep their marks; importing twice changes nothing."),
                       confirm_url=lambda token: url_for("training.session_attendance_import_confirm",
                                                         session_id=session.id, token=token),
                       links=[(_("The register to fill in (CSV)"),
                               url_for("training.session_register_csv", session_id=session.id))])


@bp.route("/sessions/<int:session_id>/import/<token>", methods=["POST"])
@require_role(*TEACHERS)
def session_attendance_import_confirm(session_id, token):
    session = get_session_or_404(session_id)
    return confirm_import(AttendanceImport(), session, token,
                          done=url_for("training.session_register", session_id=session.id),
                          retry=url_for("training.session_attendance_import", session_id=session.id))
