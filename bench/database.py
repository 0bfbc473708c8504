"""The benchmark database: generated once per scale, schema revision and generator code, then reused.

SQLite: bench/data/<key>.sqlite3. PostgreSQL (CPMS_BENCH_DATABASE_URL): a schema bench_<key> in that database.
A database is reused only when its generation finished (a marker file, or a comment on the schema); older
ones of the same scale are removed.
"""
import hashlib
import os
import re
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"


def schema_revision():
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return "+".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def generator_digest():
    """Changes when any generator changes, so that a stale database is not reused."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "bench" / "generate").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def database_key(scale):
    revision = re.sub(r"[^a-z0-9]+", "_", schema_revision().lower())
    return f"{scale}_{revision}_{generator_digest()}"


class BenchDatabase:
    """Where the benchmark data of one scale lives, and how to reach it with SQLAlchemy and the bare driver."""

    def __init__(self, scale, base_url=None):
        self.scale = scale
        self.key = database_key(scale)
        self.base_url = base_url
        if base_url:
            url = base_url.replace("postgresql://", "postgresql+psycopg://", 1) \
                if base_url.startswith("postgresql://") else base_url
            self.kind = "postgresql"
            self.schema = f"bench_{self.key}"[:63]
            self.url = url
            self.engine_options = {"connect_args": {"options": f"-csearch_path={self.schema}"}}
        else:
            self.kind = "sqlite"
            DATA.mkdir(parents=True, exist_ok=True)
            self.path = DATA / f"{self.key}.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.engine_options = {}

    @property
    def label(self):
        return f"{self.kind}/{self.scale}"

    def environment(self):
        """CPMS_* variables that point a separate process (gunicorn) at this database."""
        if self.kind == "sqlite":
            return {"CPMS_DATABASE_URL": self.url}
        separator = "&" if "?" in self.url else "?"
        return {"CPMS_DATABASE_URL": f"{self.url}{separator}options=-csearch_path%3D{self.schema}"}

    # --- readiness -------------------------------------------------------------------------

    def is_ready(self):
        if self.kind == "sqlite":
            return self.path.exists() and Path(f"{self.path}.ready").exists()
        engine = sa.create_engine(self.url)
        try:
            with engine.connect() as connection:
                comment = connection.execute(sa.text(
                    "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = :name"),
                    {"name": self.schema}).scalar()
        finally:
            engine.dispose()
        return comment == "ready"

    def reset(self):
        """Remove this scale's databases (this key's unfinished one and older keys'), then create an empty one."""
        if self.kind == "sqlite":
            for old in DATA.glob(f"{self.scale}_*"):
                old.unlink()
            return
        engine = sa.create_engine(self.url)
        with engine.begin() as connection:
            for (name,) in connection.execute(sa.text(
                    "SELECT nspname FROM pg_namespace WHERE nspname LIKE :prefix"), {"prefix": f"bench_{self.scale}_%"}):
                connection.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
            connection.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
        engine.dispose()

    def mark_ready(self):
        if self.kind == "sqlite":
            Path(f"{self.path}.ready").write_text("ready\n")
            return
        engine = sa.create_engine(self.url)
        with engine.begin() as connection:
            connection.execute(sa.text(f"COMMENT ON SCHEMA \"{self.schema}\" IS 'ready'"))
        engine.dispose()

    # --- the bare driver, for floors -------------------------------------------------------

    def driver_connection(self):
        if self.kind == "sqlite":
            import sqlite3
            connection = sqlite3.connect(self.path)
            connection.execute("PRAGMA foreign_keys=ON")
            return connection
        import psycopg
        plain = self.url.replace("postgresql+psycopg://", "postgresql://", 1)
        return psycopg.connect(plain, options=f"-csearch_path={self.schema}")


def prepare(database, echo=print):
    """Generate the database unless a finished one is there; returns the app to benchmark."""
    from bench.app import make_app

    if database.is_ready():
        echo(f"Reusing the {database.label} data ({database.key}).")
        return make_app(database)
    echo(f"Generating the {database.label} data ({database.key}); this is done once per scale and schema.")
    database.reset()
    app = make_app(database)
    with app.app_context():
        from flask_migrate import upgrade

        from bench.generate import generate
        from cpms.extensions import db
        upgrade(directory=str(ROOT / "migrations"))
        generate(db.engine, database.scale, echo=echo)
        db.engine.dispose()
    database.mark_ready()
    return app


def environment_url():
    return os.environ.get("CPMS_BENCH_DATABASE_URL") or None
