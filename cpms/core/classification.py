"""Personal-data classification of every column, and the retention class of the rows that hold it.

Each column is `personal` (identifies a person or reaches them: names, matricules, e-mail, telephone,
addresses, birth dates), `sensitive` (secrets, and data whose disclosure harms: vetting findings, reasons
for a withdrawal) or `none`. A column is classified, in this order, by:

1. `info=personal(kind, retention)` on the column in its model (cpms/core/models.py);
2. the `columns` of its domain's contract (`DOMAIN` in cpms/<domain>/__init__.py), for columns whose model
   does not say;
3. the defaults: primary and foreign keys, numbers, booleans, dates and times, and text limited to a fixed
   list of values by a CHECK constraint are `none`.

Every personal or sensitive value has a retention class: the column's own, or its table's (the contract's
`tables`). The classes are declared by the domains (`retention`); cpms/privacy/service/retention.py applies each.
tests/security/test_classification.py fails for any column left unclassified, naming the domain's contract.
"""
import re

import sqlalchemy as sa

from cpms.core.contract import PII_KINDS, column_classes, retention_classes, table_retention
from cpms.core.models import UTCDateTime

__all__ = ["PII_KINDS", "column_class", "column_kind", "column_retention", "is_personal", "personal_columns",
           "retention_classes"]

_NONE = "none"

_PLAIN_TYPES = (sa.Integer, sa.Numeric, sa.Float, sa.Boolean, sa.Date, sa.DateTime, sa.Time, UTCDateTime)


def _checked_values(column):
    """True when a CHECK constraint limits the column to a fixed list of values (an enumeration)."""
    pattern = re.compile(rf"\b{re.escape(column.name)}\s+IN\s*\(", re.IGNORECASE)
    return any(isinstance(c, sa.CheckConstraint) and pattern.search(str(c.sqltext)) for c in column.table.constraints)


def column_kind(column):
    """'personal', 'sensitive', 'none', or None when the column is not classified."""
    if column.info.get("pii"):
        return column.info["pii"]
    key = f"{column.table.name}.{column.name}"
    declared = column_classes()
    if key in declared:
        return declared[key]
    if column.primary_key or column.foreign_keys or isinstance(column.type, _PLAIN_TYPES):
        return _NONE
    if isinstance(column.type, sa.String) and _checked_values(column):
        return _NONE
    return None


def column_retention(column):
    """The retention class of a personal or sensitive column (its own, else its table's), or None."""
    return column.info.get("retention") or table_retention().get(column.table.name)


def column_class(column):
    """(kind, retention class) of a column."""
    return column_kind(column), column_retention(column)


def is_personal(column):
    return column_kind(column) in ("personal", "sensitive")


def personal_columns(table):
    return [column for column in table.columns if is_personal(column)]


def table_domains(metadata):
    """{table name: domain} for every table of `metadata`: the package of its mapped class, or for a plain table
    (an association table) the first domain, in dependency order, whose models module holds it."""
    from cpms.domains import DOMAINS, domain_modules
    from cpms.extensions import db
    owners = {}
    for mapper in db.Model.registry.mappers:
        parts = mapper.class_.__module__.split(".")
        if len(parts) > 1 and parts[1] in DOMAINS:
            owners[mapper.local_table.name] = parts[1]
    for module in domain_modules("models"):
        for value in vars(module).values():
            if isinstance(value, sa.Table):
                owners.setdefault(value.name, module.__name__.split(".")[1])
    return {table.name: owners.get(table.name) for table in metadata.sorted_tables}


def unclassified(metadata):
    """One line per column nobody classified, saying which domain's contract to complete."""
    owners = table_domains(metadata)
    return [f"{table.name}.{column.name} (domain {owners[table.name]}): add it to the `columns` of DOMAIN in "
            f"cpms/{owners[table.name]}/__init__.py, or info=personal(...) on the column"
            for table in metadata.sorted_tables for column in table.columns if column_kind(column) is None]
