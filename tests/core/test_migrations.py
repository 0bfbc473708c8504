"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from cpms import create_app
from cpms.extensions import db
from tests.conftest import database_url_for, make_test_config


def _fresh_app(tmp_path, worker_id_safe):
    url, options = database_url_for(worker_id_safe, tmp_path, purpose="migrations")
    return create_app(make_test_config(url, options), instance_path=str(tmp_path))


def test_migrations_match_models_and_downgrade(tmp_path, worker_id_safe):
    app = _fresh_app(tmp_path, worker_id_safe)
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
        db.engine.dispose()


def test_healthz_reports_migration_state_and_scheduler(tmp_path, worker_id_safe):
    app = _fresh_app(tmp_path, worker_id_safe)
    client = app.test_client()
    with app.app_context():
        upgrade(revision="0001_foundation")
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
        db.engine.dispose()
