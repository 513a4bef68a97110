"""link codes between channels and the preferred notification channel

Revision ID: 0002_links
Revises: 0001_foundation
Create Date: 2026-11-29 15:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision = "0002_links"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "linkcode",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("linkcode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_linkcode_person_id"), ["person_id"], unique=False)

    op.create_table(
        "contactpreference",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("person_id"),
    )


def downgrade() -> None:
    op.drop_table("contactpreference")
    with op.batch_alter_table("linkcode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_linkcode_person_id"))
    op.drop_table("linkcode")
