"""how long it is safe to wait; whether a specialist works with the current doctor

A number of days or weeks beside the "safe to wait?" answer, and the day the
family wrote it down, so each visit's date can be checked against it. On the
shortlist, whether a specialist works with the current doctor (an independent
view is the point of a second opinion).

Revision ID: 6e1f3a9c2b47
Revises: 9b2d4e6f8a10
Create Date: 2026-12-08 02:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6e1f3a9c2b47'
down_revision = '9b2d4e6f8a10'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, no batch: a batch would copy the table, which SQLite refuses while
# every other table points to its rows.
def upgrade():
    op.add_column('case', sa.Column('safe_wait_for', sa.Integer(), nullable=True))
    op.add_column('case', sa.Column('safe_wait_unit', sa.String(length=10), server_default='',
                                    nullable=False))
    op.add_column('case', sa.Column('safe_wait_from', sa.Date(), nullable=True))
    op.add_column('candidate', sa.Column('same_team', sa.String(length=10),
                                         server_default='unknown', nullable=False))


def downgrade():
    op.drop_column('candidate', 'same_team')
    op.drop_column('case', 'safe_wait_from')
    op.drop_column('case', 'safe_wait_unit')
    op.drop_column('case', 'safe_wait_for')
