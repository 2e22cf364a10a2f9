"""issue 18: an edit keeps the words it replaced; transcription requests wait in a
queue that one worker runs, one at a time

Revision ID: 5c1e9a7d3b20
Revises: e7a2c4f9b1d3
Create Date: 2026-12-07 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e9a7d3b20'
down_revision = 'e7a2c4f9b1d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('note_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_text', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('note_revision', schema=None) as batch_op:
        batch_op.drop_column('previous_text')
