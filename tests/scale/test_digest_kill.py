"""Digests survive a killed sender: sent rows are never sent again, cut-off rows exactly once.

A scheduler process sends forty due digests; after ten the fake Bot API holds every further
sendMessage, the process is SIGKILLed with those requests in flight, the held requests fail
(nothing was delivered), and a new process takes the lease over, recovers the rows stuck in
'sending' and sends them. Each volunteer gets exactly one digest. (A message Telegram accepted
just before the kill, whose row was not marked sent yet, would go out twice: the Bot API has
no idempotency key. That window is one HTTP round trip plus one commit per row.) A SIGTERM
in the middle of sending lets the sends on their way finish first, so none is repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from contextvars import ContextVar
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlmodel import Session

from bot.core.clock import SystemClock
from storage import outbox, people
from storage.db import make_engine
from tests.fakes import FakeTelegram
from tests.fakes.fake_telegram import ApiError, JSONDict
from tests.scale.flows import texts_to
from tests.scale.workers import ROOT, TOKEN, worker_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
_REQUEST: ContextVar[web.Request] = ContextVar("request")
DIGESTS = 40
BEFORE_KILL = 10
FIRST_USER = 6000


class GatedTelegram(FakeTelegram):
    """Lets `allow` sendMessage calls through, then holds the rest until released.

    Held calls are dropped undelivered, or with `deliver_held` delivered at once and only
    their answer held (Telegram accepted the message; the sender has not heard yet).
    """

    def __init__(self, *args: Any, allow: int, deliver_held: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allow = allow
        self.deliver_held = deliver_held
        self.holding = asyncio.Event()
        self.released = asyncio.Event()
        self.held: list[web.Request] = []

    async def _handle(self, request: web.Request) -> web.Response:
        _REQUEST.set(request)
        return await super()._handle(request)

    def dropped(self) -> bool:
        """Tell whether the sender hung up on a held call (it gave up waiting for the answer)."""
        return any(r.transport is None or r.transport.is_closing() for r in self.held)

    async def _dispatch(self, method: str, handler: Any, params: JSONDict) -> Any:
        if method != "sendMessage" or self.allow > 0:
            self.allow -= method == "sendMessage"
            return await super()._dispatch(method, handler, params)
        result = await super()._dispatch(method, handler, params) if self.deliver_held else None
        self.held.append(_REQUEST.get())
        self.holding.set()
        await self.released.wait()
        if not self.deliver_held:
            raise ApiError(502, "Bad Gateway: the sender was gone; nothing delivered")
        return result


@pytest.fixture
async def fake() -> AsyncIterator[GatedTelegram]:
    async with GatedTelegram(token=TOKEN, allow=BEFORE_KILL) as server:
        yield server


def plan_digests(database_url: str) -> None:
    """Store one due digest for each of forty volunteers reachable on Telegram."""
    engine = make_engine(database_url)
    now = SystemClock().now()
    try:
        with Session(engine) as session, session.begin():
            for n in range(DIGESTS):
                user = str(FIRST_USER + n)
                person = people.ensure_person(
                    session, channel="telegram", user_id=user, chat_id=user, now=now
                )
                outbox.add(
                    session,
                    kind="digest",
                    recipient=f"p:{person.id}",
                    period="2026-W10",
                    person_id=person.id,
                    due_at=now - timedelta(minutes=1),
                    now=now,
                    payload={"texts": [f"Bản tin tuần của {user}"], "locale": "vi"},
                )
    finally:
        engine.dispose()


def statuses(database_url: str) -> dict[str, int]:
    """Return how many digest rows are in each status."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return outbox.status_counts(session, kind="digest")
    finally:
        engine.dispose()


async def rows_sent(database_url: str, count: int) -> None:
    """Wait until `count` digest rows are marked sent (polling the database, not timing)."""
    async with asyncio.timeout(60):
        while (await asyncio.to_thread(statuses, database_url)).get("sent", 0) < count:  # noqa: ASYNC110 - the state lives in another process
            await asyncio.sleep(0.02)


async def spawn(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """Start the digest sender and wait until its scheduler runs."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.scale.digest_driver", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdout is not None
    async with asyncio.timeout(60):
        assert (await process.stdout.readline()).startswith(b"READY")
    return process


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
async def test_killed_digest_sender_delivers_every_digest_exactly_once(
    db_url: str, fake: GatedTelegram, tmp_path: Path
) -> None:
    plan_digests(db_url)
    env = worker_env(db_url, fake.base_url)
    assert env["PYTHONPATH"] == str(ROOT)
    first = await spawn(env, tmp_path)
    try:
        async with asyncio.timeout(60):
            await fake.holding.wait()
            # The rows Telegram accepted are marked sent before the kill (see the docstring).
            await rows_sent(db_url, BEFORE_KILL)
    finally:
        first.kill()
        await first.wait()
    delivered_before = sum(1 for call in fake.calls_of("sendMessage") if call.ok)
    assert delivered_before == BEFORE_KILL
    assert statuses(db_url).get("sending", 0) > 0, "the kill left rows in flight"
    fake.allow = 10**9
    fake.released.set()
    second = await spawn(env, tmp_path)
    try:
        for _ in range(DIGESTS):  # the ten from before the kill, then the thirty resent
            await fake.wait_for("sendMessage", ok=True, timeout=60)
        await rows_sent(db_url, DIGESTS)  # before SIGTERM: see test_stopping_mid_send_...
    finally:
        second.terminate()
        assert await second.wait() == 0
    assert statuses(db_url) == {"sent": DIGESTS}
    for n in range(DIGESTS):
        user = FIRST_USER + n
        assert texts_to(fake, user) == [f"Bản tin tuần của {user}"], f"volunteer {n}"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_stopping_mid_send_repeats_no_digest(db_url: str, tmp_path: Path) -> None:
    """SIGTERM (a deploy) while Telegram holds the answers to messages it already accepted.

    The sender must finish those sends (and mark their rows) before it stops; giving the rows
    back would repeat them. The answers come once the sender has begun stopping, well within
    PTB's 5 s read timeout: an answer later than that is a timeout, retried by the Telegram
    channel, and may go out twice (the Bot API has no idempotency key).
    """
    plan_digests(db_url)
    async with GatedTelegram(token=TOKEN, allow=BEFORE_KILL, deliver_held=True) as fake:
        env = worker_env(db_url, fake.base_url)
        first = await spawn(env, tmp_path)
        try:
            async with asyncio.timeout(60):
                await fake.holding.wait()
                await rows_sent(db_url, BEFORE_KILL)
            first.terminate()
            assert first.stdout is not None
            async with asyncio.timeout(30):
                assert (await first.stdout.readline()).startswith(b"STOPPING")
            # A sender that cancels its sends hangs up at once; one that finishes them keeps
            # waiting for the answer, which comes after 2 s, within PTB's 5 s read timeout.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(2):
                    while not fake.dropped():  # noqa: ASYNC110 - a socket, not an event
                        await asyncio.sleep(0.01)
        finally:
            fake.allow = 10**9
            fake.released.set()
            await first.wait()
        second = await spawn(env, tmp_path)
        try:
            await rows_sent(db_url, DIGESTS)
        finally:
            second.terminate()
            await second.wait()
        twice = [n for n in range(DIGESTS) if len(texts_to(fake, FIRST_USER + n)) != 1]
        assert not twice, f"{len(twice)} volunteers got their digest twice"
