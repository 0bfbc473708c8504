"""Plausible dates in the training imports (cpms/core/bounds.py): the same messages as forms and services."""
from datetime import date

from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Vetting
from tests.training.fixtures import problem_rows, upload


def test_vetting_results_with_implausible_dates_are_refused_by_row(web, login_as, make_trainee):
    login_as("admin")
    a, b = make_trainee(), make_trainee()
    for trainee in (a, b):
        service.record_vetting(trainee, submitted_on=date(2016, 1, 5), batch_reference="B9")
    _db.session.commit()
    content = ("Matricule,Vetting status,Decision date,Expires on\n"
               f"{a.matricule},approved,9999-12-31,\n"
               f"{b.matricule},approved,2016-03-01,2999-01-01\n")
    response = upload(web, content.encode(), url="/training/vetting/results")
    assert response.status_code == 422
    by_row = {int(r): (column, message) for r, column, message, _s in problem_rows(response.get_data(as_text=True))}
    assert by_row[2][0] == "Decision date" and by_row[2][1].startswith("The decision date must be between Jan 1, 2000")
    assert by_row[3][0] == "Expires on" and by_row[3][1].startswith("The expiry date must be between")
    assert set(_db.session.scalars(select(Vetting.status))) == {"pending"}
