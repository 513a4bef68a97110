"""Shared fixtures: loopback-only network, migrated databases on SQLite and PostgreSQL, the app."""

from __future__ import annotations

import ipaddress
import os

# PTB 22 warns on RetryAfter.retry_after unless timedelta mode is chosen; warnings are errors here.
os.environ.setdefault("PTB_TIMEDELTA", "true")
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.app import App, build_app
from bot.core.clock import FixedClock
from bot.settings import Settings
from storage.db import make_engine
from storage.migrate import upgrade
from tests.factories import Harness
from tests.support.postgres import TempPostgres, find_bindir

# Wednesday 4 March 2026, 09:00 in Asia/Ho_Chi_Minh: inside office hours.
DEFAULT_NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise RuntimeError(f"Tests may only reach loopback, not {host}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _network_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str | None]:
    """The PostgreSQL superuser URL: TEST_POSTGRES_URL, a temporary cluster, or None."""
    configured = os.environ.get("TEST_POSTGRES_URL")
    if configured:
        yield configured
        return
    bindir = find_bindir()
    if bindir is None:
        yield None
        return
    server = TempPostgres.start(bindir)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str | None) -> str | None:
    """Name of a migrated template database on the PostgreSQL server."""
    if postgres_server is None:
        return None
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    name = f"tcns_template_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(_with_database(postgres_server, name))
    upgrade(engine)
    engine.dispose()
    return name


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _need_postgres(reason: str) -> None:
    if os.environ.get("REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL is required (REQUIRE_POSTGRES) but {reason}")
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A freshly migrated database URL, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "bot.db"
        shutil.copy(sqlite_template, target)
        yield f"sqlite:///{target}"
        return
    server: str | None = request.getfixturevalue("postgres_server")
    template: str | None = request.getfixturevalue("postgres_template")
    if server is None or template is None:
        _need_postgres("no PostgreSQL (set TEST_POSTGRES_URL or install postgresql)")
        return
    name = f"tcns_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _with_database(server, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A freshly migrated SQLite database (for tests that need only the default backend)."""
    target = tmp_path / "bot.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def clock() -> FixedClock:
    """A clock frozen on a Wednesday morning in Vietnam."""
    return FixedClock(DEFAULT_NOW)


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    """Settings on the default SQLite backend with one Telegram and one console admin."""
    return Settings(database_url=sqlite_url, admins=frozenset({("test", "admin-1")})).with_channel(
        "telegram", username="tcns_test_bot"
    )


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> Iterator[App]:
    """The assembled core on SQLite with a fixed clock."""
    built = build_app(settings, clock=clock, migrate=False)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def app_any_db(db_url: str, clock: FixedClock) -> Iterator[App]:
    """The assembled core on SQLite and on PostgreSQL."""
    settings = replace(Settings(), database_url=db_url, admins=frozenset({("test", "admin-1")}))
    built = build_app(settings, clock=clock, migrate=False)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def harness(app: App) -> Harness:
    """The dispatcher with recording channels, on SQLite."""
    return Harness(app)
