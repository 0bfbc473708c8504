"""Training imports staged, then published in one short step

- training_imports: one row per confirmed import file, named by its preview's token (unique: a second
  confirmation imports nothing), with its status (queued, published, failed, cancelled) and outcome;
- training_import_rows: the file's rows and the checked rows, invisible to every page until published.

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "training_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('queued', 'published', 'failed', 'cancelled')",
                           name=op.f("ck_training_imports_status")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_training_imports_owner_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_imports")),
        sa.UniqueConstraint("token", name=op.f("uq_training_imports_token")),
    )
    with op.batch_alter_table("training_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_imports_owner_id"), ["owner_id"], unique=False)
    op.create_table(
        "training_import_rows",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.CheckConstraint("stage IN ('file', 'checked')", name=op.f("ck_training_import_rows_stage")),
        sa.ForeignKeyConstraint(["import_id"], ["training_imports.id"],
                                name=op.f("fk_training_import_rows_import_id_training_imports"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("import_id", "stage", "position", name=op.f("pk_training_import_rows")),
    )


def downgrade():
    op.drop_table("training_import_rows")
    with op.batch_alter_table("training_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_imports_owner_id"))
    op.drop_table("training_imports")
