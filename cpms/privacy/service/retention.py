"""Retention: personal data past its retention class is anonymised (or deleted), and the run is logged.

The classes are declared by the domains (`retention` in their contract, cpms/<domain>/__init__.py), each with
its period setting and the function that retires its expired data (in cpms/<domain>/privacy.py, built with
`anonymise` and `tables_referencing` below). A period of 0 keeps the data. Anonymising keeps the
rows (a trainee still counts in the attendance rates and indicator figures) but overwrites every personal
or sensitive column of the class: NULL where allowed, `anon-<id>` where the value must be unique, else ''
or '***'. Each class that touched rows writes one `retention` entry to the audit log.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from cpms.core.audit import record_event
from cpms.core.classification import column_retention, is_personal
from cpms.core.contract import resolve, retention_classes
from cpms.core.erasure import wipe_after_commit
from cpms.core.models import utcnow
from cpms.extensions import db

MASK = "***"
ANON_PREFIX = "anon-"


def cutoff(retention_class, now=None):
    """The moment before which data of this class has expired, or None when it is kept for ever."""
    declared = retention_classes()[retention_class]
    amount = current_app.config[declared.setting] if declared.setting else 0
    if not amount:
        return None
    unit = declared.unit
    return (now or utcnow()) - (timedelta(days=amount) if unit == "days" else timedelta(days=round(amount * 365.25)))


def _anonymous_value(table, column):
    if column.nullable:
        return None
    if column.unique or any(isinstance(c, sa.UniqueConstraint) and column.name in c.columns.keys()
                            for c in table.constraints):
        return sa.literal(ANON_PREFIX) + sa.cast(table.c.id, sa.String)
    default = getattr(column.default, "arg", None)
    return "" if default == "" else MASK


def anonymise(table, where, retention_class):
    """Overwrite the personal columns of `retention_class` in the rows of `table` matching `where`."""
    values = {column.name: _anonymous_value(table, column) for column in table.columns
              if is_personal(column) and column_retention(column) == retention_class}
    if not values:
        return 0
    changed = db.session.execute(sa.update(table).where(where).values(**values)).rowcount
    if changed:
        wipe_after_commit()  # the values overwritten must not stay in the database's files
    return changed


def tables_referencing(table_name):
    """(table, foreign-key column) of every table with a foreign key to `table_name`."""
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name:
                yield table, fk.parent


def apply_retention(now=None):
    """Apply every retention class once; {class: rows changed}. Logged in the audit log; the caller commits."""
    done = {}
    for retention_class, declared in retention_classes().items():
        before = cutoff(retention_class, now) if declared.retire else None
        if before is None:
            continue
        count = resolve(declared.retire)(before)
        if count:
            done[retention_class] = count
    for retention_class, count in done.items():
        record_event("retention", entity=retention_class, actor_label="retention job",
                     detail=f"{count} rows anonymised or deleted: {retention_class} data older than "
                            f"{cutoff(retention_class, now):%Y-%m-%d}")
    db.session.flush()
    return done
