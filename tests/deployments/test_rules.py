"""The rule book of deployments (docs/rules/deployments.md): plausible dates and counts, and a posting that starts
once the officer's course has ended."""
from datetime import date

import pytest
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.deployments import service
from cpms.deployments.models import CoachingVisit, Posting
from cpms.extensions import db as _db
from cpms.training import service as training
from tests.conftest import commune_id, english


def refused(app, call, message):
    with english(app):
        with pytest.raises(DomainError) as caught:
            call()
    _db.session.rollback()
    assert message in caught.value.message, caught.value.message


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def post(trainee, start, end=None, **fields):
    return service.create_posting(None, trainee, station_id=None, commune_id=commune_id("Bipemba"),
                                  function="Agent de police de proximité", start_date=start, end_date=end,
                                  end_reason=None, end_note="", today=date(2017, 1, 1), **fields)


def test_a_posting_starts_once_the_officers_course_has_ended(app, db, make_cohort, make_trainee):
    cohort = make_cohort(start=date(2016, 3, 29), end=date(2016, 8, 28))
    trainee = make_trainee(last_name="Kabongo")
    training.enrol_trainees(cohort, [trainee.id])
    _db.session.commit()
    refused(app, lambda: post(trainee, date(2016, 6, 1)), "is in training until")
    post(trainee, date(2016, 8, 28))  # the day the course ends
    _db.session.commit()
    assert count(Posting) == 1


def test_a_withdrawn_officer_may_be_posted_during_the_course(app, db, make_cohort, make_trainee):
    cohort = make_cohort(start=date(2016, 3, 29), end=date(2016, 8, 28))
    trainee = make_trainee()
    enrolment = training.enrol_trainees(cohort, [trainee.id])[0]
    enrolment.withdrawn_on = date(2016, 5, 1)
    _db.session.commit()
    post(trainee, date(2016, 6, 1))
    _db.session.commit()
    assert count(Posting) == 1


def test_implausible_posting_dates_are_refused(app, db, make_trainee):
    trainee = make_trainee()
    refused(app, lambda: post(trainee, date(1850, 1, 1)), "must be between")
    refused(app, lambda: post(trainee, date(2016, 9, 1), date(2016, 8, 1)), "end date must be on or after")
    assert count(Posting) == 0


def test_implausible_coaching_input_is_refused(app, db, make_trainee, make_visit):
    officer = make_trainee(matricule="1300001")
    refused(app, lambda: make_visit([officer], visit_date=date(1850, 1, 1)), "must be between")
    refused(app, lambda: make_visit([officer], actions=[{"description": "Former", "responsible": "Chef",
                                                         "due_date": date(9999, 12, 31)}]), "must be between")
    refused(app, lambda: make_visit([officer], matricules=[f"{n:07d}" for n in range(1001)]),
            "must be a whole number between 0 and")
    assert count(CoachingVisit) == 0


def test_absurd_dates_through_the_posting_form_are_explained(web, login_as, make_trainee):
    trainee = make_trainee()
    login_as("project_officer", "Kasaï-Oriental")
    response = web.post(f"/deployments/officers/{trainee.id}/postings/new",
                        {"station_id": "0", "commune_id": str(commune_id("Bipemba")), "function": "Agent",
                         "start_date": "1850-01-01", "end_date": "", "end_reason": "", "end_note": ""})
    assert response.status_code == 422 and "must be between" in response.get_data(as_text=True)
    assert count(Posting) == 0
