"""`flask cpms backup` then `flask cpms restore` into a fresh database and fresh folders: same rows, same files
(on SQLite and, with CPMS_TEST_DATABASE_URL, on PostgreSQL)."""
import os
from pathlib import Path

import sqlalchemy as sa

from cpms import create_app
from cpms.core.backup import row_counts
from cpms.extensions import db as _db
from tests.conftest import make_test_config


def _fresh_database(tmp_path):
    """(url, engine options, cleanup) of an empty database of the same kind as the suite's."""
    base = os.environ.get("CPMS_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", {}, lambda: None
    url = sa.engine.make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"cpms_restore_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def cleanup():
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), None, cleanup


def _files(folder):
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_backup_then_restore_gives_the_same_rows_and_files(app, db, tmp_path, make_trainee, make_photo, make_user):
    make_user("admin")
    make_trainee(last_name="Sauvegarde")
    make_photo()
    certificates = Path(app.instance_path) / "certificates"
    certificates.mkdir(exist_ok=True)
    (certificates / "CERT-2016-0001.pdf").write_bytes(b"%PDF-1.7 stored certificate")
    before_rows = row_counts()
    before_files = {k: v for k, v in _files(app.instance_path).items() if not k.startswith("backups/")}
    assert before_rows["trainees"] == 1 and before_rows["station_photos"] == 1
    assert any(name.startswith("uploads/stations/") for name in before_files)

    archive = tmp_path / "cpms.tar.gz"
    result = app.test_cli_runner().invoke(args=["cpms", "backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    assert archive.exists() and "Backup written" in result.output

    url, options, cleanup = _fresh_database(tmp_path)
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] if options is None else options
    fresh = create_app(make_test_config(url, options), instance_path=str(tmp_path / "fresh-instance"))
    try:
        # the CLI uses the current app context: push the fresh app's, or the suite's database would be used
        with fresh.app_context():
            result = fresh.test_cli_runner().invoke(args=["cpms", "restore", str(archive)])
            assert result.exit_code == 0, result.output
            assert row_counts() == before_rows
            assert _db.session.scalar(sa.text("SELECT last_name FROM trainees")) == "Sauvegarde"
            _db.session.remove()
            _db.engine.dispose()
        assert _files(fresh.instance_path) == before_files
        with fresh.app_context():
            again = fresh.test_cli_runner().invoke(args=["cpms", "restore", str(archive)])
        assert again.exit_code != 0 and "not empty" in again.output  # never over a live database
    finally:
        with fresh.app_context():
            _db.engine.dispose()
        cleanup()
        for path in (certificates / "CERT-2016-0001.pdf",):
            path.unlink()
