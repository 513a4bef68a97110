"""The database: a SQLModel engine driven from asyncio with at most one thread hop per transaction.

Measured on this machine (shared/calibration and ``benchmarks/log_bench.py``): an
aiosqlite hop per statement costs more than SQLite itself, so a whole unit of work (dedup,
state, domain writes, commit) runs as one synchronous function. Long work (reports,
planning, backups) runs on worker threads: one for SQLite, a pool for PostgreSQL. Short
units of work (`run_short`, one update) run on SQLite in the caller's thread: there a
thread hop costs ~110 µs of CPU, more than the whole transaction (~140 µs).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, RootTransaction, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from storage import hotpath

logger = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_BUSY_MS = 200


class DatabaseFileMissing(sqlite3.OperationalError):
    """The SQLite file was deleted or replaced while the bot runs: writes would be lost."""


def is_unavailable(error: BaseException) -> bool:
    """Tell whether an error means the database cannot be used right now (locked, down, gone).

    The hot path runs statements on the DB-API connection itself, so the driver's own
    OperationalError (sqlite3 "database is locked", psycopg's lost connection) arrives
    unwrapped, besides SQLAlchemy's wrapped one.
    """
    if isinstance(error, OperationalError | sqlite3.OperationalError):
        return True
    return type(error).__name__ == "OperationalError" and type(error).__module__.startswith(
        "psycopg"
    )


@dataclass(frozen=True)
class Health:
    """What the health check found: ok, degraded (cannot write now), missing or down."""

    status: str
    database: str


def normalise_url(url: str) -> str:
    """Map async driver URLs to the synchronous drivers used in the worker threads."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database backend: {backend}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Deleted rows are overwritten with zeros instead of lingering in free pages: a raw update
    # deleted from the inbox once applied must not stay readable in the file or its backups.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine for a DATABASE_URL (creating the SQLite folder if needed)."""
    sync_url = make_url(normalise_url(url))
    if sync_url.get_backend_name() == "sqlite":
        database = sync_url.database or ""
        in_memory = database in ("", ":memory:")
        if not in_memory:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            sync_url,
            connect_args={"check_same_thread": False},
            poolclass=StaticPool if in_memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pool_pre_ping: it costs a round trip per unit of work (13 % of a PostgreSQL worker's
    # samples in load_webhook); run_sync retries once on a connection found dead instead.
    return create_engine(sync_url, pool_size=8, max_overflow=4)


class Database:
    """Owns the engine and the worker threads; `run` executes one unit of work in a transaction."""

    def __init__(self, url: str, *, busy_ms: int = DEFAULT_BUSY_MS) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.busy_ms = busy_ms
        """How long a short unit of work (on the event loop) waits for another writer."""
        database = self.engine.url.database or ""
        self.path = Path(database) if self.is_sqlite and database not in ("", ":memory:") else None
        self._file_id = self._current_file_id()
        # PostgreSQL: 4 threads did as well as 8 in load_webhook, with less GIL contention.
        workers = 1 if self.is_sqlite else 4
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="db")
        self._inline: tuple[int, Connection, hotpath.Raw] | None = None
        self._inline_allowed = self.is_sqlite and self.engine.url.database not in ("", ":memory:")

    def _current_file_id(self) -> tuple[int, int] | None:
        """Return the SQLite file's (device, inode), or None when there is none (yet)."""
        if self.path is None:
            return None
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (found.st_dev, found.st_ino)

    def check_file(self) -> None:
        """Raise DatabaseFileMissing when the SQLite file was deleted or replaced.

        SQLite keeps writing to a deleted file's open inode without a word, and everything
        written then is gone at the next start; so every unit of work checks first (one
        stat call, about a microsecond) and refuses.
        """
        if self.path is None:
            return
        if self._file_id is None:
            self._file_id = self._current_file_id()
            return
        if self._current_file_id() != self._file_id:
            logger.error("The database file %s was deleted or replaced while running", self.path)
            raise DatabaseFileMissing(f"database file {self.path} was deleted or replaced")

    async def health(self) -> Health:
        """Probe the database without waiting on it: can it be read, and written right now?"""
        if self.path is not None:
            try:
                self.check_file()
            except DatabaseFileMissing:
                return Health("error", "missing")
            return await asyncio.to_thread(self._probe_sqlite)
        try:
            await self.run(lambda session: session.execute(text("SELECT 1")).all())
        except Exception:
            logger.warning("Health check: the database does not answer", exc_info=True)
            return Health("error", "down")
        return Health("ok", "ok")

    def _probe_sqlite(self) -> Health:
        """Take and release the write lock on a separate connection (never waits long)."""
        assert self.path is not None
        try:
            probe = sqlite3.connect(self.path, timeout=0.05, isolation_level=None)
        except sqlite3.Error:
            return Health("error", "down")
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            logger.warning("Health check: the database cannot be written (%s)", error)
            return Health("degraded", "locked")
        finally:
            probe.close()
        return Health("ok", "ok")

    def run_sync(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a new session and commit (or roll back on error), in this thread.

        A connection that died while pooled (the server restarted) fails on first use;
        the pool then drops it and the unit of work is run once more on a fresh one.
        """
        try:
            return self._run_session(work)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            logger.warning("Database connection lost; running the unit of work again")
            return self._run_session(work)

    def _run_session(self, work: Callable[[Session], T]) -> T:
        self.check_file()
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            return work(session)

    async def run(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a transaction on a database thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.run_sync, work)

    async def run_short(self, work: Callable[[Session], T]) -> T:
        """Run a short unit of work: inline on SQLite (cheaper than a hop), on a thread otherwise."""
        if not self.is_sqlite:
            return await self.run(work)
        if not self._inline_allowed:
            return self.run_sync(work)
        return self._run_inline(work)

    def _run_inline(self, work: Callable[[Session], T]) -> T:
        """Run `work` on this thread's long-lived SQLite connection, in one transaction.

        Skips the pool check-out/return and the Session's own transaction bookkeeping
        (~0.2 ms per update); the Session joins the connection's transaction and the
        hot-path statements get the DB-API connection without asking the Session.
        """
        self.check_file()
        connection, direct = self._inline_connection()
        transaction = connection.begin()
        try:
            with Session(
                bind=connection, expire_on_commit=False, info={hotpath.DIRECT: direct}
            ) as session:
                result = work(session)
                session.flush()
            transaction.commit()
            return result
        except BaseException as problem:
            broken = isinstance(problem, DBAPIError | sqlite3.OperationalError)
            self._abandon(transaction, broken=broken)
            raise

    def _inline_connection(self) -> tuple[Connection, hotpath.Raw]:
        thread = threading.get_ident()
        if self._inline is None or self._inline[0] != thread:
            if self._inline is not None:
                self._inline[1].close()
            connection = self.engine.connect()
            raw = connection.connection.driver_connection
            assert raw is not None
            # On the event loop: wait briefly for another writer, then let the caller retry
            # later (asynchronously) instead of holding every other chat up for seconds.
            raw.execute(f"PRAGMA busy_timeout={int(self.busy_ms)}")
            direct = hotpath.Raw(raw, is_sqlite=True)
            self._inline = (thread, connection, direct)
        return self._inline[1], self._inline[2]

    def _abandon(self, transaction: RootTransaction, *, broken: bool) -> None:
        """Roll back; after a driver error, drop the connection so the next unit reconnects."""
        try:
            transaction.rollback()
        except DBAPIError:
            broken = True
        if broken and self._inline is not None:
            logger.warning("Dropping the inline SQLite connection after a database error")
            with contextlib.suppress(DBAPIError):
                self._inline[1].close()
            self._inline = None

    def close(self) -> None:
        """Stop the worker threads and dispose of the connections."""
        if self._inline is not None:
            self._inline[1].close()
            self._inline = None
        self._executor.shutdown(wait=True)
        self.engine.dispose()
