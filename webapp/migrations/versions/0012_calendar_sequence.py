"""the calendar file's SEQUENCE: how many times a visit's time, place or clinician changed

Existing visits start at 0: a calendar that has their file already holds version 0.

Revision ID: a1f3b5c7d9e2
Revises: c4d2e9f1a7b3
Create Date: 2026-12-01 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1f3b5c7d9e2'
down_revision = 'c4d2e9f1a7b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_sequence', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('calendar_sequence')
