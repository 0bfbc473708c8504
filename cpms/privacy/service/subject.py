"""Subject access: everything stored about one person, found by walking the models.

The people whose data can be asked for are the `subjects` the domains declare in their contract (e.g. the
officers, table trainees); `find_subject` loads one with the declaring domain's access check. Starting from
the subject's row, every table with a foreign key to a table already reached contributes the
rows that point at it (enrolments, then their attendance marks, vetting records, and whatever later domains
add: certificates, postings…). No domain has to register anything for its records to be included.
"""
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa

from cpms.core.audit import AuditEntry
from cpms.core.contract import resolve, subject
from cpms.core.models import utcnow
from cpms.extensions import db


def _plain(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(mapping):
    return {key: _plain(value) for key, value in mapping.items()}


def related_records(table_name, row_id):
    """{table: [rows]} of every row that refers, directly or through other rows, to one row."""
    records = {}
    frontier = [(table_name, [row_id])]
    while frontier:
        name, ids = frontier.pop(0)
        for table in db.metadata.sorted_tables:
            if table.name == table_name or table.name in records:
                continue
            columns = [fk.parent for fk in table.foreign_keys if fk.column.table.name == name]
            if not columns:
                continue
            key = sorted(table.primary_key.columns.keys())
            rows = db.session.execute(sa.select(table).where(sa.or_(*(c.in_(ids) for c in columns)))
                                      .order_by(*(table.c[k] for k in key))).mappings().all()
            if not rows:
                continue
            records[table.name] = [_row(r) for r in rows]
            if "id" in table.c:
                frontier.append((table.name, [r["id"] for r in rows]))
    return records


def find_subject(table_name, row_id, user):
    """The row of a declared subject (404 when `user` may not see it); LookupError for an undeclared table."""
    declared = subject(table_name)
    if declared is None:
        raise LookupError(f"no domain declares {table_name!r} as a subject of subject access")
    return resolve(declared.find)(row_id, user)


def subject_data(table_name, row_id):
    """All records about one person (a row of a subject's table), with the history of changes to their own
    record."""
    table = db.metadata.tables[table_name]
    row = db.session.execute(sa.select(table).where(table.c.id == row_id)).mappings().one()
    history = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == table_name,
                                                             AuditEntry.entity_id == str(row_id))
                                 .order_by(AuditEntry.at, AuditEntry.id)).all()
    return {
        "generated_at": utcnow().isoformat(),
        "subject": {"table": table_name, **_row(row)},
        "records": related_records(table_name, row_id),
        "history": [{"at": e.at.isoformat(), "action": e.action, "by": e.actor_label, "changes": e.changes}
                    for e in history],
    }
