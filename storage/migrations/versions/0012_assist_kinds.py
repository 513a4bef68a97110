"""session kinds (awareness sessions, digital-skills classes), households reached, attendees

Revision ID: 0012_assist_kinds
Revises: 0011_files
Create Date: 2026-12-05 21:20:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0012_assist_kinds'
down_revision = '0011_files'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assist_session') as batch:
        batch.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='assist'))
        batch.add_column(sa.Column('households', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('attendees', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('assist_session') as batch:
        batch.drop_column('attendees')
        batch.drop_column('households')
        batch.drop_column('kind')
