"""surveys: versions of a questionnaire (issue 20)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 20:40:00

An XLSForm uploaded again with a new `version` adds a version to the questionnaire of its form_id instead of
creating a second questionnaire. Each questionnaire already there gets one version: its own, with its questions.
Questionnaires created before this revision with the same form_id stay separate (their rounds and measures are
kept as they are); a new version is added to the newest of them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_instrument_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("question_names", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instrument_id"], ["survey_instruments.id"],
                                name=op.f("fk_survey_instrument_versions_instrument_id_survey_instruments"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_instrument_versions")),
        sa.UniqueConstraint("instrument_id", "version", name="uq_survey_instrument_versions_version"),
    )
    with op.batch_alter_table("survey_instrument_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_instrument_versions_instrument_id"), ["instrument_id"], unique=False)
    connection = op.get_bind()
    instruments = connection.execute(sa.text("SELECT id, form_version, created_at FROM survey_instruments")).all()
    for instrument_id, version, created_at in instruments:
        names = connection.execute(sa.text("SELECT name FROM survey_questions WHERE instrument_id = :id "
                                           "ORDER BY position"), {"id": instrument_id}).scalars().all()
        connection.execute(sa.text(
            "INSERT INTO survey_instrument_versions (instrument_id, version, content_hash, question_names, created_at) "
            "VALUES (:id, :version, '', :names, :created_at)"),
            {"id": instrument_id, "version": version or "", "names": " ".join(names), "created_at": created_at})


def downgrade():
    with op.batch_alter_table("survey_instrument_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_instrument_versions_instrument_id"))
    op.drop_table("survey_instrument_versions")
