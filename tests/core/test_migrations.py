"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from cpms import create_app
from cpms.extensions import db
from tests.conftest import database_url_for, drop_test_schema, make_test_config


@pytest.fixture
def fresh_app(tmp_path, worker_id_safe):
    """An app on its own empty database, its connections closed afterwards."""
    url, options = database_url_for(worker_id_safe, tmp_path, purpose="migrations")
    app = create_app(make_test_config(url, options), instance_path=str(tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_test_schema(url, options)


def test_migrations_match_models_and_downgrade(fresh_app):
    app = fresh_app
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            communes = connection.execute(sa.text("SELECT count(*) FROM communes")).scalar()
        assert differences == []
        assert communes >= 30  # the reference places come with the data migration

        downgrade(revision="base")
        with db.engine.connect() as connection:
            remaining = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade()  # and up again


def test_healthz_reports_migration_state_and_scheduler(fresh_app):
    app = fresh_app
    client = app.test_client()
    with app.app_context():
        upgrade(revision="0001")
        pending = client.get("/healthz")
        assert pending.status_code == 503
        assert pending.get_json()["migrations"] == "pending"

        upgrade()
        body = client.get("/healthz").get_json()
        assert body["status"] == "ok" and body["database"] == "ok" and body["migrations"] == "current"
        assert body["scheduler"]["status"] == "never seen"

        from cpms.core.scheduler import heartbeat
        heartbeat(app)
        body = client.get("/healthz").get_json()
        assert body["scheduler"]["status"] == "ok"
        assert 0 <= body["scheduler"]["age_seconds"] < 60
