"""Factories for trainees, courses and cohorts, and the upload helpers of the import pages (a pytest plugin:
every test sees the fixtures)."""
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Rank
from cpms.training.reference import seed_ranks
from tests.conftest import commune_id

TRAINEE_IMPORT_URL = "/training/trainees/import"


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
        # the programme covers the cohort's dates (2016–2019 unless the cohort lies outside)
        programme = make_programme(provinces=provinces, requires_vetting=requires_vetting,
                                   start_date=min(date(2016, 1, 1), start), end_date=max(date(2019, 12, 31), end))
        course = course or make_course(code=f"C-{programme.code}")
        cohort = service.save_cohort(name=f"Cohort {programme.code}", course_id=course.id,
                                     programme_id=programme.id, training_centre="Centre", commune_id=commune_id(commune),
                                     start_date=start, end_date=end, capacity=capacity, status="running",
                                     trainer_ids=[t.id for t in trainers])
        _db.session.commit()
        return cohort
    return factory


def upload(web, content, filename="trainees.csv", url=TRAINEE_IMPORT_URL):
    return web.post(url, {"file": (io.BytesIO(content), filename)}, page=url, content_type="multipart/form-data")


def confirm_url(html):
    match = re.search(r'action="(/training/[^"]*(?:import|results)/[A-Za-z0-9_-]{20,})"', html)
    assert match, "no confirmation form on the page"
    return match.group(1)


def logout(client, web):
    client.post("/logout", data={"csrf_token": web.token("/account")})


def problem_rows(html):
    """[(row, column, message, severity)] of the preview's problem table."""
    body = html.split('<table class="problems">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<tr class="(error|warning)"><td class="num">([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>', body)
    return [(row, column, message.replace("&#34;", '"').replace("&#39;", "'"), severity)
            for severity, row, column, message in cells]
