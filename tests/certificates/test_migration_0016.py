"""Migration 0016: the certification date of existing certificates, and the template that prints it."""
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from cpms import create_app
from cpms.extensions import db
from tests.conftest import database_url_for, drop_test_schema, make_test_config


@pytest.fixture
def fresh_app(tmp_path, worker_id_safe):
    """An app on its own empty database (as in tests/core/test_migrations.py), closed afterwards."""
    url, options = database_url_for(worker_id_safe, tmp_path, purpose="migrations")
    app = create_app(make_test_config(url, options), instance_path=str(tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_test_schema(url, options)


OLD_DATES = '<p class="dates">{{ dates }} · {{ hours_text }}</p>'


def test_an_old_template_gets_a_version_that_prints_the_certification_date(fresh_app):
    with fresh_app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE certificate_templates SET html = :html"),
                               {"html": f"<h1>{{{{ t.title }}}}</h1>{OLD_DATES}<footer>{{{{ serial }}}}</footer>"})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT version, html, note FROM certificate_templates "
                                              "ORDER BY version")).all()
            columns = {c["name"] for c in sa.inspect(connection).get_columns("certificates")}
    assert [r.version for r in rows] == [1, 2]
    assert "certified_on" not in rows[0].html
    assert OLD_DATES + '\n  <p class="certified">{{ t.certified_on }} {{ certified_on }}</p>' in rows[1].html
    assert {"certified_on", "review_flagged_at", "review_reason", "reviewed_at", "review_note"} <= columns


def _insert(connection, table, **values):
    """A row with every required column filled with a plain value (foreign keys are not checked here)."""
    import datetime as dt
    plain = {sa.Integer: 1, sa.String: "x", sa.Text: "x", sa.Date: dt.date(2016, 1, 1), sa.Boolean: True,
             sa.Float: 1.0, sa.Numeric: 1}
    row = dict(values)
    for column in sa.inspect(connection).get_columns(table):
        if column["name"] in row or column["nullable"] or column.get("autoincrement") is True \
                or column["name"] == "id" or column.get("default") is not None:
            continue
        if isinstance(column["type"], sa.DateTime):
            row[column["name"]] = dt.datetime(2016, 1, 1, tzinfo=dt.timezone.utc)
        else:
            row[column["name"]] = next((v for t, v in plain.items() if isinstance(column["type"], t)), "x")
    names = ", ".join(row)
    connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)


def test_existing_certificates_get_their_cohort_end_date_and_early_ones_are_flagged(fresh_app):
    import datetime as dt
    with fresh_app.app_context():
        upgrade(revision="0013")
        if db.engine.dialect.name != "sqlite":
            pytest.skip("rows inserted without their foreign keys: SQLite only")
        with db.engine.begin() as connection:
            connection.execute(sa.text("PRAGMA foreign_keys=OFF"))
            _insert(connection, "cohorts", id=1, start_date=dt.date(2016, 3, 29), end_date=dt.date(2016, 8, 28),
                    status="completed", name="Mbuji-Mayi 2016")
            _insert(connection, "cohorts", id=2, start_date=dt.date(2026, 11, 2), end_date=dt.date(2027, 4, 30),
                    status="running", name="Mbuji-Mayi 2026")
            for n, (cohort_id, issued) in enumerate([(1, dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc)),
                                                     (2, dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc))], 1):
                _insert(connection, "certificates", id=n, cohort_id=cohort_id, enrolment_id=n, status="valid",
                        serial=f"CPMS-X-{n}", verification_code=f"CODE{n}", issued_at=issued,
                        start_date=dt.date(2016, 3, 29), end_date=dt.date(2016, 8, 28), revocation_reason="",
                        language="fr")
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, certified_on, review_flagged_at, review_reason "
                                              "FROM certificates ORDER BY id")).all()
    assert [str(r.certified_on) for r in rows] == ["2016-08-28", "2027-04-30"]
    assert rows[0].review_flagged_at is None
    assert rows[1].review_flagged_at is not None and "before the end of the course" in rows[1].review_reason
