"""leaders' web dashboard: one-time sign-in links and sessions (hashed tokens only)

Revision ID: 0019_dashboard
Revises: 0013_link_audit
Create Date: 2026-12-05 22:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision = '0019_dashboard'
down_revision = '0013_link_audit'
branch_labels = None
depends_on = None


def _common() -> list[sa.Column]:
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.JSON(), nullable=False),
        sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    for table, ended in (('dashboard_link', 'used_at'), ('dashboard_session', 'ended_at')):
        op.create_table(table,
        *_common(),
        sa.Column(ended, storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash')
        )
        op.create_index(op.f(f'ix_{table}_expires_at'), table, ['expires_at'], unique=False)
        op.create_index(op.f(f'ix_{table}_person_id'), table, ['person_id'], unique=False)


def downgrade() -> None:
    for table in ('dashboard_session', 'dashboard_link'):
        op.drop_index(op.f(f'ix_{table}_person_id'), table_name=table)
        op.drop_index(op.f(f'ix_{table}_expires_at'), table_name=table)
        op.drop_table(table)
