"""outreach follow-up: committee action items carried in from elsewhere (a workshop's agreed actions), facilitators
who can be reminded (a user or an e-mail address), audio materials as evidence

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

OLD_TYPES = "content_type IN ('image/jpeg', 'image/png', 'application/pdf')"
NEW_TYPES = ("content_type IN ('image/jpeg', 'image/png', 'application/pdf', 'audio/mpeg', 'audio/ogg', "
             "'audio/mp4', 'audio/wav')")


def upgrade():
    with op.batch_alter_table("committee_action_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_kind", sa.String(length=30), server_default="", nullable=False))
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_committee_action_items_meeting_or_source"),
            "meeting_id IS NOT NULL OR (source_kind <> '' AND source_id IS NOT NULL)")
        batch_op.create_index("ix_committee_action_items_source", ["source_kind", "source_id"], unique=False)

    op.create_table("outreach_facilitators",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("activity_id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=True),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("email", sa.String(length=254), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("user_id IS NOT NULL OR email <> ''", name=op.f("ck_outreach_facilitators_reachable")),
    sa.ForeignKeyConstraint(["activity_id"], ["outreach_activities.id"],
                            name=op.f("fk_outreach_facilitators_activity_id_outreach_activities"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_outreach_facilitators_user_id_users"),
                            ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_facilitators")),
    sa.UniqueConstraint("activity_id", "user_id", name="user_once"),
    )
    with op.batch_alter_table("outreach_facilitators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outreach_facilitators_activity_id"), ["activity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outreach_facilitators_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("outreach_evidence", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outreach_evidence_content_type"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outreach_evidence_content_type"), NEW_TYPES)


def downgrade():
    op.execute("DELETE FROM outreach_evidence WHERE content_type LIKE 'audio/%'")
    with op.batch_alter_table("outreach_evidence", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outreach_evidence_content_type"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outreach_evidence_content_type"), OLD_TYPES)

    with op.batch_alter_table("outreach_facilitators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_facilitators_user_id"))
        batch_op.drop_index(batch_op.f("ix_outreach_facilitators_activity_id"))
    op.drop_table("outreach_facilitators")

    op.execute("DELETE FROM committee_action_items WHERE meeting_id IS NULL")
    with op.batch_alter_table("committee_action_items", schema=None) as batch_op:
        batch_op.drop_index("ix_committee_action_items_source")
        batch_op.drop_constraint(op.f("ck_committee_action_items_meeting_or_source"), type_="check")
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("source_id")
        batch_op.drop_column("source_kind")
