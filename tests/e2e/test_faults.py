"""Faults end to end in webhook mode: a flaky Bot API, a killed worker, a database outage.

Afterwards every record is there exactly once, every reply was delivered exactly once, and
users whose request could not be applied were told to send it again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from bot.app import build_app
from bot.channels.registry import TELEGRAM
from bot.core.clock import FixedClock
from bot.core.i18n import default_translations
from bot.runtime import RunOptions, Runtime
from bot.settings import Settings
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Team
from tests.fakes import FakeTelegram
from tests.fakes.faulty import FAULT_KINDS, FaultyTelegram
from tests.scale.flows import newteam_replies, newteam_steps, texts_to, walk
from tests.scale.workers import SECRET, TOKEN, Worker, post_update, worker_env
from tests.support.postgres import TempPostgres, find_bindir

pytestmark = pytest.mark.e2e
FIRST_ADMIN = 700
WARD = "Phường Hải Châu"


async def no_sleep(seconds: float) -> None:
    """Skip the channel's waits (429 retry_after, network back-off): no sleeping in tests."""


def stored_teams(database_url: str) -> dict[str, int]:
    """Return the id of every stored team by name (a list would show doubles: compare lengths)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            rows = [(t.name, t.id or 0) for t in session.exec(select(Team))]
    finally:
        engine.dispose()
    found = dict(rows)
    assert len(found) == len(rows), f"a team was stored twice: {rows}"
    return found


def hook_settings(settings: Settings, fake: FakeTelegram, admins: int) -> Settings:
    """Return webhook-mode settings pointing at the fake Bot API."""
    return replace(
        settings,
        admins=frozenset(("telegram", str(FIRST_ADMIN + n)) for n in range(admins)),
        web_port=0,
    ).with_channel(
        "telegram", token=TOKEN, api_base_url=fake.base_url, webhook_secret=SECRET, username=""
    )


async def serve(settings: Settings, clock: FixedClock | None = None) -> Runtime:
    """Start one in-process webhook worker."""
    core = build_app(settings, clock=clock, migrate=False)
    runtime = Runtime(core, RunOptions(webhook=True, sleep=no_sleep))
    await runtime.start()
    return runtime


async def shut(runtime: Runtime) -> None:
    """Stop a worker started by serve(), waiting for the updates in progress."""
    await runtime.stop()
    runtime.core.close()


def hook_url(runtime: Runtime) -> str:
    """Return the Telegram webhook address of an in-process worker."""
    assert runtime.server is not None
    return runtime.server.url + TELEGRAM.webhook_path


# --------------------------------------------------------------------------- flaky Bot API

CHATS = 12


async def test_a_fifth_of_api_calls_failing_loses_and_repeats_nothing(
    settings: Settings, clock: FixedClock, http: aiohttp.ClientSession
) -> None:
    async with FaultyTelegram(token=TOKEN, rate=0.0, seed=11) as fake:
        runtime = await serve(hook_settings(settings, fake, CHATS), clock)
        fake.rate = 0.2
        try:

            async def chat(n: int) -> None:
                user = FIRST_ADMIN + n

                async def post(step: int, body: dict[str, Any]) -> None:
                    assert await post_update(http, hook_url(runtime), body) == 200

                await walk(fake, user, newteam_steps(fake, user, WARD, f"Tổ {n + 1}"), post)

            await asyncio.gather(*(chat(n) for n in range(CHATS)))
        finally:
            await shut(runtime)
        assert set(fake.faults) == set(FAULT_KINDS), fake.faults
        assert sum(fake.faults.values()) >= 10
        created = stored_teams(settings.database_url)
        assert sorted(created) == sorted(f"Tổ {n + 1}" for n in range(CHATS))
        vi = runtime.core.parts.translations.get("vi")
        for n in range(CHATS):
            expected = newteam_replies(vi, WARD, f"Tổ {n + 1}", created[f"Tổ {n + 1}"])
            assert texts_to(fake, FIRST_ADMIN + n) == expected, f"chat {n}"


# --------------------------------------------------------------------------- SIGKILL


@pytest.mark.slow
async def test_killed_webhook_worker_continues_at_the_same_step(
    sqlite_url: str, tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    async with FakeTelegram(token=TOKEN) as fake:
        env = worker_env(sqlite_url, fake.base_url, admins=[FIRST_ADMIN])
        steps = newteam_steps(fake, FIRST_ADMIN, WARD, "Tổ 3")
        worker = Worker(env, tmp_path / "first.log", tmp_path)

        async def post(step: int, body: dict[str, Any]) -> None:
            assert await post_update(http, worker.hook_url, body) == 200

        await worker.start()
        try:
            await walk(fake, FIRST_ADMIN, steps[:2], post)
        finally:
            await worker.kill()
        worker = Worker(env, tmp_path / "second.log", tmp_path)
        await worker.start()
        try:
            await walk(fake, FIRST_ADMIN, steps[2:], post)
        finally:
            assert await worker.terminate() == 0
        created = stored_teams(sqlite_url)
        assert list(created) == ["Tổ 3"]
        vi = default_translations("vi").get("vi")
        assert texts_to(fake, FIRST_ADMIN) == newteam_replies(vi, WARD, "Tổ 3", created["Tổ 3"])


class HeldAnswers(FakeTelegram):
    """Holds answerCallbackQuery (the first Bot API call of a tap) until released."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hold = False
        self.holding = asyncio.Event()
        self.released = asyncio.Event()

    async def _dispatch(self, method: str, handler: Any, params: dict[str, Any]) -> Any:
        if method == "answerCallbackQuery" and self.hold:
            self.holding.set()
            await self.released.wait()
        return await super()._dispatch(method, handler, params)


