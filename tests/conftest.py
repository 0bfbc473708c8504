"""Fixtures: app, db, client, login_as(role, area), factories.

The suite runs on SQLite by default and on PostgreSQL when CPMS_TEST_DATABASE_URL is set
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test). Each pytest-xdist worker gets its own
SQLite file or its own PostgreSQL schema. CSRF protection stays on, as in production.

Where test code lives (tests/README.md; tests/core/test_test_layout.py checks it):
- tests/<domain>/fixtures.py holds that domain's factories and test helpers; every one is loaded below as a
  plugin, so its fixtures reach the whole suite. No factories.py or helpers.py in a domain folder; a domain's
  conftest.py only for fixtures that must stay scoped to its folder (none of them a factory).
- A test needing another domain's objects asks for the fixture that domain provides (make_committee,
  make_round, survey_files…) and never imports tests.<other_domain>; importing the same domain's fixtures.py
  is fine, importing a test module is not.
- Domain-free helpers shared by several domains live in tests/helpers/ (images, PDF text, the access matrix);
  this file and tests/access.py are shared too.
"""
import fcntl
import os
import pickle  # nosec B403 – the demo snapshot, written and read by the same run
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from cpms import create_app
from cpms.extensions import db as _db

# Property-based tests share two cores with the rest of the suite: no deadline, and slow input
# generation on a loaded machine is not a failure.
hypothesis_settings.register_profile("cpms", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example, HealthCheck.data_too_large])
hypothesis_settings.load_profile("cpms")

ROOT = Path(__file__).resolve().parent.parent
# each domain's factories (tests/<domain>/fixtures.py) are visible to every test, e.g. the access matrix
pytest_plugins = ([f"tests.{path.parent.name}.fixtures" for path in sorted(Path(__file__).parent.glob("*/fixtures.py"))]
                  + ["tests.helpers.access_matrix"])  # its sample_ids fixture, for the matrix and tests/security
TEST_PASSWORD = "Correct-Horse-Battery-9"


def _compile_translations():
    """The French catalogue must be compiled for views to speak French (make test does it too)."""
    po = ROOT / "cpms" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
        with po.open("rb") as source:
            catalog = read_po(source, locale="fr")
        tmp = mo.with_suffix(f".{os.getpid()}.tmp")  # parallel workers may compile at once
        with tmp.open("wb") as target:
            write_mo(target, catalog)
        tmp.replace(mo)


@contextmanager
def english(app, **request_kwargs):
    """A request context whose messages are in English (the interface defaults to French)."""
    from flask_babel import force_locale
    with app.test_request_context(**request_kwargs), force_locale("en"):
        yield


