import logging
from logging.config import fileConfig

import sqlalchemy as sa
from flask import current_app

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


# The revision ids before the sequential renumbering (docs/migrations.md): a database made by an older
# release records one of these in alembic_version. The schema at each revision is the same; only its name
# changed, so the id is translated before Alembic reads it.
OLD_REVISION_IDS = {
    "0001_foundation": "0001",
    "0002_reference_places": "0002",
    "training_0001": "0003",
    "committees_0001": "0004",
    "plans_0001": "0005",
    "surveys_0001": "0006",
    "stations_0001": "0007",
    "deployments_0001": "0008",
    "notifications_0001": "0009",
    "indicators_0001": "0010",
    "certificates_0001": "0011",
    "harden_0001": "0012",
    "bench_0001": "0013",
}


def translate_old_revision_ids(connection, version_table="alembic_version", schema=None):
    """Rename an old revision id found in the version table to its sequential id (in its own transaction)."""
    with connection.begin():
        if not sa.inspect(connection).has_table(version_table, schema=schema):
            return
        table = sa.table(version_table, sa.column("version_num"), schema=schema)
        for old, new in OLD_REVISION_IDS.items():
            connection.execute(table.update().where(table.c.version_num == old).values(version_num=new))


def _broken_keys(connection):
    """SQLite's list of rows whose foreign key points nowhere (only those a migration adds are refused: a database
    may hold older ones, from before foreign keys were enforced)."""
    # (table, rowid, parent table): the key's index (the fourth value) changes when a table is rebuilt
    return [tuple(row[:3]) for row in connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()]


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        translate_old_revision_ids(connection, conf_args.get("version_table", "alembic_version"),
                                   conf_args.get("version_table_schema"))
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # batch_alter_table on SQLite copies a table and drops the old one: with foreign keys on, the drop
            # would cascade and delete every row that references it (enrolments of a cohort…). The pragma only
            # takes effect outside a transaction; the check afterwards refuses a migration that broke a key.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        with context.begin_transaction():
            already = set(_broken_keys(connection)) if sqlite else set()
            context.run_migrations()
            if sqlite:
                broken = [row for row in _broken_keys(connection) if row not in already]
                if broken:
                    raise RuntimeError(f"the migration left {len(broken)} rows with broken foreign keys, "
                                       f"e.g. {broken[:3]}")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
