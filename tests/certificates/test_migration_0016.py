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
