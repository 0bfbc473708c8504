"""Survey imports staged then published (issue 18)

- survey_imports.state: staging, published or cancelled (existing imports are published); preview_token (unique:
  one preview is imported once); rows_total and rows_done (progress of the staging, so that an interrupted import
  resumes); finished_at.
- ix_survey_responses_cells gets import_id, so that the results, which now skip the responses of unpublished
  imports, still read their cells from the index alone.

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey_imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=20), server_default="published", nullable=False))
        batch_op.add_column(sa.Column("preview_token", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("rows_total", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("rows_done", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f("ck_survey_imports_state"),
                                         "state IN ('staging', 'published', 'cancelled')")
        batch_op.create_unique_constraint(op.f("uq_survey_imports_preview_token"), ["preview_token"])
        batch_op.create_index(batch_op.f("ix_survey_imports_state"), ["state"], unique=False)
    # every import made so far is published and finished when it was made
    op.execute("UPDATE survey_imports SET state = 'published', finished_at = created_at, rows_total = rows_added + "
               "rows_skipped, rows_done = rows_added + rows_skipped")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_responses_cells")
        batch_op.create_index("ix_survey_responses_cells",
                              ["round_id", "sex", "age_group", "commune_id", "weight", "import_id"], unique=False)


def downgrade():
    # rows of imports that were never published must not become visible: remove them first
    op.execute("DELETE FROM survey_answers WHERE response_id IN (SELECT r.id FROM survey_responses r JOIN "
               "survey_imports i ON i.id = r.import_id WHERE i.state <> 'published')")
    op.execute("DELETE FROM survey_responses WHERE import_id IN (SELECT id FROM survey_imports WHERE state <> "
               "'published')")
    op.execute("DELETE FROM survey_imports WHERE state <> 'published'")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_responses_cells")
        batch_op.create_index("ix_survey_responses_cells", ["round_id", "sex", "age_group", "commune_id", "weight"],
                              unique=False)
    with op.batch_alter_table("survey_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_imports_state"))
        batch_op.drop_constraint(op.f("uq_survey_imports_preview_token"), type_="unique")
        batch_op.drop_constraint(op.f("ck_survey_imports_state"), type_="check")
        batch_op.drop_column("finished_at")
        batch_op.drop_column("rows_done")
        batch_op.drop_column("rows_total")
        batch_op.drop_column("preview_token")
        batch_op.drop_column("state")