def database_url_for(worker, tmp_dir, purpose="suite"):
    """(url, engine options) of a private database for this worker and purpose."""
    base = os.environ.get("CPMS_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_dir / f'{purpose}.sqlite3'}", {}
    if base.startswith("postgresql://"):
        base = "postgresql+psycopg://" + base[len("postgresql://"):]
    # unique per process, so that several checkouts can run the suite on one server at once
    schema = f"cpms_{purpose}_{worker}_{os.getpid()}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return base, {"connect_args": {"options": f"-csearch_path={schema}"}}


def drop_test_schema(url, options):
    """Remove a worker's PostgreSQL schema at the end of the run (nothing to do on SQLite)."""
    search_path = options.get("connect_args", {}).get("options", "")
    if not url.startswith("postgresql") or "search_path=" not in search_path:
        return
    schema = search_path.split("search_path=", 1)[1]
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def make_test_config(url, engine_options, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }
    config.update(extra)
    return config


class IsolatedClient(FlaskClient):
    """Runs every request in its own app context (own `g`, own database session), as in production.

    Without this, requests would reuse the test's app context and share `g` and the ORM session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def worker_id_safe(request):
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def app(tmp_path_factory, worker_id_safe):
    _compile_translations()
    url, options = database_url_for(worker_id_safe, tmp_path_factory.mktemp("db"))
    app = create_app(make_test_config(url, options),
                     instance_path=str(tmp_path_factory.mktemp("instance")))
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
    drop_test_schema(url, options)


# Emptying the database after a test: only the tables holding rows, with DELETE. On PostgreSQL a TRUNCATE of every
# table makes new files for each of the 100 tables and their indexes, seconds on a loaded machine, twice a test; it
# is kept for a table past BULK_ROWS rows (the demo's 135,000 attendance marks), whose rows DELETE would check one
# by one against the tables referring to them.
BULK_ROWS = 5000


def _rows_held(connection, tables):
    """{table name: rows, counted up to BULK_ROWS + 1} of the tables holding any, in one statement."""
    counts = " UNION ALL ".join(f"SELECT '{t.name}', (SELECT COUNT(*) FROM (SELECT 1 FROM \"{t.name}\" LIMIT "
                                f"{BULK_ROWS + 1}) AS capped)" for t in tables)
    return {name: rows for name, rows in connection.execute(sa.text(counts)) if rows}


def _empty_database():
    """Every table emptied, and on PostgreSQL every sequence back at its start (ids begin at 1 again)."""
    tables = list(reversed(_db.metadata.sorted_tables))  # children before parents
    with _db.engine.begin() as connection:
        held = _rows_held(connection, tables)
        postgresql = connection.dialect.name == "postgresql"
        if postgresql and max(held.values(), default=0) > BULK_ROWS:
            connection.execute(sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables)
                                       + " RESTART IDENTITY CASCADE"))
            return
        for table in tables:
            if table.name in held:
                connection.execute(sa.text(f'DELETE FROM "{table.name}"'))
        if postgresql:  # the sequences used since the last restart (an insert rolled back uses one too)
            connection.execute(sa.text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
                "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"))


def _insert_rows(connection, tables):
    """Insert [(table, rows)] in that (dependency) order, with their ids; on PostgreSQL each of these tables'
    sequences then restarts after its largest id (pg_get_serial_sequence is null for a key without one, and setval
    of null does nothing)."""
    for table, rows in tables:
        if rows:
            connection.execute(table.insert(), rows)
    if connection.dialect.name == "postgresql":
        for table, rows in tables:
            keys = list(table.primary_key.columns)
            if rows and len(keys) == 1 and isinstance(keys[0].type, sa.Integer):
                connection.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{keys[0].name}'), "
                    f"COALESCE(MAX(\"{keys[0].name}\"), 0) + 1, false) FROM \"{table.name}\""))


# The reference places as load_reference_places() leaves an empty database, read once per worker: [(table, rows)]
_reference_places = []


def _load_reference_places():
    """The reference places in the emptied database: loaded the first time, then inserted again from their rows
    (one statement a table instead of load_reference_places()' sixty)."""
    from cpms.geo.reference import load_reference_places

    with _db.engine.begin() as connection:
        if _reference_places:
            _insert_rows(connection, _reference_places)
            return
        load_reference_places(connection)
    with _db.engine.connect() as connection:
        _reference_places.extend((table, rows) for table in _db.metadata.sorted_tables
                                 if (rows := _table_rows(connection, table)))


@pytest.fixture
def db(app):
    """A database holding only the reference places; emptied again after the test."""
    with app.app_context():
        _empty_database()
        _load_reference_places()
        yield _db
        _db.session.remove()
        _empty_database()


# The demo, loaded once per run and kept as a snapshot: {(language, day): (summary, [(table, rows)], {path: bytes})}
_demo_snapshots = {}


def _demo_folders(app):
    """Where the demo writes files (photos, logos, stored documents): the instance folder and UPLOAD_DIR, in that
    order (the same for every worker), each unless inside the other."""
    folders = [Path(app.instance_path), Path(app.config["UPLOAD_DIR"])]
    return [folder for folder in folders if not any(other in folder.parents for other in folders)]


def _files_in(folders):
    return {path: (path.stat().st_mtime_ns, path.stat().st_size)
            for folder in folders if folder.exists() for path in folder.rglob("*") if path.is_file()}


def _table_rows(connection, table):
    keys = [column.key for column in table.columns]
    rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns))  # parents before children
    return [dict(zip(keys, row)) for row in rows]


def _take_demo_snapshot(app, lang):
    """Load the demo into the database as `db` leaves it, and keep every table's rows and the files it wrote."""
    from cpms.core.demo import load_demo

    folders = _demo_folders(app)
    before = _files_in(folders)
    with app.test_request_context():
        summary = load_demo(lang=lang)
    _db.session.commit()
    _db.session.remove()
    files = {path: path.read_bytes() for path, stamp in _files_in(folders).items() if before.get(path) != stamp}
    with _db.engine.connect() as connection:
        tables = [(table, _table_rows(connection, table)) for table in _db.metadata.sorted_tables]
    return summary, tables, files


def _restore_demo_snapshot(snapshot):
    """Empty the database and insert the snapshot's rows, in dependency order; put its files back."""
    _summary, tables, files = snapshot
    _empty_database()
    with _db.engine.begin() as connection:
        _insert_rows(connection, tables)  # the rows keep their ids; the sequences restart after them
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE " + ", ".join(f'"{table.name}"' for table, _rows in tables)))
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _shared_demo_snapshot(app, lang, key, shared):
    """The snapshot of load_demo(lang) for `key`: taken by the first worker of the run that needs it, which writes it
    to the folder `shared` of the whole run, and read from there by the others (they wait while it is taken). Rows
    name their files relative to the upload folder, so the files go to the same place under each worker's own."""
    name = f"demo-{key[0]}-{key[1]}-{_db.engine.dialect.name}"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, also by a worker that fails
        stored = shared / f"{name}.pickle"
        folders = _demo_folders(app)
        if stored.exists():
            summary, tables, files = pickle.loads(stored.read_bytes())  # nosec B301 – written by this run
            return (summary, [(_db.metadata.tables[table], rows) for table, rows in tables],
                    {folders[index] / relative: content for (index, relative), content in files.items()})
        summary, tables, files = snapshot = _take_demo_snapshot(app, lang)
        portable = {next((index, path.relative_to(folder)) for index, folder in enumerate(folders)
                         if folder in path.parents): content for path, content in files.items()}
        part = stored.with_suffix(f".{os.getpid()}.tmp")
        part.write_bytes(pickle.dumps((summary, [(table.name, rows) for table, rows in tables], portable)))
        part.replace(stored)
        return snapshot


