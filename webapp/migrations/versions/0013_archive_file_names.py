"""attachment names kept before issue 18 lose their format characters (U+202E and the
like) and end with an extension of the type the file was checked to be

Revision ID: 5b9d3f7a2c61
Revises: e7a2c4f9b1d3
Create Date: 2026-12-07 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

from webapp.services.attachments import EXTENSIONS, file_name


# revision identifiers, used by Alembic.
revision = '5b9d3f7a2c61'
down_revision = 'e7a2c4f9b1d3'
branch_labels = None
depends_on = None

attachment = sa.table('attachment', sa.column('id', sa.Integer),
                      sa.column('filename', sa.String), sa.column('content_type', sa.String))


def upgrade():
    connection = op.get_bind()
    for row in connection.execute(sa.select(attachment).where(
            attachment.c.content_type.in_(EXTENSIONS))).all():
        cleaned = file_name(row.filename or "", row.content_type)
        if cleaned != row.filename:
            connection.execute(attachment.update().where(attachment.c.id == row.id)
                               .values(filename=cleaned))


def downgrade():
    pass  # the names as they were sent are not kept: cleaned they stay
