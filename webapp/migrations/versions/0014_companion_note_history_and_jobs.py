"""issue 18: an edit keeps the words it replaced; transcription requests wait in a
queue that one worker runs, one at a time

Revision ID: 5c1e9a7d3b20
Revises: 5b9d3f7a2c61
Create Date: 2026-12-07 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e9a7d3b20'
down_revision = '5b9d3f7a2c61'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('note_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_text', sa.Text(), nullable=True))

    op.create_table('transcription_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recording_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recording_id'], ['recording.id'], name=op.f('fk_transcription_job_recording_id_recording')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['member.id'], name=op.f('fk_transcription_job_requested_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transcription_job'))
    )
    with op.batch_alter_table('transcription_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transcription_job_recording_id'), ['recording_id'], unique=False)
        batch_op.create_index('uq_transcription_job_live', ['recording_id'], unique=True,
                              sqlite_where=sa.text('finished_at IS NULL'),
                              postgresql_where=sa.text('finished_at IS NULL'))
        batch_op.create_index('uq_transcription_job_running', ['status'], unique=True,
                              sqlite_where=sa.text("status = 'running'"),
                              postgresql_where=sa.text("status = 'running'"))


def downgrade():
    with op.batch_alter_table('transcription_job', schema=None) as batch_op:
        batch_op.drop_index('uq_transcription_job_running', sqlite_where=sa.text("status = 'running'"),
                            postgresql_where=sa.text("status = 'running'"))
        batch_op.drop_index('uq_transcription_job_live', sqlite_where=sa.text('finished_at IS NULL'),
                            postgresql_where=sa.text('finished_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_transcription_job_recording_id'))

    op.drop_table('transcription_job')
    with op.batch_alter_table('note_revision', schema=None) as batch_op:
        batch_op.drop_column('previous_text')
