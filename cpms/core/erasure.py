"""Personal data that is deleted must not linger in the database's files (issue 20).

SQLite: every connection runs with `PRAGMA secure_delete=ON` (cpms/core/setup.py), so the page written after a
delete has the deleted bytes overwritten with zeros. In WAL mode, the earlier images of that page stay in the
-wal file until it is checkpointed and reset: a service that deletes personal data calls `wipe_after_commit()`,
and once the transaction commits, `PRAGMA wal_checkpoint(TRUNCATE)` copies the cleaned pages into the database
file and empties the -wal file. A checkpoint that readers keep from finishing is logged; the next one (SQLite's
automatic checkpoints, or the next wipe) completes it.

PostgreSQL keeps deleted row versions until VACUUM reuses their space (docs/rules/privacy.md).
"""
import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from cpms.extensions import db

log = logging.getLogger("cpms")
WIPE = "cpms_wipe_after_commit"
CHECKPOINT_WAIT_MS = 200  # how long the checkpoint waits for readers: the request that deleted is waiting too


def wipe_after_commit():
    """Ask for the database's files to be cleaned of deleted rows once the current transaction commits."""
    db.session.info[WIPE] = True


def wipe_database_files(engine):
    """Empty SQLite's -wal file into the database (whose deleted rows are zeroed); True when it completed."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
        try:
            busy, _log_pages, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        finally:
            connection.exec_driver_sql("PRAGMA busy_timeout=10000")
    if busy:
        log.warning("wal_checkpoint(TRUNCATE) could not finish: readers were busy; deleted rows stay in the -wal "
                    "file until the next checkpoint")
    return not busy


@event.listens_for(Session, "after_commit")
def _wipe_after_commit(session):
    if session.info.pop(WIPE, False):
        wipe_database_files(session.get_bind())


@event.listens_for(Session, "after_rollback")
def _forget_wipe(session):
    session.info.pop(WIPE, None)
