"""a sign-in ended by "Remove" at home, and what a phone last said it had not sent

A removed phone is told so (not "signed out"), and "Remove" asks first with the
count of items the phone had not yet sent at its last sync.

Revision ID: 3c7e91a4b2d8
Revises: 3c7a9e2b5d18
Create Date: 2026-12-07 22:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c7e91a4b2d8'
down_revision = '3c7a9e2b5d18'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsent', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('unsent')
    with op.batch_alter_table('login', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
