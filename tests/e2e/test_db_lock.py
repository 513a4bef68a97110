"""A locked or vanished database never freezes the bot or loses an update (issue 12, point 6),
and /metrics shows the scheduler's real state (point 12).

A real `python -m bot run --webhook` process on SQLite; another process holds the database's
write lock for as long as the test says. While it does, the bot's event loop keeps serving
(/healthz answers within a second and says the database is degraded), and the update that
arrived meanwhile is answered once the lock is released. Deleting the database file while
the bot runs is detected: /healthz says so, and a resident is told to send again.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.core.i18n import default_translations
from tests.fakes import FakeTelegram
from tests.scale.workers import TOKEN, Worker, post_update, worker_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
USER = 4711
VI = default_translations("vi").get("vi")
HOLD_LOCK = """
import sqlite3, sys
holder = sqlite3.connect(sys.argv[1], isolation_level=None)
holder.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
holder.execute("ROLLBACK")
"""


class LockHolder:
    """Another process holding the SQLite write lock until release()."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> LockHolder:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", HOLD_LOCK, str(self.path),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 30)
        assert line.strip() == b"locked"
        return self

    async def release(self) -> None:
        """Let go of the lock and wait for the holder to end."""
        if self.process is None:
            return
        process, self.process = self.process, None
        assert process.stdin is not None
        process.stdin.write(b"\n")
        await process.stdin.drain()
        assert await asyncio.wait_for(process.wait(), 30) == 0

    async def __aexit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.kill()
            await self.process.wait()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


async def health(http: aiohttp.ClientSession, worker: Worker) -> tuple[int, dict[str, Any], float]:
    """GET /healthz; return the status, the body and how long the answer took."""
    started = time.monotonic()
    async with http.get(worker.url + "/healthz") as response:
        body = await response.json()
        return response.status, body, time.monotonic() - started


def remove_database(path: Path) -> None:
    """Delete the database file (and its WAL files) under the running bot."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def texts_to_user(fake: FakeTelegram) -> list[str]:
    return [
        str(call.params["text"])
        for call in fake.calls_of("sendMessage")
        if call.ok and call.params.get("chat_id") == USER
    ]


async def test_a_locked_database_delays_the_update_and_never_freezes_the_bot(
    sqlite_url: str, fake: FakeTelegram, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    env = worker_env(
        sqlite_url,
        fake.base_url,
        admins=[USER],
        BOT_DB_OUTAGE_SECONDS="120",
        BOT_SQLITE_BUSY_MS="100",
    )
    worker = Worker(env, tmp_path / "worker.log", tmp_path)
    await worker.start()
    try:
        async with http.get(worker.url + "/metrics") as response:
            metrics = await response.text()
        assert 'bot_scheduler_state{bot_scheduler_state="running"} 1.0' in metrics

        async with LockHolder(path) as holder:
            update = fake.update(fake.push_text(USER, "/lang"))
            started = time.monotonic()
            assert await post_update(http, worker.hook_url, update) == 200
            assert time.monotonic() - started < 2.0, "the webhook answers while locked"
            for _ in range(5):
                status, body, took = await health(http, worker)
                assert took < 1.0, f"/healthz took {took:.2f} s during the lock"
                assert (status, body) == (503, {"status": "degraded", "database": "locked"})
            assert texts_to_user(fake) == [], "nothing can be applied while locked"
            await holder.release()
        reply = await fake.wait_for("sendMessage", chat_id=USER, timeout=60)
        assert reply.params["text"] == VI.text("lang.choose"), "answered once the lock is gone"
        status, body, _took = await health(http, worker)
        assert (status, body["status"]) == (200, "ok")

        await asyncio.to_thread(remove_database, path)
        status, body, _took = await health(http, worker)
        assert (status, body) == (503, {"status": "error", "database": "missing"})
        update = fake.update(fake.push_text(USER, "/help"))
        assert await post_update(http, worker.hook_url, update) == 200
        busy = await fake.wait_for(
            "sendMessage",
            chat_id=USER,
            timeout=30,
            where=lambda p: p["text"] != VI.text("lang.choose"),
        )
        assert busy.params["text"] == VI.text("error.busy")
        assert not await asyncio.to_thread(path.exists), "no silent new empty database either"
    finally:
        code = await worker.terminate()
    log = worker.log()
    assert "Database unavailable, retrying" in log, "the update was retried with back-off"
    assert "deleted or replaced" in log
    assert code in (0, 1), worker.log_tail()
