"""Every column of every model is classified for personal data, and personal data has a retention class."""
import sqlalchemy as sa

from cpms.core.classification import PII_KINDS, column_class, unclassified
from cpms.core.contract import column_classes, retention_classes, table_retention
from cpms.extensions import db


def all_columns(app):
    with app.app_context():
        return [column for table in db.metadata.sorted_tables for column in table.columns]


def test_every_column_is_classified(app):
    unclassified_columns = [f"{c.table.name}.{c.name}" for c in all_columns(app) if column_class(c)[0] is None]
    with app.app_context():
        assert unclassified_columns == [], "classify these columns:\n" + "\n".join(unclassified(db.metadata))


def test_classes_are_known_and_personal_data_has_a_retention_class(app):
    problems = []
    known_classes = retention_classes()
    for column in all_columns(app):
        kind, retention = column_class(column)
        if kind not in PII_KINDS + (None,):
            problems.append(f"{column.table.name}.{column.name}: unknown kind {kind!r}")
        if kind in ("personal", "sensitive") and retention not in known_classes:
            problems.append(f"{column.table.name}.{column.name}: {kind} without a known retention class ({retention!r})")
    assert problems == []


def test_the_central_lists_name_existing_columns_only(app):
    with app.app_context():
        existing = {f"{t.name}.{c.name}" for t in db.metadata.sorted_tables for c in t.columns}
        tables = set(db.metadata.tables)
    assert set(column_classes()) - existing == set()
    assert set(table_retention()) - tables == set()
    assert set(table_retention().values()) <= set(retention_classes())


def test_obvious_columns_default_to_not_personal_and_names_do_not(app):
    with app.app_context():
        trainees = db.metadata.tables["trainees"]
        assert column_class(trainees.c.id)[0] == "none"
        assert column_class(trainees.c.created_at)[0] == "none"
        assert column_class(trainees.c.commune_id)[0] == "none"
        assert column_class(trainees.c.sex)[0] == "none"  # CHECK (sex IN ('F', 'M'))
        assert column_class(trainees.c.last_name) == ("personal", "trainee")
        assert column_class(db.metadata.tables["vettings"].c.notes) == ("sensitive", "vetting")
        # a new free-text column nobody classified is caught
        table = sa.Table("unclassified_example", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                         sa.Column("nickname", sa.String(50)))
        assert column_class(table.c.nickname)[0] is None
