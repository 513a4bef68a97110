"""Hand-written SQL run straight on the DB-API connection, for the statements every update runs.

Measured with ``benchmarks/log_bench.py --stages``: SQLAlchemy's execution layer costs
several times what SQLite itself does for these small statements. They run on the unit of
work's own connection and transaction, and values are stored exactly as SQLAlchemy stores
them (UTC datetimes as ``YYYY-MM-DD HH:MM:SS.ffffff`` text and JSON as text on SQLite), so
ORM queries elsewhere read the same rows. Statements use ``:name`` parameters (sqlite3's
named style), rewritten once to ``%(name)s`` for psycopg.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

_NAMED = re.compile(r"(?<![:\w]):(\w+)")
_RAW_INFO = "hotpath.raw"
DIRECT = "hotpath.direct"  # Session.info key: the Raw of a session bound to one connection


@dataclass(frozen=True)
class Statement:
    """One SQL statement, in the parameter style of each driver."""

    sqlite: str
    postgres: str


def sql(text: str) -> Statement:
    """Prepare a statement written with ``:name`` parameters for both drivers."""
    return Statement(text, _NAMED.sub(r"%(\1)s", text))


class Raw:
    """A unit of work's DB-API connection, with the value conversions of its dialect."""

    def __init__(self, connection: Any, *, is_sqlite: bool) -> None:
        self.connection = connection
        self.is_sqlite = is_sqlite

    def execute(self, statement: Statement, params: Mapping[str, Any]) -> Any:
        """Run one statement and return the driver's cursor."""
        text = statement.sqlite if self.is_sqlite else statement.postgres
        return self.connection.execute(text, params)

    def execute_many(self, statement: Statement, rows: Iterable[Mapping[str, Any]]) -> None:
        """Run one statement for each parameter set."""
        if self.is_sqlite:
            self.connection.executemany(statement.sqlite, rows)
            return
        with self.connection.cursor() as cursor:
            cursor.executemany(statement.postgres, list(rows))

    def time(self, value: datetime | None) -> Any:
        """Adapt an aware datetime for a UTC column."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use an aware datetime")
        moment = value.astimezone(UTC)
        if self.is_sqlite:
            return moment.replace(tzinfo=None).isoformat(" ", "microseconds")
        return moment

    def read_time(self, value: Any) -> datetime | None:
        """Return an aware UTC datetime from a UTC column."""
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        assert isinstance(moment, datetime)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    def day(self, value: date) -> Any:
        """Adapt a date for a DATE column."""
        return value.isoformat() if self.is_sqlite else value

    @staticmethod
    def json(value: Any) -> str:
        """Adapt a value for a JSON column (PostgreSQL casts the untyped text itself)."""
        return json.dumps(value)

    @staticmethod
    def read_json(value: Any) -> Any:
        """Return the Python value of a JSON column."""
        return json.loads(value) if isinstance(value, str | bytes) else value


def raw(session: Session) -> Raw:
    """Return the DB-API connection of the session's current transaction."""
    direct = session.info.get(DIRECT)
    if direct is not None:
        return direct  # type: ignore[no-any-return]
    transaction = session.get_transaction()
    cached = session.info.get(_RAW_INFO)
    if cached is not None and cached[0] is transaction and transaction is not None:
        return cached[1]  # type: ignore[no-any-return]
    connection = session.connection()
    found = Raw(
        connection.connection.driver_connection, is_sqlite=connection.dialect.name == "sqlite"
    )
    session.info[_RAW_INFO] = (session.get_transaction(), found)
    return found


MARK_PROCESSED = sql(
    "INSERT INTO processedupdate (channel, update_id, received_at) "
    "VALUES (:channel, :update_id, :now) ON CONFLICT DO NOTHING RETURNING update_id"
)

SENDER = sql(
    "SELECT i.id, i.person_id, i.chat_id, p.locale FROM identity i "
    "JOIN person p ON p.id = i.person_id WHERE i.channel = :channel AND i.user_id = :user_id"
)

SET_CHAT = sql("UPDATE identity SET chat_id = :chat_id WHERE id = :id")

ROLES = sql(
    "SELECT m.role, t.id, t.name, t.ward_id FROM membership m JOIN team t ON t.id = m.team_id "
    "WHERE m.person_id = :person_id AND m.active = :active "
    "UNION ALL SELECT 'ward_admin', 0, '', w.ward_id FROM wardadmin w "
    "WHERE w.person_id = :person_id"
)

LOAD_STATE = sql(
    "SELECT state, data, version, expires_at FROM conversation "
    "WHERE channel = :channel AND chat_id = :chat_id AND user_id = :user_id"
)

UPDATE_STATE = sql(
    "UPDATE conversation SET state = :state, data = :data, updated_at = :now, "
    "expires_at = :expires_at, version = :new_version "
    "WHERE channel = :channel AND chat_id = :chat_id AND user_id = :user_id "
    "AND version = :version"
)

INSERT_STATE = sql(
    "INSERT INTO conversation (channel, chat_id, user_id, state, data, version, updated_at, "
    "expires_at) VALUES (:channel, :chat_id, :user_id, :state, :data, :new_version, :now, "
    ":expires_at) ON CONFLICT DO NOTHING RETURNING version"
)

INSERT_SESSION = sql(
    "INSERT INTO assist_session (person_id, team_id, area_id, day, received_at, minutes, channel, "
    "note, out_of_hours, day_kind, kind, households, attendees) VALUES (:person_id, :team_id, "
    ":area_id, :day, :received_at, :minutes, :channel, :note, :out_of_hours, :day_kind, :kind, "
    ":households, :attendees) RETURNING id"
)

INSERT_ITEM = sql(
    "INSERT INTO assist_item (session_id, service, people, succeeded, reasons) "
    "VALUES (:session_id, :service, :people, :succeeded, :reasons)"
)

AREAS = sql("SELECT id, team_id, name FROM area WHERE team_id = :team_id ORDER BY id")

LAST_AREA = sql(
    "SELECT area_id FROM assist_session WHERE person_id = :person_id AND team_id = :team_id "
    "AND area_id IS NOT NULL ORDER BY id DESC LIMIT 1"
)

LOCK_CHAT = sql("SELECT pg_advisory_xact_lock(:key)")

INBOX_PUT = sql(
    "INSERT INTO webhook_inbox (channel, body, received_at) VALUES (:channel, :body, :now) "
    "RETURNING id"
)

INBOX_DONE = sql("DELETE FROM webhook_inbox WHERE id = :id")
