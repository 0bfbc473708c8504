"""outreach evidence: attendance sheets' scans, photos and materials of outreach activities; questionnaire scores

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 17:45:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outreach_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('thumbnail_name', sa.String(length=80), nullable=True),
    sa.Column('content_type', sa.String(length=30), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("content_type IN ('image/jpeg', 'image/png', 'application/pdf')", name=op.f('ck_outreach_evidence_content_type')),
    sa.CheckConstraint("kind IN ('attendance_sheet', 'photo', 'material')", name=op.f('ck_outreach_evidence_kind')),
    sa.ForeignKeyConstraint(['activity_id'], ['outreach_activities.id'], name=op.f('fk_outreach_evidence_activity_id_outreach_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_outreach_evidence_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_evidence')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_outreach_evidence_stored_name')),
    sa.UniqueConstraint('thumbnail_name', name=op.f('uq_outreach_evidence_thumbnail_name'))
    )
    with op.batch_alter_table('outreach_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_evidence_activity_id'), ['activity_id'], unique=False)

    with op.batch_alter_table('outreach_participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pre_score', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=True))
        batch_op.add_column(sa.Column('post_score', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=True))
        batch_op.create_check_constraint(op.f('ck_outreach_participants_pre_score'), 'pre_score IS NULL OR pre_score BETWEEN 0 AND 100')
        batch_op.create_check_constraint(op.f('ck_outreach_participants_post_score'), 'post_score IS NULL OR post_score BETWEEN 0 AND 100')


def downgrade():
    with op.batch_alter_table('outreach_participants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outreach_participants_post_score'), type_='check')
        batch_op.drop_constraint(op.f('ck_outreach_participants_pre_score'), type_='check')
        batch_op.drop_column('post_score')
        batch_op.drop_column('pre_score')

    with op.batch_alter_table('outreach_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_evidence_activity_id'))

    op.drop_table('outreach_evidence')
