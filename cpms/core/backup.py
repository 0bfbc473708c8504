"""`flask cpms backup` and `flask cpms restore`: the database and the data folders in one archive.

The archive (.tar.gz) holds:
- manifest.json: format, date, database kind, migration revision, row count of every table, the folders;
- database.sqlite3 – a consistent copy made with SQLite's online backup API while the app keeps running –
  or database.dump – `pg_dump --format=custom` of the PostgreSQL database (or of its schema);
- files/<n>/… – each data folder (CPMS_BACKUP_DIRS; by default the instance folder, which holds the
  configuration, uploaded photos and stored certificates, and CPMS_UPLOAD_DIR when it lies elsewhere),
  without the SQLite database files themselves and without the backups folder.

`restore` puts the database back into an empty database (SQLite file or PostgreSQL database) and the files
back into the folders of the same rank in the current configuration.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from cpms.core.models import EXTENSION_LOCK, utcnow
from cpms.extensions import db

FORMAT = 1


class BackupError(Exception):
    pass


def backup_dirs(app):
    """The data folders to back up, outermost first, without folders nested in another."""
    configured = app.config.get("BACKUP_DIRS") or ""
    dirs = [d.strip() for d in configured.split(",") if d.strip()] or [app.instance_path, app.config["UPLOAD_DIR"]]
    resolved = []
    for path in (Path(d).resolve() for d in dirs):
        if not any(path == other or other in path.parents for other in resolved):
            resolved.append(path)
    return resolved


def _database_files(app):
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database:
        return set()
    base = Path(url.database).resolve()
    return {base, Path(f"{base}-wal"), Path(f"{base}-shm"), Path(f"{base}-journal")}


def row_counts():
    inspector = sa.inspect(db.engine)
    names = set(inspector.get_table_names())
    with db.engine.connect() as connection:
        return {table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                for table in db.metadata.sorted_tables if table.name in names}


def _pg_command(url, options):
    """libpq arguments and environment for pg_dump/pg_restore from an SQLAlchemy URL."""
    url = sa.engine.make_url(url)
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--username", url.username or "postgres",
            "--dbname", url.database]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    search_path = (options.get("connect_args") or {}).get("options", "")
    schema = search_path.split("search_path=", 1)[1] if "search_path=" in search_path else None
    return args, env, schema


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def _extensions(connection):
    """The PostgreSQL extensions of the database ([{name, schema}]): a dump of one schema holds objects that use
    them (the trainee search index's operator class from pg_trgm) but not the extensions themselves."""
    rows = connection.execute(sa.text(
        "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname <> 'plpgsql' ORDER BY e.extname")).all()
    return [{"name": name, "schema": schema} for name, schema in rows]


def _create_extensions(extensions):
    """Create, in the database restored into, the extensions the backed-up one had (in the same schemas)."""
    if not extensions:
        return
    preparer = db.engine.dialect.identifier_preparer
    with db.engine.begin() as connection:
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": EXTENSION_LOCK})
        for extension in extensions:
            schema = preparer.quote(extension["schema"])
            connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            connection.exec_driver_sql(f"CREATE EXTENSION IF NOT EXISTS {preparer.quote(extension['name'])} "
                                       f"SCHEMA {schema}")


def _dump_database(app, target_dir):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    backend = sa.engine.make_url(url).get_backend_name()
    if backend == "sqlite":
        path = target_dir / "database.sqlite3"
        source = sqlite3.connect(sa.engine.make_url(url).database)
        copy = sqlite3.connect(path)
        with copy:
            source.backup(copy)  # online backup: a consistent snapshot while others keep writing
        copy.close()
        source.close()
        return "sqlite", path.name
    if backend == "postgresql":
        args, env, schema = _pg_command(url, app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        path = target_dir / "database.dump"
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path), *args]
        if schema:
            command += ["--schema", schema]
        _run(command, env)
        return "postgresql", path.name
    raise BackupError(f"backups of {backend} databases are not supported")


def create_backup(output):
    """Write the archive to `output` (a file path); returns the manifest."""
    app = current_app._get_current_object()
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    skip = _database_files(app) | {output}
    dirs = backup_dirs(app)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        kind, database_name = _dump_database(app, scratch)
        with db.engine.connect() as connection:
            revisions = sorted(row[0] for row in connection.execute(sa.text("SELECT version_num FROM alembic_version"))) \
                if sa.inspect(connection).has_table("alembic_version") else []
            extensions = _extensions(connection) if kind == "postgresql" else []
        manifest = {"format": FORMAT, "created_at": utcnow().isoformat(), "database": kind,
                    "database_file": database_name, "revisions": revisions, "row_counts": row_counts(),
                    "extensions": extensions, "dirs": [str(d) for d in dirs], "files": []}
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(scratch / database_name, arcname=database_name)
            for index, folder in enumerate(dirs):
                if not folder.is_dir():
                    continue
                for root, subdirs, files in os.walk(folder):
                    subdirs[:] = sorted(d for d in subdirs if d != "backups")
                    for name in sorted(files):
                        path = Path(root, name)
                        if path.resolve() in skip or name.endswith(".partial"):
                            continue
                        relative = path.relative_to(folder).as_posix()
                        archive.add(path, arcname=f"files/{index}/{relative}")
                        manifest["files"].append(f"{index}/{relative}")
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            import io
            archive.addfile(info, io.BytesIO(data))
        partial.replace(output)  # never leave a half-written archive under the final name
    return manifest


def _database_is_empty():
    return not sa.inspect(db.engine).get_table_names()


def restore_backup(archive_path, force=False):
    """Restore an archive into the configured (empty) database and data folders; returns the manifest."""
    app = current_app._get_current_object()
    db.engine.dispose()
    if not force and not _database_is_empty():
        raise BackupError("the database is not empty: restore into a fresh database (or use --force on SQLite)")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(scratch, filter="data")
        manifest = json.loads((scratch / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')}")
        _restore_database(app, manifest, scratch / manifest["database_file"])
        dirs = backup_dirs(app)
        for entry in manifest["files"]:
            index, relative = entry.split("/", 1)
            if int(index) >= len(dirs):
                raise BackupError(f"no folder configured to receive {entry}: set CPMS_BACKUP_DIRS like the original")
            target = dirs[int(index)] / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(scratch / "files" / entry, target)
    db.engine.dispose()
    return manifest


def _restore_database(app, manifest, dump):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    backend = sa.engine.make_url(url).get_backend_name()
    if backend != manifest["database"]:
        raise BackupError(f"this is a {manifest['database']} backup; the configured database is {backend}")
    if backend == "sqlite":
        source = sqlite3.connect(dump)
        target = sqlite3.connect(sa.engine.make_url(url).database)
        with target:
            source.backup(target)
        target.close()
        source.close()
        return
    _create_extensions(manifest.get("extensions", []))
    args, env, _schema = _pg_command(url, app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args, str(dump)], env)
