"""Migration 0015 (cohort life cycle): existing cohorts get the status their dates give, existing enrolments
dated outside their cohort get its start date, and the downgrade removes the close."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from cpms import create_app
from cpms.extensions import db
from tests.conftest import database_url_for, drop_test_schema, make_test_config

NOW = "2016-01-01 00:00:00"


@pytest.fixture
def fresh_app(tmp_path, worker_id_safe):
    url, options = database_url_for(worker_id_safe, tmp_path, purpose="migrations")
    app = create_app(make_test_config(url, options), instance_path=str(tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_test_schema(url, options)


def _insert(connection, table, **values):
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    return connection.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"), values).scalar()


def test_0015_dates_existing_rows(fresh_app):
    today = date.today()
    with fresh_app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as connection:
            commune, province = connection.execute(sa.text("SELECT id, province_id FROM communes LIMIT 1")).one()
            programme = _insert(connection, "programmes", code="P", name="P", donors="D", start_date=date(2015, 1, 1),
                                requires_vetting=False, description="", created_at=NOW, updated_at=NOW)
            course = _insert(connection, "courses", code="C", title_fr="C", title_en="C", course_type="basic",
                             duration_days=1, hours=1, topics="", attendance_threshold=80, pass_mark=50,
                             issues_certificate=True, created_at=NOW, updated_at=NOW)
            common = dict(course_id=course, programme_id=programme, training_centre="", commune_id=commune,
                          province_id=province, capacity=10, created_at=NOW, updated_at=NOW)
            old = _insert(connection, "cohorts", name="Old", start_date=date(2016, 3, 29), end_date=date(2016, 8, 28),
                          status="running", **common)
            future = _insert(connection, "cohorts", name="Next", start_date=today + timedelta(days=30),
                             end_date=today + timedelta(days=90), status="running", **common)
            trainee = _insert(connection, "trainees", matricule="1", last_name="K", post_name="", first_name="J",
                              sex="M", specialty="community", commune_id=commune, province_id=province, unit="",
                              created_at=NOW, updated_at=NOW)
            _insert(connection, "enrolments", cohort_id=old, trainee_id=trainee, enrolled_on=date(2016, 1, 4),
                    withdrawal_reason="", created_at=NOW, updated_at=NOW)
        upgrade()
        with db.engine.connect() as connection:
            statuses = dict(connection.execute(sa.text("SELECT id, status FROM cohorts")).all())
            enrolled_on = connection.execute(sa.text("SELECT enrolled_on FROM enrolments")).scalar()
        assert statuses == {old: "completed", future: "planned"}
        assert str(enrolled_on) == "2016-03-29"
        downgrade(revision="0013")
        with db.engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("cohorts")}
        assert "closed_on" not in columns
        with db.engine.connect() as connection:  # the copy-free downgrade kept the enrolment
            assert connection.execute(sa.text("SELECT count(*) FROM enrolments")).scalar() == 1
