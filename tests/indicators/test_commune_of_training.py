"""Training figures by commune say which commune they mean (issue 17, observation 5: all 450 officers showed under
Bipemba, the training venue, without saying so): "Commune of the venue" is the cohort's, "Officer's home commune"
the trainee record's, and a report names the one it shows."""
from datetime import date

from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.indicators.service import periods as P
from cpms.indicators.service.reports import build_report
from cpms.training import service as training

YEAR = P.parse_period("2016", 1)


def test_officers_by_venue_and_by_home_commune(app, make_cohort, make_trainee, make_framework, make_indicator,
                                                add_to_framework):
    cohort = make_cohort()  # in Bipemba
    people = [make_trainee(commune="Muya", last_name="Ilunga"), make_trainee(commune="Muya", last_name="Kasongo"),
              make_trainee(commune="Dibindi", last_name="Mbuyi")]
    training.enrol_trainees(cohort, [t.id for t in people])
    _db.session.commit()
    framework = make_framework(cohort.programme)
    add_to_framework(framework, make_indicator(code="TRN-X", source="computed", computation="officers_enrolled",
                                               disaggregations=("commune", "home_commune")))
    with app.test_request_context():
        venue = build_report(cohort.programme, YEAR, scope=Scope.national(), dimension="commune", today=date(2017, 1, 1))
        home = build_report(cohort.programme, YEAR, scope=Scope.national(), dimension="home_commune",
                            today=date(2017, 1, 1))
        assert str(venue.dimension_label) == "Commune du lieu"  # French, the default language
        assert str(home.dimension_label) == "Commune d'origine du policier"
        assert {row.label: row.actual for row in home.rows if row.category} == {"Muya": 2.0, "Dibindi": 1.0}
        assert {row.label: row.actual for row in venue.rows if row.category} == {"Bipemba": 3.0}
