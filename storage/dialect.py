"""The only place with dialect-specific SQL: portable insert-if-absent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_ignore(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """Insert a row unless its key exists; return True when a row was inserted."""
    sa_table: Table = table.__table__
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    first_key = next(iter(sa_table.primary_key.columns))
    statement = (
        builder(sa_table).values(**values).on_conflict_do_nothing().returning(first_key)
    )
    return session.execute(statement).first() is not None
