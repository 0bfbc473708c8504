"""Invented data at the size of a province or the whole country, for benchmarks: `python -m bench generate`.

Each domain has its generators (`@generator` functions) in `bench/generate/<domain>.py`; they run in the order of
cpms.domains.DOMAINS and receive one `Generation`, which offers:

- `gen.count(national)`: a national figure scaled to the chosen size (national 1, province 1/10, small 1/100);
- `gen.random(name)`: a seeded random generator of its own, so that one domain's draws never shift another's;
- `gen.ids(table, n)`: the ids the next n rows of a table will get (rows are inserted with explicit ids, so a
  generator links children to parents without reading anything back);
- `gen.insert(table, columns, rows)`: a bulk insert of tuples – PostgreSQL COPY, or a Core insert() compiled once
  and executed in batches of 10,000 on SQLite. Nothing goes through the ORM, so no audit entries are written;
- `gen.shared`: what later domains need (e.g. `shared["communes"]`, `shared["programmes"]`, `shared["users"]`);
- `gen.today` / `gen.now`: the data's "today" (the day of generation unless given: the same seed and the same
  day give the same data).

A generator returns {what: count} for the summary. Adding a domain: write `bench/generate/<domain>.py` with one
`@generator` function (see bench/generate/stations.py for a short one); `python -m bench generate` picks it up.
"""
import contextlib
import importlib
import json
import random
import time as clock
from datetime import date, datetime, time, timezone
from importlib.util import find_spec

import sqlalchemy as sa

SCALES = {"small": 0.01, "province": 0.1, "national": 1.0}
DEFAULT_SEED = 2016
BATCH = 10_000

_generators = []


def generator(func):
    """Register a domain's generator (in bench/generate/<domain>.py): func(gen) -> {what: count}."""
    _generators.append(func)
    return func


def _domain_of(func):
    return func.__module__.rsplit(".", 1)[-1]


def domain_generators():
    """Every registered generator, in the order of the domains (cpms.domains.DOMAINS), then of registration (a
    domain's module may be imported by another's before its turn)."""
    from cpms.domains import DOMAINS
    for domain in DOMAINS:
        name = f"{__name__}.{domain}"
        if find_spec(name) is not None:
            importlib.import_module(name)  # importing it registers its generators
    return sorted(_generators, key=lambda func: DOMAINS.index(_domain_of(func)))


class GenerationRefused(Exception):
    pass


class Generation:
    def __init__(self, connection, scale="small", seed=DEFAULT_SEED, today=None):
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
        self.connection = connection
        self.dialect = connection.dialect
        self.scale, self.factor, self.seed = scale, SCALES[scale], seed
        self.today = today or date.today()
        self.now = datetime.combine(self.today, time(17, 0), tzinfo=timezone.utc)
        self.shared = {}
        self.rows = {}  # table name → rows inserted
        self._next_id = {}

    # --- sizes and randomness ---------------------------------------------------------------

    def count(self, national, minimum=1):
        """A national figure scaled to this generation's size, at least `minimum`."""
        return max(minimum, round(national * self.factor))

    def random(self, name):
        return random.Random(f"{self.seed}:{name}")

    # --- ids and inserts --------------------------------------------------------------------

    def ids(self, table, n):
        """range of the ids for the next n rows of `table` (continuing after the rows already there)."""
        table = _table(table)
        if table.name not in self._next_id:
            current = self.connection.execute(sa.select(sa.func.max(table.c.id))).scalar()
            self._next_id[table.name] = (current or 0) + 1
        start = self._next_id[table.name]
        self._next_id[table.name] = start + n
        return range(start, start + n)

    def insert(self, table, columns, rows):
        """Insert tuples (values in the order of `columns`) in bulk; returns the number of rows."""
        table = _table(table)
        columns = list(columns)
        if not self.connection.in_transaction():
            self.connection.begin()  # rows go through the driver's cursor: let commit() know there is work
        if self.dialect.name == "postgresql":
            count = self._copy(table, columns, rows)
        else:
            count = self._executemany(table, columns, rows)
        self.rows[table.name] = self.rows.get(table.name, 0) + count
        return count

    def _copy(self, table, columns, rows):
        json_positions = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, sa.JSON)]
        names = ", ".join(f'"{name}"' for name in columns)
        cursor = self.connection.connection.driver_connection.cursor()
        count = 0
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                if json_positions:
                    row = list(row)
                    for i in json_positions:
                        row[i] = json.dumps(row[i])
                copy.write_row(row)
                count += 1
        cursor.close()
        return count

    def _executemany(self, table, columns, rows):
        # written by hand, our column order, and only our columns: SQLAlchemy's compiled INSERT also adds a
        # placeholder for every column with a Python-side default (a new column would shift every row)
        names = ", ".join(f'"{name}"' for name in columns)
        statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'  # nosec B608 - our metadata
        positions = list(range(len(columns)))
        processors = [_memoised(table.c[name].type.dialect_impl(self.dialect).bind_processor(self.dialect))
                      for name in columns]
        plain = all(p is None for p in processors)
        cursor = self.connection.connection.driver_connection.cursor()
        batch, count = [], 0
        for row in rows:
            if plain:
                batch.append(row)
            else:
                batch.append(tuple(row[i] if p is None else p(row[i]) for i, p in zip(positions, processors)))
            if len(batch) >= BATCH:
                cursor.executemany(statement, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)
            count += len(batch)
        cursor.close()
        return count

    def commit(self):
        self.connection.commit()