@pytest.mark.slow
async def test_update_in_flight_when_a_worker_is_killed_is_not_lost(
    sqlite_url: str, tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    async with HeldAnswers(token=TOKEN) as fake:
        env = worker_env(sqlite_url, fake.base_url, admins=[FIRST_ADMIN])
        steps = newteam_steps(fake, FIRST_ADMIN, WARD, "Tổ 4")
        worker = Worker(env, tmp_path / "first.log", tmp_path)

        async def post(step: int, body: dict[str, Any]) -> None:
            assert await post_update(http, worker.hook_url, body) == 200

        await worker.start()
        try:
            await walk(fake, FIRST_ADMIN, steps[:4], post)
            fake.hold = True
            tap = fake.update(steps[4]())
            delivery = asyncio.create_task(post_update(http, worker.hook_url, tap))
            await fake.holding.wait()  # the worker is processing the tap right now
        finally:
            await worker.kill()
        try:
            accepted = await delivery == 200
        except aiohttp.ClientError:
            accepted = False
        fake.hold = False
        fake.released.set()
        worker = Worker(env, tmp_path / "second.log", tmp_path)
        await worker.start()
        try:
            if not accepted:  # Telegram redelivers what was not answered with 2xx
                await post(4, tap)
                await fake.wait_for("sendMessage", chat_id=FIRST_ADMIN, ok=True, timeout=30)
        finally:
            assert await worker.terminate() == 0
        assert list(stored_teams(sqlite_url)) == ["Tổ 4"], "the confirmed team was lost"


# --------------------------------------------------------------------------- database outage


class OutageLog(logging.Handler):
    """Counts the dispatcher's 'database unavailable' retries and wakes waiters."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.retries = 0
        self.changed = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        """Count one retry notice."""
        if record.getMessage().startswith("Database unavailable, retrying"):
            self.retries += 1
            self.changed.set()

    async def wait_retries(self, count: int) -> None:
        """Wait until at least `count` retries were logged."""
        async with asyncio.timeout(30):
            while self.retries < count:
                self.changed.clear()
                await self.changed.wait()


class ControlledPostgres:
    """A private PostgreSQL cluster the test may stop and start with pg_ctl."""

    def __init__(self, server: TempPostgres) -> None:
        self.server = server

    def _pg_ctl(self, *args: str) -> None:
        data = self.server.datadir / "data"
        command = [str(self.server.bindir / "pg_ctl"), "-D", str(data), "-w", *args]
        if self.server.as_postgres_user:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        """Stop the server now (open connections are cut)."""
        self._pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        """Start the server again on the same port."""
        server = self.server
        options = (
            f"-p {server.port} -c listen_addresses=127.0.0.1 -k {server.datadir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-l", str(server.datadir / "log"), "-o", options, "start")


@pytest.fixture
def private_postgres() -> Iterator[tuple[ControlledPostgres, str]]:
    """A throw-away cluster of our own (the shared one must stay up) with a migrated database."""
    bindir = find_bindir()
    if bindir is None:
        reason = "no PostgreSQL binaries to start a cluster the test may stop"
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required (REQUIRE_POSTGRES) but {reason}")
        pytest.skip(reason)
    server = TempPostgres.start(bindir)
    try:
        admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "outage"'))
        admin.dispose()
        url = server.url.rsplit("/", 1)[0] + "/outage"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield ControlledPostgres(server), url
    finally:
        server.stop()


@pytest.mark.postgres
@pytest.mark.slow
async def test_database_outage_delays_updates_and_loses_none(
    private_postgres: tuple[ControlledPostgres, str],
    settings: Settings,
    http: aiohttp.ClientSession,
) -> None:
    postgres, url = private_postgres
    watcher = OutageLog()
    logging.getLogger("bot.core.dispatcher").addHandler(watcher)
    first, second = FIRST_ADMIN, FIRST_ADMIN + 1
    async with FakeTelegram(token=TOKEN) as fake:
        runtime = await serve(replace(hook_settings(settings, fake, 2), database_url=url))
        vi = runtime.core.parts.translations.get("vi")
        steps = newteam_steps(fake, first, WARD, "Tổ 9")

        async def post(step: int, body: dict[str, Any]) -> None:
            assert await post_update(http, hook_url(runtime), body) == 200

        try:
            await walk(fake, first, steps[:1], post)
            # A short outage: the webhook still answers 200, the updates wait and then apply.
            await asyncio.to_thread(postgres.stop)
            await post(1, fake.update(steps[1]()))
            await post(0, fake.update(fake.push_text(second, "/newteam")))
            await watcher.wait_retries(2)
            async with http.get(runtime.server.url + "/healthz") as health:  # type: ignore[union-attr]
                assert health.status == 503
            await asyncio.to_thread(postgres.start)
            await fake.wait_for("sendMessage", chat_id=first, timeout=30)
            await fake.wait_for("sendMessage", chat_id=second, timeout=30)
            await walk(fake, first, steps[2:], post)
            # An outage longer than the dispatcher waits: the user is asked to send it again.
            runtime.core.dispatcher.db_outage_seconds = 0.5
            await asyncio.to_thread(postgres.stop)
            await post(1, fake.update(fake.push_text(second, WARD)))
            busy = await fake.wait_for("sendMessage", chat_id=second, timeout=30)
            assert busy.params["text"] == vi.text("error.busy")
            await asyncio.to_thread(postgres.start)
            runtime.core.dispatcher.db_outage_seconds = 30.0
            await post(1, fake.update(fake.push_text(second, WARD)))
            await fake.wait_for("sendMessage", chat_id=second, timeout=30)
        finally:
            logging.getLogger("bot.core.dispatcher").removeHandler(watcher)
            await shut(runtime)
        created = stored_teams(url)
        assert list(created) == ["Tổ 9"]
        assert texts_to(fake, first) == newteam_replies(vi, WARD, "Tổ 9", created["Tổ 9"])
        assert texts_to(fake, second) == [
            vi.text("team.ask_ward"),
            vi.text("error.busy"),
            vi.text("team.ask_name"),
        ]
