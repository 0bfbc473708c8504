"""training: the trainee search index (issue 22) – SQLite FTS5 (trigram) kept in step by triggers, PostgreSQL
a trigram GIN index (pg_trgm) on the folded key

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 20:30:00

The key of an officer is "matricule last_name post_name first_name" without accents, in lower case
(cpms/training/search.py; its SQL is copied here as it was at this revision, so that later changes to the
module do not change what this migration did). PostgreSQL needs the pg_trgm extension (shipped with PostgreSQL,
a "trusted" extension that the database owner may create).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

ACCENTED = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ"
PLAIN = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy"


def _key(prefix=""):
    return (f"{prefix}matricule || ' ' || {prefix}last_name || ' ' || coalesce({prefix}post_name, '') || ' ' || "
            f"coalesce({prefix}first_name, '')")


def _sqlite_fold(sql):
    """The fold in SQLite's SQL: replace() for each accented letter, in nested sub-selects of 10 (one chain of 55
    nested calls overflows SQLite's parser stack), then lower()."""
    pairs = list(zip(ACCENTED, PLAIN))
    for start in range(0, len(pairs), 10):
        value = sql if start == 0 else "k"
        for accented, plain in pairs[start:start + 10]:
            value = f"replace({value}, '{accented}', '{plain}')"
        sql = f"SELECT {value} AS k" if start == 0 else f"SELECT {value} AS k FROM ({sql})"
    return f"(SELECT lower(k) FROM ({sql}))"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # once per database, in schema public unless it is already installed elsewhere; the lock makes a second
        # schema of the same database, upgraded at the same time, wait for the first and then find the extension
        op.execute("SELECT pg_advisory_xact_lock(7151201)")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        schema = op.get_bind().exec_driver_sql(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'").scalar()
        op.execute(f"CREATE INDEX ix_trainees_search ON trainees USING gin "
                   f"((lower(translate({_key()}, '{ACCENTED}', '{PLAIN}'))) \"{schema}\".gin_trgm_ops)")
        return
    delete = (f"INSERT INTO trainees_search (trainees_search, rowid, key) "
              f"VALUES ('delete', old.id, {_sqlite_fold(_key('old.'))});")
    insert = f"INSERT INTO trainees_search (rowid, key) VALUES (new.id, {_sqlite_fold(_key('new.'))});"
    op.execute("CREATE VIRTUAL TABLE trainees_search USING fts5(key, content='', tokenize='trigram')")
    op.execute(f"CREATE TRIGGER trainees_search_insert AFTER INSERT ON trainees BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER trainees_search_delete AFTER DELETE ON trainees BEGIN {delete} END")
    op.execute("CREATE TRIGGER trainees_search_update AFTER UPDATE OF matricule, last_name, post_name, first_name "
               f"ON trainees BEGIN {delete} {insert} END")
    op.execute(f"INSERT INTO trainees_search (rowid, key) SELECT id, {_sqlite_fold(_key('trainees.'))} FROM trainees")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_trainees_search")  # pg_trgm stays: other objects may use it
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS trainees_search_{trigger}")
    op.execute("DROP TABLE IF EXISTS trainees_search")
