"""Background jobs: the `jobs` table (cpms/core/jobs/, docs/jobs.md); the certificate batches still pending or
running get their job (the scheduler's batch sweep is gone)

Revision ID: 0014
Revises: 0013
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    jobs = op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("back_url", sa.String(length=500), nullable=True),
        sa.Column("result_path", sa.String(length=500), nullable=True),
        sa.Column("result_filename", sa.String(length=255), nullable=True),
        sa.Column("result_mimetype", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed', 'cancelled')", name=op.f("ck_jobs_state")),
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name=op.f("ck_jobs_percent")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_jobs_owner_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_state_run_after", ["state", "run_after"], unique=False)
        batch_op.create_index("ix_jobs_owner_created", ["owner_id", "created_at"], unique=False)
    _queue_unfinished_batches(jobs)


def _queue_unfinished_batches(jobs):
    batches = sa.table("certificate_batches", sa.column("id", sa.Integer), sa.column("status", sa.String),
                       sa.column("requested_by_id", sa.Integer))
    connection = op.get_bind()
    now = datetime.now(timezone.utc)
    rows = connection.execute(sa.select(batches.c.id, batches.c.requested_by_id)
                              .where(batches.c.status.in_(("pending", "running")))).all()
    for batch_id, owner_id in rows:
        connection.execute(jobs.insert().values(
            kind="certificates.batch", params={"batch_id": batch_id}, state="queued", percent=0, attempts=0,
            max_attempts=5, run_after=now, owner_id=owner_id, back_url=f"/certificates/batches/{batch_id}",
            created_at=now))
    if rows:
        connection.execute(batches.update().where(batches.c.status == "running").values(status="pending"))


def downgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_owner_created")
        batch_op.drop_index("ix_jobs_state_run_after")
    op.drop_table("jobs")
