from datetime import date

import pytest
from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Rank
from cpms.training.reference import seed_ranks
from tests.conftest import commune_id


@pytest.fixture
def ranks(db):
    seed_ranks(_db.session.connection())
    _db.session.commit()
    return {r.code: r for r in _db.session.scalars(select(Rank))}


@pytest.fixture
def make_trainee(db, ranks):
    counter = {"n": 0}

    def factory(commune="Bipemba", sex="M", last_name=None, **fields):
        counter["n"] += 1
        trainee = service.create_trainee(matricule=fields.pop("matricule", f"1-000-{counter['n']:04d}"),
                                         last_name=last_name or f"Kabongo{counter['n']}", first_name="Jean",
                                         post_name="", sex=sex, commune_id=commune_id(commune),
                                         rank_id=ranks["AGT"].id, **fields)
        _db.session.commit()
        return trainee

    return factory


@pytest.fixture
def make_course(db):
    def factory(code="PDP-BASE", threshold=80, pass_mark=50):
        course = service.save_course(code=code, title_fr="Police de proximité – formation de base",
                                     title_en="Community policing – basic course", course_type="basic",
                                     duration_days=150, hours=600, topics="", attendance_threshold=threshold,
                                     pass_mark=pass_mark, issues_certificate=True)
        _db.session.commit()
        return course
    return factory


@pytest.fixture
def make_cohort(db, make_course, make_programme):
    def factory(commune="Bipemba", requires_vetting=False, start=date(2016, 3, 29), end=date(2016, 8, 28),
                trainers=(), capacity=450, course=None, provinces=("Kasaï-Oriental",)):
        programme = make_programme(provinces=provinces, requires_vetting=requires_vetting)
        course = course or make_course(code=f"C-{programme.code}")
        cohort = service.save_cohort(name=f"Cohort {programme.code}", course_id=course.id,
                                     programme_id=programme.id, training_centre="Centre", commune_id=commune_id(commune),
                                     start_date=start, end_date=end, capacity=capacity, status="running",
                                     trainer_ids=[t.id for t in trainers])
        _db.session.commit()
        return cohort
    return factory
