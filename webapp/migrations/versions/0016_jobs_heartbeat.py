"""a transcription job's heartbeat, and how many times it ran

A job "running" whose worker went silent was cut off (its computer stopped): it is
tried once more, then failed, instead of blocking the queue for hours.

Revision ID: 8d3f6a2c1e47
Revises: 5b9e1d7c3a20
Create Date: 2026-12-07 21:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d3f6a2c1e47'
down_revision = '5b9e1d7c3a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('transcription_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('transcription_job', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('heartbeat_at')
