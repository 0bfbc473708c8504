"""Complaints and feedback from the population (issue 24)

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

CATEGORIES = ("feedback", "information", "programme", "police_conduct", "sea", "child_safeguarding", "sgbv", "fraud")
CHANNELS = ("web", "in_person", "telephone", "suggestion_box", "meeting")
STATUSES = ("received", "acknowledged", "under_review", "referred", "answered", "closed")


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_code", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("is_sensitive", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=True),
        sa.Column("quartier", sa.String(length=120), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("concerns", sa.String(length=20), nullable=False),
        sa.Column("concerns_detail", sa.String(length=200), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("preferred_channel", sa.String(length=20), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("age_group", sa.String(length=20), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledge_by", sa.Date(), nullable=False),
        sa.Column("answer_by", sa.Date(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("satisfaction", sa.String(length=20), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("category", CATEGORIES), name=op.f("ck_complaints_category")),
        sa.CheckConstraint(_in("channel", CHANNELS), name=op.f("ck_complaints_channel")),
        sa.CheckConstraint(_in("status", STATUSES), name=op.f("ck_complaints_status")),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"], name=op.f("fk_complaints_commune_id_communes"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["meeting_id"], ["committee_meetings.id"],
                                name=op.f("fk_complaints_meeting_id_committee_meetings"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["assigned_to_id"], ["users.id"], name=op.f("fk_complaints_assigned_to_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("receipt_code", name=op.f("uq_complaints_receipt_code")),
    )
    op.create_index(op.f("ix_complaints_commune_id"), "complaints", ["commune_id"], unique=False)
    op.create_index(op.f("ix_complaints_is_sensitive"), "complaints", ["is_sensitive"], unique=False)
    op.create_index(op.f("ix_complaints_status"), "complaints", ["status"], unique=False)
    op.create_table(
        "complaint_referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("referred_to", sa.String(length=200), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"],
                                name=op.f("fk_complaint_referrals_complaint_id_complaints"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_referrals")),
    )
    op.create_index(op.f("ix_complaint_referrals_complaint_id"), "complaint_referrals", ["complaint_id"], unique=False)
    op.create_table(
        "complaint_focal_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_complaint_focal_points_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_focal_points")),
        sa.UniqueConstraint("user_id", name=op.f("uq_complaint_focal_points_user_id")),
    )


def downgrade():
    op.drop_table("complaint_focal_points")
    op.drop_index(op.f("ix_complaint_referrals_complaint_id"), table_name="complaint_referrals")
    op.drop_table("complaint_referrals")
    op.drop_index(op.f("ix_complaints_status"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_is_sensitive"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_commune_id"), table_name="complaints")
    op.drop_table("complaints")
