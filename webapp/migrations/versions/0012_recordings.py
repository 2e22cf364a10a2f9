"""recordings (issue 13): a recording made on a phone under a consent entry, its
chunks (rows only: the bytes live under instance/, named by their SHA-256), and
on notes, answers and ticks the recording they were taken in and how far into it

Revision ID: e7a2c4f9b1d3
Revises: a1f3b5c7d9e2
Create Date: 2026-12-01 10:14:19.145765

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a2c4f9b1d3'
down_revision = 'a1f3b5c7d9e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recording',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('consent_id', sa.Uuid(), nullable=False),
    sa.Column('mime_type', sa.String(length=80), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('stop_reason', sa.String(length=20), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('gaps', sa.JSON(), nullable=False),
    sa.Column('chunk_count', sa.Integer(), nullable=True),
    sa.Column('transcript', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['member.id'], name=op.f('fk_recording_author_id_member')),
    sa.ForeignKeyConstraint(['consent_id'], ['consent_event.id'], name=op.f('fk_recording_consent_id_consent_event')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_recording_device_id_device')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_recording_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recording'))
    )
    with op.batch_alter_table('recording', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recording_visit_id'), ['visit_id'], unique=False)

    op.create_table('recording_chunk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recording_id', sa.Uuid(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recording_id'], ['recording.id'], name=op.f('fk_recording_chunk_recording_id_recording')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recording_chunk')),
    sa.UniqueConstraint('recording_id', 'index', name=op.f('uq_recording_chunk_recording_id'))
    )
    with op.batch_alter_table('recording_chunk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recording_chunk_recording_id'), ['recording_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recording_chunk_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recording_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('recording_offset_ms', sa.Integer(), nullable=True))

    with op.batch_alter_table('asked_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recording_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('recording_offset_ms', sa.Integer(), nullable=True))

    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recording_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('recording_offset_ms', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_column('recording_offset_ms')
        batch_op.drop_column('recording_id')

    with op.batch_alter_table('asked_event', schema=None) as batch_op:
        batch_op.drop_column('recording_offset_ms')
        batch_op.drop_column('recording_id')

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('recording_offset_ms')
        batch_op.drop_column('recording_id')

    with op.batch_alter_table('recording_chunk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recording_chunk_sha256'))
        batch_op.drop_index(batch_op.f('ix_recording_chunk_recording_id'))

    op.drop_table('recording_chunk')
    with op.batch_alter_table('recording', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recording_visit_id'))

    op.drop_table('recording')
