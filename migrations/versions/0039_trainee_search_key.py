"""training: the trainee search key stored on PostgreSQL (issue 22) – a generated column `trainees.search_key`
indexed by trigrams, in place of the index on the folded expression

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-06 23:45:00

A trigram index is lossy: PostgreSQL checks every candidate row again against the LIKE. With the index on the
expression (0036) that check recomputed the folded key (translate over 55 letters) for each candidate, so a broad
fragment ("kab", 1,381 of 10,000 officers) was slower through the index than by a plain scan. The key is now
stored (a generated column: the database keeps it, whatever writes the row) and the index is on that column.
SQLite keeps its FTS5 table (0036): nothing changes there. The key's SQL is copied here as it was at this revision.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

ACCENTED = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ"
PLAIN = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy"
KEY = (f"lower(translate(matricule || ' ' || last_name || ' ' || coalesce(post_name, '') || ' ' || "
       f"coalesce(first_name, ''), '{ACCENTED}', '{PLAIN}'))")


def _trgm_schema():
    return op.get_bind().exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'").scalar()


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_trainees_search")
    op.execute(f"ALTER TABLE trainees ADD COLUMN search_key text GENERATED ALWAYS AS ({KEY}) STORED")
    op.execute(f'CREATE INDEX ix_trainees_search ON trainees USING gin (search_key "{_trgm_schema()}".gin_trgm_ops)')


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_trainees_search")
    op.execute("ALTER TABLE trainees DROP COLUMN search_key")
    op.execute(f'CREATE INDEX ix_trainees_search ON trainees USING gin (({KEY}) "{_trgm_schema()}".gin_trgm_ops)')
