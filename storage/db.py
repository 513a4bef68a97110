"""The database: a SQLModel engine driven from asyncio with one thread hop per transaction.

Measured on this machine (shared/calibration): an aiosqlite hop per statement costs more
than SQLite itself, so a whole unit of work (dedup, state, domain writes, commit) runs as
one synchronous function in a worker thread and the event loop awaits it once.
SQLite gets one dedicated writer thread (SQLite has a single writer anyway);
PostgreSQL gets a pool of threads and connections.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

logger = logging.getLogger(__name__)
T = TypeVar("T")


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
    return create_engine(sync_url, pool_size=8, max_overflow=4, pool_pre_ping=True)


class Database:
    """Owns the engine and the worker threads; `run` executes one unit of work in a transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        workers = 1 if self.is_sqlite else 8
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="db")

    def run_sync(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a new session and commit (or roll back on error), in this thread."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            return work(session)

    async def run(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a transaction on a database thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.run_sync, work)

    async def call(self, func: Callable[[], T]) -> T:
        """Run a plain blocking function on a database thread (for migrations and backups)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, func)

    def close(self) -> None:
        """Stop the worker threads and dispose of the connections."""
        self._executor.shutdown(wait=True)
        self.engine.dispose()
