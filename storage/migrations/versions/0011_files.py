"""files handed out by link (reports, charts, web chat downloads)

Revision ID: 0011_files
Revises: 0010_web_pending
Create Date: 2026-12-05 14:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision = '0011_files'
down_revision = '0010_web_pending'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stored_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_stored_file_expires_at'), 'stored_file', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_stored_file_expires_at'), table_name='stored_file')
    op.drop_table('stored_file')
