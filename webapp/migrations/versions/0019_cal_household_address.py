"""the family's address, for the top of their letters

Letters begin with the sender's name and, if the family gives one, their
address.

Revision ID: 9b2d4e6f8a10
Revises: 3c7e91a4b2d8
Create Date: 2026-12-07 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b2d4e6f8a10'
down_revision = '3c7e91a4b2d8'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, no batch: a batch would copy the table, which SQLite refuses while
# every other table points to its rows.
def upgrade():
    op.add_column('household', sa.Column('address', sa.Text(), server_default='',
                                         nullable=False))


def downgrade():
    op.drop_column('household', 'address')
