"""the case each logged change belongs to, so a companion's phone hears of no other case

Changes logged before stay without one: a companion's pull that meets such a change
for a row deleted since (its case unknown) starts the phone over from a snapshot.

Revision ID: 5b9e1d7c3a20
Revises: 5c1e9a7d3b20
Create Date: 2026-12-07 20:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b9e1d7c3a20'
down_revision = '5c1e9a7d3b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.drop_column('case_id')
