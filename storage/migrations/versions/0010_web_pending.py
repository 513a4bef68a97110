"""web chat replies waiting for a browser's poll

Revision ID: 0010_web_pending
Revises: 0009_inbox
Create Date: 2026-12-05 10:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision = '0010_web_pending'
down_revision = '0009_inbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_pending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('browser_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reply', sa.JSON(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_web_pending_browser_id'), 'web_pending', ['browser_id'], unique=False)
    op.create_index(op.f('ix_web_pending_created_at'), 'web_pending', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_web_pending_created_at'), table_name='web_pending')
    op.drop_index(op.f('ix_web_pending_browser_id'), table_name='web_pending')
    op.drop_table('web_pending')
