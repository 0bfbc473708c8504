"""Perception surveys: instruments, questions, choices, measures, rounds, imports, anonymous responses and answers.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 11:54:23.299004

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('form_id', sa.String(length=100), nullable=False),
    sa.Column('form_version', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_instruments'))
    )
    op.create_table('survey_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('label_en', sa.String(length=500), nullable=False),
    sa.Column('label_fr', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['survey_instruments.id'], name=op.f('fk_survey_choices_instrument_id_survey_instruments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_choices')),
    sa.UniqueConstraint('instrument_id', 'list_name', 'name', name='uq_survey_choices_list_name')
    )
    with op.batch_alter_table('survey_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_choices_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('survey_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('list_name', sa.String(length=100), nullable=True),
    sa.Column('label_en', sa.String(length=500), nullable=False),
    sa.Column('label_fr', sa.String(length=500), nullable=False),
    sa.Column('is_identifying', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['survey_instruments.id'], name=op.f('fk_survey_questions_instrument_id_survey_instruments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
    sa.UniqueConstraint('instrument_id', 'name', name='uq_survey_questions_instrument_name')
    )
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_questions_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('survey_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('sampling_notes', sa.Text(), nullable=False),
    sa.Column('weight_column', sa.String(length=100), nullable=False),
    sa.Column('sex_question', sa.String(length=100), nullable=False),
    sa.Column('age_question', sa.String(length=100), nullable=False),
    sa.Column('commune_question', sa.String(length=100), nullable=False),
    sa.Column('webhook_token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('baseline', 'midline', 'endline', 'custom')", name=op.f('ck_survey_rounds_kind')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_survey_rounds_dates')),
    sa.ForeignKeyConstraint(['instrument_id'], ['survey_instruments.id'], name=op.f('fk_survey_rounds_instrument_id_survey_instruments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_survey_rounds_programme_id_programmes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_rounds'))
    )
    with op.batch_alter_table('survey_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_rounds_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_rounds_programme_id'), ['programme_id'], unique=False)

    op.create_table('survey_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('rows_added', sa.Integer(), nullable=False),
    sa.Column('rows_skipped', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_survey_imports_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_rounds.id'], name=op.f('fk_survey_imports_round_id_survey_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_imports'))
    )
    with op.batch_alter_table('survey_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_imports_round_id'), ['round_id'], unique=False)

    op.create_table('survey_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('values', sa.String(length=500), nullable=False),
    sa.Column('excluded_values', sa.String(length=500), nullable=False),
    sa.Column('higher_is_better', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('share', 'mean', 'rate')", name=op.f('ck_survey_measures_kind')),
    sa.ForeignKeyConstraint(['instrument_id'], ['survey_instruments.id'], name=op.f('fk_survey_measures_instrument_id_survey_instruments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_measures_question_id_survey_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_measures'))
    )
    with op.batch_alter_table('survey_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_measures_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_measures_question_id'), ['question_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('instance_hash', sa.String(length=64), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('sex', sa.String(length=100), nullable=True),
    sa.Column('age_group', sa.String(length=100), nullable=True),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('weight > 0', name=op.f('ck_survey_responses_weight')),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_survey_responses_commune_id_communes'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['import_id'], ['survey_imports.id'], name=op.f('fk_survey_responses_import_id_survey_imports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_rounds.id'], name=op.f('fk_survey_responses_round_id_survey_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('round_id', 'instance_hash', name='uq_survey_responses_round_instance')
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_round_id'), ['round_id'], unique=False)

    op.create_table('survey_round_communes',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_survey_round_communes_commune_id_communes'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_rounds.id'], name=op.f('fk_survey_round_communes_round_id_survey_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'commune_id', name=op.f('pk_survey_round_communes'))
    )
    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value_text', sa.Text(), nullable=True),
    sa.Column('value_number', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_answers_question_id_survey_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_answers_response_id_survey_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_question_response', ['question_id', 'response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answers_response_id'), ['response_id'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answers_response_id'))
        batch_op.drop_index('ix_survey_answers_question_response')

    op.drop_table('survey_answers')
    op.drop_table('survey_round_communes')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_round_id'))
        batch_op.drop_index(batch_op.f('ix_survey_responses_import_id'))
        batch_op.drop_index(batch_op.f('ix_survey_responses_commune_id'))

    op.drop_table('survey_responses')
    with op.batch_alter_table('survey_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_measures_question_id'))
        batch_op.drop_index(batch_op.f('ix_survey_measures_instrument_id'))

    op.drop_table('survey_measures')
    with op.batch_alter_table('survey_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_imports_round_id'))

    op.drop_table('survey_imports')
    with op.batch_alter_table('survey_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_rounds_programme_id'))
        batch_op.drop_index(batch_op.f('ix_survey_rounds_instrument_id'))

    op.drop_table('survey_rounds')
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_questions_instrument_id'))

    op.drop_table('survey_questions')
    with op.batch_alter_table('survey_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_choices_instrument_id'))

    op.drop_table('survey_choices')
    op.drop_table('survey_instruments')
