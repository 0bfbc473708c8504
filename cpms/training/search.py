"""Trainee search by index (issue 22): a name or matricule fragment is looked up in an index, not by a scan.

What is searched, for each officer: one key, "matricule last_name post_name first_name", without accents (the
ACCENTED letters become their PLAIN letter) and in lower case. A term matches an officer when the key contains
its matricule form (normalise_matricule: '1.234 567-8' is '12345678') or every word of the term (so
"therese kabongo" finds KABONGO Mulamba Thérèse).

- SQLite: an FTS5 table `trainees_search` with the trigram tokenizer (substrings of 3 characters or more), kept
  in step with `trainees` by three triggers; it is contentless (it stores the index only, not the key) because
  the key, folded, is not a column of `trainees`. Words of fewer than 3 characters cannot be looked up in a
  trigram index: such a term is matched by a scan of the same key.
- PostgreSQL: the key is a stored generated column, `trainees.search_key` (migration 0039), with a trigram GIN
  index (extension pg_trgm); LIKE '%word%' on it uses the index. A trigram index is lossy: each candidate row is
  checked again against the LIKE, which reads the stored key (when the index was on the folded expression, that
  check recomputed `translate` over 55 letters for every candidate: "kab" counted in 469–781 ms at national
  scale, 38–52 ms on the stored key; docs/benchmark.md). The column is generated, not kept by the ORM, so that
  bulk inserts and updates that bypass the ORM (imports, the benchmark's generator, anonymisation) cannot leave
  it stale. It is not in the model (SQLite has no translate() and uses its FTS5 table): the schema comparison
  skips it (SCHEMA_NAMES, "trainees.search_key").

The triggers, the column and the index are written by the database itself, so bulk inserts (imports, demo data,
the benchmark's generator) and anonymisation keep the index in step. Migrations 0036 and 0039 create them on an
existing database; `db.create_all()` (tests) creates them through the DDL events below. On SQLite, a future
migration that rebuilds `trainees` (batch_alter_table) drops its triggers: it must create them again
(TRIGGERS_SQLITE).
"""
import re

import sqlalchemy as sa
from sqlalchemy import event

from cpms.core.models import EXTENSION_LOCK

ACCENTED = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ"
PLAIN = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy"
_FOLD = str.maketrans(ACCENTED, PLAIN)
MIN_INDEXED = 3  # the trigram index finds substrings of at least 3 characters

# schema objects that the models do not describe (skipped when the schema is compared with the models)
SCHEMA_NAMES = ("trainees_search", "trainees_search_data", "trainees_search_idx", "trainees_search_docsize",
                "trainees_search_config", "ix_trainees_search", "trainees.search_key")
SEARCH_COLUMN = "search_key"  # PostgreSQL only: the stored, generated key


def fold(text):
    """The key's form of a text: accents removed (ACCENTED → PLAIN), lower case."""
    return (text or "").translate(_FOLD).lower()


def _sqlite_fold(sql):
    """The fold in SQLite's SQL: replace() for each accented letter, in nested sub-selects of 10 (one chain of 55
    nested calls overflows SQLite's parser stack), then lower()."""
    pairs = list(zip(ACCENTED, PLAIN))
    for start in range(0, len(pairs), 10):
        value = sql if start == 0 else "k"
        for accented, plain in pairs[start:start + 10]:
            value = f"replace({value}, '{accented}', '{plain}')"
        sql = f"SELECT {value} AS k" if start == 0 else f"SELECT {value} AS k FROM ({sql})"  # nosec B608 – constants
    return f"(SELECT lower(k) FROM ({sql}))"  # nosec B608 – built from this module's constants, no user text


def _key(prefix=""):
    return (f"{prefix}matricule || ' ' || {prefix}last_name || ' ' || coalesce({prefix}post_name, '') || ' ' || "
            f"coalesce({prefix}first_name, '')")


def _postgresql_key(prefix=""):
    return f"lower(translate({_key(prefix)}, '{ACCENTED}', '{PLAIN}'))"


# the key on PostgreSQL: the generated column's expression
KEY_POSTGRESQL = _postgresql_key()
KEY_SQLITE = _sqlite_fold(_key("trainees."))


def create_postgresql(connection):
    """The extension (once per database, in schema public unless it is already somewhere), the generated column
    and its index. Two schemas of one database built at the same time (the test workers, two deployments) would
    both try to create the extension; "IF NOT EXISTS" does not see one that is not committed yet, so a lock held to the end of the
    transaction makes the second wait and then find it."""
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({EXTENSION_LOCK})")
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    schema = connection.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'").scalar()
    connection.exec_driver_sql(f"ALTER TABLE trainees ADD COLUMN {SEARCH_COLUMN} text "
                               f"GENERATED ALWAYS AS ({KEY_POSTGRESQL}) STORED")
    connection.exec_driver_sql(f'CREATE INDEX ix_trainees_search ON trainees USING gin ({SEARCH_COLUMN} '
                               f'"{schema}".gin_trgm_ops)')


