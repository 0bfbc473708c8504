"""Migration 0016: the certification date of existing certificates, and the template that prints it."""
import sqlalchemy as sa
from flask_migrate import upgrade

from cpms.extensions import db
from tests.core.test_migrations import fresh_app  # noqa: F401  (the fixture: an app on an empty database)

OLD_DATES = '<p class="dates">{{ dates }} · {{ hours_text }}</p>'


def test_an_old_template_gets_a_version_that_prints_the_certification_date(fresh_app):  # noqa: F811
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
