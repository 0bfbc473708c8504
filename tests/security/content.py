"""What a user reads in a response, whatever its format, and which values stand for rows of an area."""
import html
import io
import json
import re

import sqlalchemy as sa

from cpms.extensions import db

GEO_TABLES = {"provinces", "cities", "communes", "quartiers"}
# staff accounts are national: their names may appear anywhere (e.g. the trainers of a cohort form)
NATIONAL_TABLES = GEO_TABLES | {"users", "user_provinces", "user_communes", "api_tokens", "audit_entries"}


def readable_text(response):
    """The text a person would read in the response: HTML/JSON/CSV unescaped, XLSX cells, PDF text."""
    mimetype = response.mimetype
    body = response.get_data()
    if mimetype.startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(" | ".join("" if v is None else str(v) for v in row)
                         for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True))
    if mimetype == "application/pdf":
        from pypdf import PdfReader
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if mimetype.startswith("image/"):
        return ""
    text = body.decode("utf-8", "replace")
    if mimetype == "application/json":
        return json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text)


def area_bound_tables():
    """Tables whose rows belong to an area: a province or commune column, a foreign key to such a table, or
    an association table with a province/commune (e.g. programme_provinces makes programmes area-bound)."""
    tables = db.metadata.tables
    bound = {name for name, table in tables.items()
             if name not in NATIONAL_TABLES and {"province_id", "commune_id"} & set(table.columns.keys())}
    changed = True
    while changed:
        changed = False
        for name, table in tables.items():
            if name in bound or name in NATIONAL_TABLES:
                continue
            targets = {fk.column.table.name for fk in table.foreign_keys}
            referenced_by_bound_association = any(
                fk.column.table.name == name and all(c.primary_key for c in other.columns)
                for other_name, other in tables.items() if other_name in bound for fk in other.foreign_keys)
            if targets & bound or referenced_by_bound_association:
                bound.add(name)
                changed = True
    return bound


def _string_values(table_names, columns=None):
    values = {}
    for name in table_names:
        table = db.metadata.tables[name]
        for column in table.columns:
            if not isinstance(column.type, (sa.String, sa.Text)) or (columns and not columns(column)):
                continue
            for value in db.session.scalars(sa.select(column).where(column.is_not(None))):
                values.setdefault(value, f"{name}.{column.name}")
    return values


def _distinctive(value):
    return (isinstance(value, str) and len(value.strip()) >= 6 and not re.fullmatch(r"[a-z0-9_]+", value)
            and "\n" not in value.strip())


def shows(text, value):
    """The page shows the value as a whole: not inside a longer code or word (PRG-10 is not in C-PRG-10)."""
    return value in text and re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text) is not None


def area_markers():
    """{value: 'table.column'} for text stored in rows of an area and in nothing national, e.g. a
    committee's name or a trainee's matricule: such a value in a page means a row of that area is shown."""
    bound = area_bound_tables()
    neutral = set(_string_values(set(db.metadata.tables) - bound))
    return {value.strip(): where for value, where in _string_values(bound).items()
            if _distinctive(value) and value not in neutral}


def personal_markers(exclude=()):
    """{value: 'table.column'} for every stored value of a column classified personal or sensitive."""
    from cpms.core.classification import column_class
    names = set(db.metadata.tables)
    values = _string_values(names, columns=lambda c: column_class(c)[0] in ("personal", "sensitive"))
    return {value.strip(): where for value, where in values.items()
            if len(value.strip()) >= 4 and value not in exclude}