# the SQL below is built from this module's constants only (no user text): bandit's B608 does not apply
_DELETE = (f"INSERT INTO trainees_search (trainees_search, rowid, key) "  # nosec B608
           f"VALUES ('delete', old.id, {_sqlite_fold(_key('old.'))});")
_INSERT = f"INSERT INTO trainees_search (rowid, key) VALUES (new.id, {_sqlite_fold(_key('new.'))});"  # nosec B608
TRIGGERS_SQLITE = (
    f"CREATE TRIGGER trainees_search_insert AFTER INSERT ON trainees BEGIN {_INSERT} END",
    f"CREATE TRIGGER trainees_search_delete AFTER DELETE ON trainees BEGIN {_DELETE} END",
    "CREATE TRIGGER trainees_search_update AFTER UPDATE OF matricule, last_name, post_name, first_name ON trainees "
    f"BEGIN {_DELETE} {_INSERT} END",
)
CREATE_SQLITE = ("CREATE VIRTUAL TABLE trainees_search USING fts5(key, content='', tokenize='trigram')",
                 *TRIGGERS_SQLITE,
                 f"INSERT INTO trainees_search (rowid, key) SELECT id, {KEY_SQLITE} FROM trainees")  # nosec B608


def attach(table):
    """Create the index with the table (db.create_all), on either database."""
    from cpms.core.models import UNMAPPED_SCHEMA_NAMES
    UNMAPPED_SCHEMA_NAMES.update(SCHEMA_NAMES)
    for statement in CREATE_SQLITE:
        event.listen(table, "after_create", sa.DDL(statement.replace("%", "%%")).execute_if(dialect="sqlite"))

    @event.listens_for(table, "after_create")
    def _postgresql(target, connection, **kw):
        if connection.dialect.name == "postgresql":
            create_postgresql(connection)
    event.listen(table, "before_drop", sa.DDL("DROP TABLE IF EXISTS trainees_search").execute_if(dialect="sqlite"))


def _words(term):
    """The term's words, folded; LIKE's wildcards and FTS5's quotes are not searched for."""
    return [word for word in re.split(r"\s+", fold(re.sub(r"[%_\\\"]", " ", term))) if word]


def _alternatives(term):
    """The term's alternatives, each a list of folded words that must all be found: its words, and its matricule
    form when that can find more ([] for a term with nothing to search for). The matricule form finds nothing more
    when it is the words put together ("kabongo therese" → "kabongotherese"): a key that contains them together
    contains each of them – searching it too would only cost the index a second look-up."""
    from cpms.training.service.trainees import normalise_matricule
    words = _words(term)
    matricule = fold(re.sub(r"[%_\\\"]", "", normalise_matricule(term)))
    alternatives = [words] + ([[matricule]] if matricule and matricule != "".join(words) else [])
    return [alt for alt in alternatives if alt]


def _match_query(alternatives):
    """The FTS5 query of these alternatives (SQLite), or None when a word is too short for the trigram index."""
    if not all(len(word) >= MIN_INDEXED for alt in alternatives for word in alt):
        return None
    return " OR ".join("(" + " AND ".join(f'"{word}"' for word in alt) + ")" for alt in alternatives)


def _matches(query):
    return sa.literal_column("trainees_search").op("MATCH")(query)


def term_condition(term):
    """The WHERE condition of a search for `term` (never None for a non-empty term)."""
    from sqlalchemy import and_, or_, select

    from cpms.extensions import db
    from cpms.training.models import Trainee
    alternatives = _alternatives(term)
    if not alternatives:
        return sa.false()
    if db.engine.dialect.name == "sqlite":
        query = _match_query(alternatives)
        if query is not None:
            found = select(sa.literal_column("rowid")).select_from(sa.table("trainees_search")).where(_matches(query))
            return Trainee.id.in_(found)
        key = sa.literal_column(KEY_SQLITE)
    else:
        key = sa.literal_column(f"trainees.{SEARCH_COLUMN}")
    return or_(*(and_(*(key.like(f"%{word}%") for word in alt)) for alt in alternatives))


def index_count(term):
    """A count of the officers matching `term` read from the index alone, or None where the index cannot give it.

    On SQLite the FTS5 table holds one row per officer (its triggers follow every insert, rename and deletion), so
    counting its matches is counting the officers found – without looking each one up in `trainees`, which a count
    through term_condition does (for "kab" at national scale, 14,752 matches: 12.8 ms of CPU against 0.6 ms).
    Right only when nothing else filters the officers (the user's area, sex, rank…: those need the trainees row):
    the caller decides (count_trainees). None on PostgreSQL (its index is on trainees itself: the count reads the
    same rows either way) and for a word too short for the trigram index."""
    from sqlalchemy import func, select

    from cpms.extensions import db
    alternatives = _alternatives(term)
    query = _match_query(alternatives) if alternatives else None
    if db.engine.dialect.name != "sqlite" or query is None:
        return None
    return select(func.count()).select_from(sa.table("trainees_search")).where(_matches(query))
