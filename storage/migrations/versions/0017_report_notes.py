"""monthly report as a document: leaders' notes, report numbers and prefixes, outreach index

Revision ID: 0017_report_notes
Revises: 0019_dashboard
Create Date: 2026-12-05 22:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision = '0017_report_notes'
down_revision = '0019_dashboard'
branch_labels = None
depends_on = None

OUTREACH = sa.text("kind != 'assist' OR households IS NOT NULL")


def upgrade() -> None:
    op.create_table('report_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('difficulties', sa.Text(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('requests', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['person.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'month', name='uq_report_note_team_month')
    )
    op.create_index(op.f('ix_report_note_team_id'), 'report_note', ['team_id'], unique=False)
    op.create_table('report_number',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('issued_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scope', 'scope_id', 'month', name='uq_report_number_month'),
    sa.UniqueConstraint('scope', 'scope_id', 'year', 'number', name='uq_report_number_seq')
    )
    op.create_table('report_prefix',
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'scope_id')
    )
    op.create_index(
        'ix_assist_session_outreach', 'assist_session',
        ['day', 'team_id', 'kind', 'attendees', 'households'], unique=False,
        sqlite_where=OUTREACH, postgresql_where=OUTREACH,
    )


def downgrade() -> None:
    op.drop_index('ix_assist_session_outreach', table_name='assist_session')
    op.drop_table('report_prefix')
    op.drop_table('report_number')
    op.drop_index(op.f('ix_report_note_team_id'), table_name='report_note')
    op.drop_table('report_note')
