"""Migration 0017: existing roofing, finishing and equipment milestones become required."""
import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from cpms import create_app
from cpms.extensions import db
from tests.conftest import database_url_for, drop_test_schema, make_test_config


@pytest.fixture
def fresh_app(tmp_path, worker_id_safe):
    url, options = database_url_for(worker_id_safe, tmp_path, purpose="migrations")
    app = create_app(make_test_config(url, options), instance_path=str(tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_test_schema(url, options)


def test_existing_roof_finishing_and_equipment_milestones_become_required(fresh_app):
    with fresh_app.app_context():
        upgrade(revision="0013")
        upgrade(revision="0017")
        with db.engine.connect() as connection:
            required = connection.execute(sa.text("SELECT code FROM milestone_template_items WHERE is_required "
                                                  "ORDER BY position")).scalars().all()
            reasons = connection.execute(sa.text("SELECT count(*) FROM handovers WHERE override_reason <> ''")).scalar()
        assert required == ["roofing", "finishing", "equipment"] and reasons == 0
        downgrade(revision="0013")
        with db.engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("milestones")}
        assert "is_required" not in columns
