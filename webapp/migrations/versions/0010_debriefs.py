"""debriefs: what each person took away from a visit, every save kept

Revision ID: d9a3f6b2c1e8
Revises: 0008_after_visit
Create Date: 2026-12-01 06:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd9a3f6b2c1e8'
down_revision = '0008_after_visit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('debrief_entry',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('takeaways', sa.Text(), nullable=False),
    sa.Column('open_questions', sa.Text(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('heard', sa.Text(), nullable=False),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['member.id'], name=op.f('fk_debrief_entry_author_id_member')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_debrief_entry_device_id_device')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_debrief_entry_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debrief_entry'))
    )
    with op.batch_alter_table('debrief_entry', schema=None) as batch_op:
        batch_op.create_index('ix_debrief_entry_visit_author', ['visit_id', 'author_id'], unique=False)


def downgrade():
    with op.batch_alter_table('debrief_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_debrief_entry_visit_author')
    op.drop_table('debrief_entry')
