"""link audit (link_event), the name on a link code, record ids never reused (AUTOINCREMENT)

Revision ID: 0013_link_audit
Revises: 0012_assist_kinds
Create Date: 2026-12-05 22:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0013_link_audit"
down_revision = "0012_assist_kinds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor_person_id", sa.Integer(), nullable=False),
        sa.Column("actor_identity_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("other_person_id", sa.Integer(), nullable=True),
        sa.Column("identities", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_link_event_at"), "link_event", ["at"], unique=False)
    with op.batch_alter_table("linkcode") as batch:
        batch.add_column(
            sa.Column(
                "display_name",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_autoincrement("assist_session", keep_children=("assist_item",))


def _sqlite_autoincrement(table: str, keep_children: tuple[str, ...]) -> None:
    """Rebuild a SQLite table with AUTOINCREMENT, so that a deleted row's id is never reused.

    Rebuilding drops the old table, and with foreign keys on, dropping runs an implicit DELETE
    that cascades to child rows: they are copied aside first and put back after (one
    transaction). PostgreSQL needs nothing: its sequences never hand out an id twice.
    """
    for child in keep_children:
        op.execute(f"CREATE TABLE _keep_{child} AS SELECT * FROM {child}")
    with op.batch_alter_table(
        table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass
    for child in keep_children:
        op.execute(f"DELETE FROM {child}")
        op.execute(f"INSERT INTO {child} SELECT * FROM _keep_{child}")
        op.execute(f"DROP TABLE _keep_{child}")


def downgrade() -> None:
    with op.batch_alter_table("linkcode") as batch:
        batch.drop_column("display_name")
    op.drop_index(op.f("ix_link_event_at"), table_name="link_event")
    op.drop_table("link_event")
