"""a case's short condition name, and who is the current and the second doctor

Existing cases get an empty condition name: it cannot be derived from the free
description without guessing, so the pages that use it ask for it instead. Nor are
the two doctors guessed from the order opinions were written down in: the family
says who is who once, on the opinions page.

Revision ID: 3c7a9e2b5d18
Revises: 8d3f6a2c1e47
Create Date: 2026-12-07 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c7a9e2b5d18'
down_revision = '8d3f6a2c1e47'
branch_labels = None
depends_on = None


DOCTORS = ('current_clinician_id', 'second_clinician_id')


def upgrade():
    op.add_column('case', sa.Column('condition', sa.String(length=120), server_default='',
                                    nullable=False))
    for name in DOCTORS:
        key = op.f(f'fk_case_{name}_clinician')
        if op.get_bind().dialect.name == 'sqlite':
            # ADD COLUMN with the key inline: a batch would copy the table, which SQLite
            # refuses while visits and notes point to its rows.
            op.execute(f'ALTER TABLE "case" ADD COLUMN {name} INTEGER '
                       f'CONSTRAINT {key} REFERENCES clinician (id)')
        else:
            op.add_column('case', sa.Column(name, sa.Integer(), nullable=True))
            op.create_foreign_key(key, 'case', 'clinician', [name], ['id'])


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        for name in reversed(DOCTORS):
            if op.get_bind().dialect.name != 'sqlite':  # SQLite's goes with its column
                batch_op.drop_constraint(batch_op.f(f'fk_case_{name}_clinician'),
                                         type_='foreignkey')
            batch_op.drop_column(name)
        batch_op.drop_column('condition')
