"""before the visit (issue 11): a child's medicines and allergies as lists, each
person's view of a case, the family's own wording of scripts and letters, a
specialist shortlist, the records checklist and its attachments (rows only: the
files live under instance/), the before-the-visit checklist

The free-text medicines and allergies of a child become items of two lists,
one a line; a downgrade joins them back into text.

Revision ID: c4d2e9f1a7b3
Revises: d9a3f6b2c1e8
Create Date: 2026-12-01 06:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d2e9f1a7b3'
down_revision = 'd9a3f6b2c1e8'
branch_labels = None
depends_on = None

LISTS = {'medicine': 'medicines', 'allergy': 'allergies'}  # kind -> the old text column

child_list_item = sa.table(
    'child_list_item', sa.column('household_id', sa.Integer), sa.column('child_id', sa.Integer),
    sa.column('kind', sa.String), sa.column('name', sa.String), sa.column('detail', sa.String),
    sa.column('created_at', sa.DateTime(timezone=True)),
)
child = sa.table('child', sa.column('id', sa.Integer), sa.column('household_id', sa.Integer),
                 sa.column('medicines', sa.Text), sa.column('allergies', sa.Text))


def upgrade():
    op.create_table('child_list_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_child_list_item_child_id_child')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_child_list_item_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_list_item'))
    )
    with op.batch_alter_table('child_list_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_list_item_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_list_item_household_id'), ['household_id'], unique=False)

    op.create_table('case_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('worries', sa.Text(), nullable=False),
    sa.Column('would_help', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_view_case_id_case')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_case_view_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_view')),
    sa.UniqueConstraint('case_id', 'member_id', name=op.f('uq_case_view_case_id'))
    )
    with op.batch_alter_table('case_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_view_case_id'), ['case_id'], unique=False)

    op.create_table('case_wording',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_wording_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_wording')),
    sa.UniqueConstraint('case_id', 'key', name=op.f('uq_case_wording_case_id'))
    )
    with op.batch_alter_table('case_wording', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_wording_case_id'), ['case_id'], unique=False)

    op.create_table('candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('centre', sa.String(length=200), nullable=False),
    sa.Column('specialty', sa.String(length=120), nullable=False),
    sa.Column('board_certified', sa.String(length=10), nullable=False),
    sa.Column('in_network', sa.String(length=10), nullable=False),
    sa.Column('experience', sa.Text(), nullable=False),
    sa.Column('found_via', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('clinician_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_candidate_case_id_case')),
    sa.ForeignKeyConstraint(['clinician_id'], ['clinician.id'], name=op.f('fk_candidate_clinician_id_clinician')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate'))
    )
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_case_id'), ['case_id'], unique=False)

    op.create_table('record_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_record_item_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_item'))
    )
    with op.batch_alter_table('record_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_item_case_id'), ['case_id'], unique=False)

    op.create_table('record_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['record_item.id'], name=op.f('fk_record_change_item_id_record_item')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_record_change_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_change'))
    )
    with op.batch_alter_table('record_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_change_item_id'), ['item_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['record_item.id'], name=op.f('fk_attachment_item_id_record_item')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_attachment_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('item_id', 'sha256', name=op.f('uq_attachment_item_id'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_item_id'), ['item_id'], unique=False)

    op.create_table('visit_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_visit_check_member_id_member')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_check_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_check')),
    sa.UniqueConstraint('visit_id', 'key', name=op.f('uq_visit_check_visit_id'))
    )
    with op.batch_alter_table('visit_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_check_visit_id'), ['visit_id'], unique=False)

    _text_to_lists()
    # Plain ALTER TABLE, not batch mode: on SQLite a batch copies `child` and drops the
    # old table, which its cases' foreign keys refuse (SQLite has DROP COLUMN since 3.35).
    for column in ('allergies', 'medicines'):
        op.execute(f'ALTER TABLE child DROP COLUMN {column}')


def downgrade():
    with op.batch_alter_table('visit_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_check_visit_id'))
    op.drop_table('visit_check')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_item_id'))
    op.drop_table('attachment')
    with op.batch_alter_table('record_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_change_item_id'))
    op.drop_table('record_change')
    with op.batch_alter_table('record_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_item_case_id'))
    op.drop_table('record_item')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_case_id'))
    op.drop_table('candidate')
    with op.batch_alter_table('case_wording', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_wording_case_id'))
    op.drop_table('case_wording')
    with op.batch_alter_table('case_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_view_case_id'))
    op.drop_table('case_view')
    for column in ('medicines', 'allergies'):
        op.add_column('child', sa.Column(column, sa.Text(), nullable=False, server_default=''))
    _lists_to_text()
    with op.batch_alter_table('child_list_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_list_item_household_id'))
        batch_op.drop_index(batch_op.f('ix_child_list_item_child_id'))
    op.drop_table('child_list_item')


def _text_to_lists():
    connection = op.get_bind()
    now = sa.func.now() if connection.dialect.name == 'postgresql' else sa.func.current_timestamp()
    for row in connection.execute(sa.select(child)).all():
        for kind, column in LISTS.items():
            for line in filter(None, (line.strip() for line in (getattr(row, column) or '').splitlines())):
                connection.execute(child_list_item.insert().values(
                    household_id=row.household_id, child_id=row.id, kind=kind,
                    name=line[:120], detail='', created_at=now))


def _lists_to_text():
    connection = op.get_bind()
    items = connection.execute(sa.select(child_list_item).order_by(sa.text('id'))).all()
    texts = {}
    for item in items:
        line = f'{item.name}, {item.detail}' if item.detail else item.name
        texts.setdefault((item.child_id, LISTS[item.kind]), []).append(line)
    for (child_id, column), lines in texts.items():
        connection.execute(child.update().where(child.c.id == child_id)
                           .values({column: '\n'.join(lines)}))
