"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""
import os
import re

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from cpms import create_app
from cpms.core.models import include_name
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


# The revision ids before the renumbering, in the order of their chain: a database made by an older release
# records one of them in alembic_version. Revision NNNN is the old chain's NNNNth revision, same schema.
OLD_REVISION_IDS = ["0001_foundation", "0002_reference_places", "training_0001", "committees_0001", "plans_0001",
                    "surveys_0001", "stations_0001", "deployments_0001", "notifications_0001", "indicators_0001",
                    "certificates_0001", "harden_0001", "bench_0001"]


def differences_from_models(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
    return compare_metadata(context, db.metadata)


def recorded_revisions(connection):
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()


def test_migrations_match_models_and_downgrade(fresh_app):
    app = fresh_app
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = differences_from_models(connection)
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
        response = client.get("/healthz")
        body = response.get_json()
        assert response.status_code == 503 and body["database"] == "ok" and body["migrations"] == "current"
        assert body["scheduler"]["status"] == "never seen"
        assert body["problems"] == ["scheduler never seen", "workers never seen"]

        from cpms.core.scheduler import heartbeat
        from cpms.core.service import beat
        from cpms.core.transaction import in_transaction
        heartbeat(app)
        with in_transaction():
            beat("worker:test:1")
        response = client.get("/healthz")
        body = response.get_json()
        assert response.status_code == 200 and body["status"] == "ok"
        assert body["scheduler"]["status"] == "ok" and body["workers"]["alive"] == 1
        assert 0 <= body["scheduler"]["age_seconds"] < 60


@pytest.mark.parametrize("position, old_id", list(enumerate(OLD_REVISION_IDS, start=1)), ids=OLD_REVISION_IDS)
def test_a_database_stamped_with_an_old_revision_id_upgrades_to_head(fresh_app, position, old_id):
    """What an older release leaves: the schema of revision NNNN, recorded under its old id."""
    app = fresh_app
    with app.app_context():
        upgrade(revision=f"{position:04d}")
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = :old"), {"old": old_id})
            assert recorded_revisions(connection) == [old_id]

        upgrade()
        head = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()
        with db.engine.connect() as connection:
            assert recorded_revisions(connection) == [head]
            assert differences_from_models(connection) == []
            communes = connection.execute(sa.text("SELECT count(*) FROM communes")).scalar()
        assert int(head) >= len(OLD_REVISION_IDS)  # later revisions follow the renamed ones
        assert communes >= 30


def test_revisions_are_sequential_one_line_and_named_after_their_id(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    scripts = ScriptDirectory.from_config(config)
    revisions = list(reversed(list(scripts.walk_revisions())))  # base first

    assert [r.revision for r in revisions] == [f"{n:04d}" for n in range(1, len(revisions) + 1)]
    assert [r.down_revision for r in revisions] == [None] + [r.revision for r in revisions[:-1]]
    assert scripts.get_heads() == [revisions[-1].revision] and scripts.get_bases() == ["0001"]
    for revision in revisions:
        assert not revision.is_merge_point and not revision.is_branch_point
        assert not revision.branch_labels and not revision.dependencies
        assert re.fullmatch(rf"{revision.revision}_[a-z0-9_]+\.py", os.path.basename(revision.path))
    # every file of versions/ is one of these revisions (no stray or unreadable file)
    files = {name for name in os.listdir(scripts.versions) if name.endswith(".py")}
    assert files == {os.path.basename(r.path) for r in revisions}
    assert len(revisions) >= len(OLD_REVISION_IDS)


def test_autogenerate_writes_utc_datetimes_as_plain_sqlalchemy_types(app):
    """`make migration AUTOGENERATE=1` used to write `cpms.core.models.UTCDateTime()` with no import: the new
    migration failed on its first run. It writes the type the column is stored as."""
    from alembic.autogenerate import render_python_code
    from alembic.operations import ops

    from cpms.core.models import UTCDateTime

    add = ops.UpgradeOps(ops=[ops.AddColumnOp("meeting", sa.Column("held_at", UTCDateTime(), nullable=True))])
    code = render_python_code(add, render_item=app.extensions["migrate"].configure_args["render_item"])
    assert "sa.DateTime(timezone=True)" in code
    assert "cpms" not in code
