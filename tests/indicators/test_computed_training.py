"""Training indicators against a hand-computed cohort (and against the close-out page's own completion rule)."""
from datetime import date, time

import pytest

from cpms.core.permissions import Scope
from cpms.extensions import db as _db
from cpms.indicators.service import periods as P
from cpms.indicators.service.values import Area
from cpms.training import service as training
from cpms.training.models import Attendance, TrainingSession
from cpms.training.service import attendance as training_attendance
from tests.conftest import commune_id, province_id

Q1, Q2, Q3 = (P.parse_period(k, 1) for k in ("2016-Q1", "2016-Q2", "2016-Q3"))
YEAR = P.parse_period("2016", 1)


@pytest.fixture
def cohort_data(make_cohort, make_trainee, ranks):
    """Four officers of a basic course in Bipemba (29 March – 28 August 2016; threshold 80 %, pass mark 50):

    | officer | sex | rank | marks (4 sessions) | pre → post | final | completes? |
    | Ilunga  | F   | BRG  | 4 present          | 40 → 70    | 70    | yes |
    | Kasongo | M   | AGT  | 3 present, 1 absent (75 %) | 50 → 60 | 80 | no (attendance) |
    | Mbuyi   | M   | AGT  | 3 present, 1 late  | 30 → 35    | 40    | no (final score) |
    | Ntumba  | F   | AGT  | 2 present, then withdrawn | –   | 90    | no (withdrawn) |
    """
    cohort = make_cohort()
    people = [make_trainee(sex="F", last_name="Ilunga"),
              make_trainee(sex="M", last_name="Kasongo"), make_trainee(sex="M", last_name="Mbuyi"),
              make_trainee(sex="F", last_name="Ntumba")]
    people[0].rank_id = ranks["BRG"].id
    enrolments = training.enrol_trainees(cohort, [t.id for t in people])
    sessions = [TrainingSession(cohort_id=cohort.id, session_date=date(2016, 4, d), start_time=time(8), end_time=time(12))
                for d in (4, 5, 6, 7)]
    _db.session.add_all(sessions)
    _db.session.flush()
    marks = {0: ["present"] * 4, 1: ["present", "present", "absent", "present"],
             2: ["present", "late", "present", "present"], 3: ["present", "present"]}
    for who, statuses in marks.items():
        for session, status in zip(sessions, statuses):
            _db.session.add(Attendance(session_id=session.id, enrolment_id=enrolments[who].id, status=status))
    for enrolment, (pre, post, final) in zip(enrolments, [(40, 70, 70), (50, 60, 80), (30, 35, 40), (None, None, 90)]):
        enrolment.pre_score, enrolment.post_score, enrolment.final_score = pre, post, final
    training.withdraw_enrolment(enrolments[3], withdrawn_on=date(2016, 4, 6), reason="Mutation")
    _db.session.commit()
    return cohort


def test_officers_enrolled_by_period_and_sex(cohort_data, computed_figures):
    cells, _f = computed_figures(cohort_data.programme, "officers_enrolled", [Q1, Q2, YEAR], dimension="sex")
    assert cells[0] == {None: 4.0, "F": 2.0, "M": 2.0}  # enrolled on 29 March
    assert cells[1].get(None) in (None, 0.0) and "F" not in cells[1]
    assert cells[2][None] == 4.0


def test_officers_enrolled_by_rank_course_type_province_commune(cohort_data, computed_figures, ranks):
    for dimension, expected in [("rank", {str(ranks["BRG"].id): 1.0, str(ranks["AGT"].id): 3.0}),
                                ("course_type", {"basic": 4.0}), ("specialty", {"community": 4.0}),
                                ("province", {str(province_id("Kasaï-Oriental")): 4.0}),
                                ("commune", {str(commune_id("Bipemba")): 4.0})]:
        cells, _f = computed_figures(cohort_data.programme, "officers_enrolled", [YEAR], dimension=dimension)
        assert {k: v for k, v in cells[0].items() if k is not None} == expected, dimension


def test_completion_follows_the_close_out_rule(cohort_data, computed_figures):
    reference = [c.trainee.last_name for c in training_attendance.cohort_completion(cohort_data) if c.completed]
    assert reference == ["Ilunga"]
    cells, _f = computed_figures(cohort_data.programme, "officers_completed", [Q2, Q3], dimension="sex")
    assert cells[1] == {None: 1.0, "F": 1.0}  # the cohort ends on 28 August (Q3)
    assert cells[0].get(None) in (None, 0.0)
    rate, _f = computed_figures(cohort_data.programme, "completion_rate", [Q3], dimension="sex")
    assert rate[0] == {None: 25.0, "F": 50.0, "M": 0.0}


def test_mean_knowledge_gain(cohort_data, computed_figures):
    cells, _f = computed_figures(cohort_data.programme, "knowledge_gain", [YEAR], dimension="sex")
    assert cells[0] == {None: pytest.approx(15.0), "F": pytest.approx(30.0), "M": pytest.approx(7.5)}


def test_vetting_denied_after_enrolment_blocks_completion(make_cohort, make_trainee, computed_figures):
    cohort = make_cohort(requires_vetting=True)
    officer = make_trainee(sex="M")
    training.record_vetting(officer, submitted_on=date(2016, 1, 5), status="approved",
                            decided_on=date(2016, 2, 1))
    enrolment = training.enrol_trainees(cohort, [officer.id])[0]
    session = TrainingSession(cohort_id=cohort.id, session_date=date(2016, 4, 4), start_time=time(8), end_time=time(12))
    _db.session.add(session)
    _db.session.flush()
    _db.session.add(Attendance(session_id=session.id, enrolment_id=enrolment.id, status="present"))
    enrolment.final_score = 75
    _db.session.commit()
    cells, _f = computed_figures(cohort.programme, "officers_completed", [Q3])
    assert cells[0][None] == 1.0
    training.record_vetting(officer, submitted_on=date(2016, 5, 1), status="denied", decided_on=date(2016, 6, 1))
    _db.session.commit()
    cells, _f = computed_figures(cohort.programme, "officers_completed", [Q3])
    assert cells[0].get(None) in (None, 0.0)


def test_area_scope_and_report_area(cohort_data, computed_figures):
    katanga = Scope(full_province_ids={province_id("Haut-Katanga")}, commune_ids=set(),
                    province_ids={province_id("Haut-Katanga")})
    cells, _f = computed_figures(cohort_data.programme, "officers_enrolled", [YEAR], scope=katanga)
    assert cells[0].get(None) in (None, 0.0)
    cells, _f = computed_figures(cohort_data.programme, "officers_enrolled", [YEAR],
                                 area=Area(commune_id=commune_id("Muya")))
    assert cells[0].get(None) in (None, 0.0)
    cells, _f = computed_figures(cohort_data.programme, "officers_enrolled", [YEAR],
                                 area=Area(province_id=province_id("Kasaï-Oriental")))
    assert cells[0][None] == 4.0
