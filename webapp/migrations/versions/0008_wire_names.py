"""the change log names entities by their wire names, not table names

Revision ID: b7e1c0d2a8f5
Revises: 4d8b2e6f0a13
Create Date: 2026-12-01 05:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c0d2a8f5'
down_revision = '4d8b2e6f0a13'
branch_labels = None
depends_on = None

# Table name -> wire name (webapp/wire/entities.py), for the rows logged before.
RENAMED = {'visit_question': 'question', 'consent_event': 'consent'}

change = sa.table('change', sa.column('entity', sa.String))


def _rename(pairs):
    for old, new in pairs:
        op.execute(change.update().where(change.c.entity == old).values(entity=new))


def upgrade():
    _rename(RENAMED.items())


def downgrade():
    _rename((new, old) for old, new in RENAMED.items())