def _restored_demo(app, lang, shared):
    """The database holding the demo as load_demo(lang) leaves it today; returns load_demo()'s summary.

    The demo takes minutes to load: it is loaded once per run, language and day (by the first worker that needs it),
    kept as a snapshot of every table and of the files it wrote, and restored for each test (docs/testing.md). A
    test loading the demo on another day (time_machine) or with other settings calls load_demo() itself."""
    from cpms.core import demo as core_demo

    key = (lang or app.config.get("BABEL_DEFAULT_LOCALE", "fr"), date.today())
    if key not in _demo_snapshots:
        for other in [other for other in _demo_snapshots if other[1] != key[1]]:
            del _demo_snapshots[other]  # another day's demo is not today's
        _demo_snapshots[key] = _shared_demo_snapshot(app, lang, key, shared)
    snapshot = _demo_snapshots[key]
    _restore_demo_snapshot(snapshot)  # also after the first load: every test gets the demo the same way
    core_demo._language["lang"] = lang  # as load_demo(lang) leaves it
    return dict(snapshot[0])


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory, worker_id_safe):
    """A folder shared by the workers of this run (each worker's base folder is inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id_safe == "main" else base.parent


@pytest.fixture
def demo(app, db, run_folder):
    """The demo in the application's language (load_demo()), restored from the run's snapshot; its summary."""
    return _restored_demo(app, None, run_folder)


@pytest.fixture
def demo_en(app, db, run_folder):
    """The demo in English (load_demo(lang="en")), restored from the run's snapshot; its summary."""
    return _restored_demo(app, "en", run_folder)


@pytest.fixture
def fresh_rate_limits(app):
    """No request counted yet. The limiter is one object for every app of the process: a test that builds an app
    with the default settings leaves it on the database's storage, so the reset runs inside the application."""
    from cpms.extensions import limiter
    with app.app_context():
        limiter.reset()


@pytest.fixture
def client(app, db):
    return app.test_client()


def csrf_token_from(html):
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Web:
    """A test client that fetches CSRF tokens from pages like a web would."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def token(self, page="/login"):
        response = self.client.get(page)
        return csrf_token_from(response.get_data(as_text=True))

    def post(self, url, data=None, page=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(page or url))
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def web(client):
    return Web(client)


def province_id(name):
    from cpms.geo.models import Province
    return _db.session.scalar(sa.select(Province.id).where(Province.name == name))


def commune_id(name):
    from cpms.geo.models import Commune
    return _db.session.scalar(sa.select(Commune.id).where(Commune.name == name))


@pytest.fixture
def make_user(db):
    from cpms.auth.service import create_user

    counter = {"n": 0}

    def factory(role="admin", provinces=(), communes=(), email=None, password=TEST_PASSWORD, name=None, locale="en"):
        counter["n"] += 1
        user = create_user(name=name or f"Test {role.title()} {counter['n']}",
                           email=email or f"{role}{counter['n']}@test.cpms.example", role=role, password=password,
                           locale=locale, province_ids=[province_id(p) for p in provinces],
                           commune_ids=[commune_id(c) for c in communes])
        _db.session.commit()
        return user

    return factory


@pytest.fixture
def login_as(web, make_user):
    """login_as(role, area) – create a user with that role (limited to the province `area`, if given) and log in."""

    def do_login(role, area=None, communes=(), locale="en"):
        provinces = [area] if isinstance(area, str) else list(area or [])
        user = make_user(role, provinces=provinces, communes=communes, locale=locale)
        response = web.post("/login", {"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return do_login


@pytest.fixture
def make_programme(db):
    from cpms.programmes.service import create_programme

    counter = {"n": 0}

    def factory(provinces=("Kasaï-Oriental",), code=None, requires_vetting=False, **fields):
        counter["n"] += 1
        programme = create_programme(code=code or f"PRG-{counter['n']}",
                                     name=fields.pop("name", f"Programme {counter['n']}"),
                                     donors=fields.pop("donors", "Donor"),
                                     start_date=fields.pop("start_date", date(2016, 1, 1)),
                                     end_date=fields.pop("end_date", date(2019, 12, 31)),
                                     requires_vetting=requires_vetting, description=fields.pop("description", ""),
                                     province_ids=[province_id(p) for p in provinces])
        _db.session.commit()
        return programme

    return factory


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements a block issues."""
    from contextlib import contextmanager

    @contextmanager
    def counter():
        statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        with app.app_context():
            engine = _db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counter