def _table(table):
    return getattr(table, "__table__", table)


def _memoised(processor):
    """Bind processors convert dates, times and timestamps to text on SQLite; values repeat a lot, so cache them."""
    if processor is None:
        return None
    cache = {}

    def process(value):
        if value is None:
            return None
        if not isinstance(value, (date, time)):  # datetime is a date
            return processor(value)
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = processor(value)
            if len(cache) > 100_000:
                cache.clear()
            return result
    return process


# --- running the generators --------------------------------------------------------------------

def existing_data(connection):
    """Whether the database already has users (the generator fills empty databases only)."""
    from cpms.auth.models import User
    return bool(connection.execute(sa.select(sa.func.count()).select_from(User.__table__)).scalar())


def generate(engine, scale="small", seed=DEFAULT_SEED, today=None, echo=print):
    """Fill an empty, migrated database; returns {what: count}. Refuses (GenerationRefused) when it has users.

    Should it fail half-way, drop the database and start again from a new one.
    """
    started = clock.perf_counter()
    summary = {}
    with engine.connect() as connection:
        if existing_data(connection):
            raise GenerationRefused("The database is not empty: generate into a new, migrated database.")
        _prepare(connection)
        restore = _without_constraints(connection)
        try:
            gen = Generation(connection, scale, seed, today)
            for func in domain_generators():
                step = clock.perf_counter()
                result = func(gen) or {}
                gen.commit()
                summary.update(result)
                echo(f"  {_domain_of(func):<12} {clock.perf_counter() - step:6.1f} s  "
                     + ", ".join(f"{n:,} {what}" for what, n in result.items()))
        except BaseException:
            connection.rollback()
            with contextlib.suppress(Exception):
                restore()
            raise
        step = clock.perf_counter()
        restore()
        echo(f"  {'constraints':<12} {clock.perf_counter() - step:6.1f} s  checked and indexes built")
        _finish(connection)
    echo(f"  {'finished':<12} {clock.perf_counter() - started:6.1f} s in all")
    return summary


def _prepare(connection):
    """Reference data the migrations load, for schemas made with create_all() (tests)."""
    from cpms.geo.reference import load_reference_places
    from cpms.stations.reference import load_default_template
    from cpms.training.reference import seed_ranks
    load_reference_places(connection)
    seed_ranks(connection)
    load_default_template(connection)
    connection.commit()


def _without_constraints(connection):  # noqa: C901
    """Load without checking each row: foreign keys are checked, and indexes built, once at the end.

    Checking foreign keys row by row makes a load several times slower (PostgreSQL runs a trigger per row and
    key). PostgreSQL: foreign keys, indexes, unique and primary keys are dropped, then added back (which checks
    them all). SQLite: foreign keys are off during the load, then `PRAGMA foreign_key_check` must find nothing.
    Returns the function that restores them.
    """
    from cpms.extensions import db

    if connection.dialect.name == "sqlite":
        # PRAGMAs outside a transaction, or SQLite ignores (foreign_keys) or refuses (synchronous) them
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql("PRAGMA synchronous=OFF")

        def restore_sqlite():
            connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.commit()
            if broken:
                raise RuntimeError(f"generated rows break foreign keys, e.g. {broken[:5]}")
        return restore_sqlite

    tables = db.metadata.sorted_tables
    foreign_keys = [fk for table in tables for fk in table.foreign_key_constraints]
    indexes = [index for table in tables for index in table.indexes]
    keys = [c for table in tables for c in table.constraints
            if isinstance(c, (sa.PrimaryKeyConstraint, sa.UniqueConstraint))]
    for fk in foreign_keys:
        connection.execute(sa.schema.DropConstraint(fk))
    for index in indexes:
        connection.execute(sa.schema.DropIndex(index))
    for key in keys:
        connection.execute(sa.schema.DropConstraint(key))
    connection.exec_driver_sql("SET synchronous_commit = off")
    connection.commit()

    def restore_postgresql():
        for key in keys:
            connection.execute(sa.schema.AddConstraint(key))
        for index in indexes:
            connection.execute(sa.schema.CreateIndex(index))
        for fk in foreign_keys:
            connection.execute(sa.schema.AddConstraint(fk))
        connection.commit()
    return restore_postgresql


def _finish(connection):
    """Move PostgreSQL sequences past the explicit ids, then gather planner statistics."""
    from cpms.extensions import db
    if connection.dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:
            id_column = table.c.get("id")
            if id_column is not None and isinstance(id_column.type, sa.Integer) and id_column.autoincrement:
                # bandit B608: the table names come from our own metadata, not from input
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # nosec B608
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM \"{table.name}\"")
        connection.commit()
        # VACUUM cannot run in a transaction; it also marks pages all-visible, as autovacuum would by now
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql("VACUUM ANALYZE")
    else:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
