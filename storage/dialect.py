"""The only place with dialect-specific SQL: portable insert-if-absent and per-chat locks."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.base import Executable
from sqlmodel import Session

from storage import hotpath


@lru_cache(maxsize=64)
def _insert_ignore_statement(table: Table, dialect: str) -> Executable:
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    first_key = next(iter(table.primary_key.columns))
    return builder(table).on_conflict_do_nothing().returning(first_key)


def insert_ignore(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """Insert a row unless its key exists; return True when a row was inserted."""
    dialect = session.get_bind().dialect.name
    statement = _insert_ignore_statement(table.__table__, dialect)
    return session.connection().execute(statement, values).first() is not None


def rowcount(result: object) -> int:
    """Return how many rows an UPDATE or DELETE changed (0 when the driver cannot tell)."""
    return int(getattr(result, "rowcount", 0) or 0)


def chat_lock_key(channel: str, chat_id: str) -> int:
    """Return a stable signed 64-bit key for one chat (same in every process and release)."""
    digest = hashlib.blake2b(f"{channel}:{chat_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_chat(session: Session, channel: str, chat_id: str) -> None:
    """Serialise one chat's units of work across processes until commit (no-op on SQLite)."""
    db = hotpath.raw(session)
    if not db.is_sqlite:
        db.execute(hotpath.LOCK_CHAT, {"key": chat_lock_key(channel, chat_id)})
