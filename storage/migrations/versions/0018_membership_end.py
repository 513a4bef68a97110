"""members who leave or are removed, closed teams, leaders named in a city's list, former members who asked to be forgotten

Revision ID: 0018_membership_end
Revises: 0017_report_notes
Create Date: 2026-12-05 22:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision = '0018_membership_end'
down_revision = '0017_report_notes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('membership') as batch:
        batch.add_column(sa.Column('left_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('left_reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default=''))
    with op.batch_alter_table('team') as batch:
        batch.add_column(sa.Column('closed_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('invited_leader', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('person') as batch:
        batch.add_column(sa.Column('forgotten_at', storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('person') as batch:
        batch.drop_column('forgotten_at')
    with op.batch_alter_table('team') as batch:
        batch.drop_column('invited_leader')
        batch.drop_column('closed_at')
    with op.batch_alter_table('membership') as batch:
        batch.drop_column('left_reason')
        batch.drop_column('left_at')
