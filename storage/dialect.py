"""The only place with dialect-specific SQL: portable insert-if-absent."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.base import Executable
from sqlmodel import Session


@lru_cache(maxsize=64)
def _insert_ignore_statement(table: Table, dialect: str) -> Executable:
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    first_key = next(iter(table.primary_key.columns))
    return builder(table).on_conflict_do_nothing().returning(first_key)


def insert_ignore(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """Insert a row unless its key exists; return True when a row was inserted."""
    dialect = session.get_bind().dialect.name
    statement = _insert_ignore_statement(table.__table__, dialect)
    return session.execute(statement, values).first() is not None
