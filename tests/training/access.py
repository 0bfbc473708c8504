from tests.access import ADMIN, ANY, STAFF

MANAGERS = frozenset({"admin", "project_officer"})
TEACHERS = frozenset({"admin", "project_officer", "trainer"})
VETTING_READERS = frozenset({"admin", "project_officer", "me_officer"})

EXPECTED = {
    "training.trainee_list": STAFF,
    "training.trainee_export": STAFF,
    "training.trainee_create": MANAGERS,
    "training.trainee_edit": MANAGERS,
    "training.trainee_detail": STAFF,
    "training.vetting_create": MANAGERS,
    "training.course_list": ANY,
    "training.course_create": ADMIN,
    "training.course_edit": ADMIN,
    "training.cohort_list": ANY,
    "training.cohort_create": MANAGERS,
    "training.cohort_edit": MANAGERS,
    "training.cohort_detail": STAFF,
    "training.cohort_enrol": MANAGERS,
    "training.enrolment_withdraw": MANAGERS,
    "training.cohort_close": MANAGERS,
    "training.cohort_schedule": TEACHERS,
    "training.session_register": STAFF,
    "training.session_register_save": TEACHERS,
    "training.cohort_scores": STAFF,
    "training.cohort_closeout": STAFF,
    "training.trainee_import_template": MANAGERS,
    "training.trainee_import": MANAGERS,
    "training.trainee_import_confirm": MANAGERS,
    "training.cohort_enrol_import": MANAGERS,
    "training.cohort_enrol_import_confirm": MANAGERS,
    "training.session_signin_sheet": STAFF,
    "training.session_register_csv": STAFF,
    "training.session_attendance_import": TEACHERS,
    "training.session_attendance_import_confirm": TEACHERS,
    "training.vetting_overview": VETTING_READERS,
    "training.vetting_batch_create": MANAGERS,
    "training.vetting_nominees_export": VETTING_READERS,
    "training.vetting_results_import": MANAGERS,
    "training.vetting_results_confirm": MANAGERS,
    "api.cohorts": ANY,
    "api.cohort_sessions": STAFF,
    "api.session_attendance": STAFF,
    "api.session_attendance_put": TEACHERS,
    "api.trainees": STAFF,
    "api.cohort_enrolments": STAFF,
    "api.cohort_enrolments_post": MANAGERS,
    "api.enrolment_withdrawal_put": MANAGERS,
}


def samples(request):
    """A cohort in Kasaï-Oriental with one trainee and one session. The matrix's trainer does not teach
    it (404, as for any cohort not theirs); test_views checks trainers on their own cohorts."""
    from datetime import date, time

    from cpms.extensions import db
    from cpms.training import service
    from cpms.training.models import TrainingSession
    trainee = request.getfixturevalue("make_trainee")()
    cohort = request.getfixturevalue("make_cohort")()
    enrolment = service.enrol_trainees(cohort, [trainee.id])[0]
    session = TrainingSession(cohort_id=cohort.id, session_date=date(2016, 4, 4), start_time=time(8), end_time=time(12))
    db.session.add(session)
    db.session.commit()
    return {"trainee_id": trainee.id, "cohort_id": cohort.id, "course_id": cohort.course_id,
            "enrolment_id": enrolment.id, "session_id": session.id, "fmt": "csv", "token": "no-such-preview"}
