"""Helpers for scheduler tests: a fake monotonic clock, a recording transport, local moments."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.app import App
from bot.core.messages import Delivery
from scheduler.config import SchedulerConfig
from scheduler.pacing import Pacer
from scheduler.runner import SchedulerService
from storage.db import Database

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*parts: int) -> datetime:
    """Return a Vietnamese wall-clock moment as an aware UTC datetime."""
    return datetime(*parts, tzinfo=VN).astimezone(UTC)  # type: ignore[misc]


class FakeTime:
    """A monotonic clock that only moves when something sleeps on it (no real waiting)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Wake at the caller's own target time (concurrent sleeps do not add up)."""
        self.slept.append(seconds)
        target = self.now + max(0.0, seconds)
        await asyncio.sleep(0)
        self.now = max(self.now, target)


class Recorder:
    """A transport that records deliveries; `fail` may return an error to raise instead."""

    def __init__(self) -> None:
        self.sent: list[Delivery] = []
        self.fail: Callable[[Delivery], BaseException | None] | None = None

    async def send(self, delivery: Delivery) -> None:
        await asyncio.sleep(0)
        error = self.fail(delivery) if self.fail is not None else None
        if error is not None:
            raise error
        self.sent.append(delivery)

    def to(self, chat_id: str) -> list[Delivery]:
        """Return what went to one chat."""
        return [d for d in self.sent if d.address.chat_id == chat_id]

    def texts(self, chat_id: str) -> list[str]:
        """Return the texts that went to one chat."""
        return [d.reply.text for d in self.to(chat_id) if d.reply.text]


def make_service(
    app: App,
    transport: Recorder,
    *,
    holder: str = "one",
    use_lease: bool = True,
    charts: bool = False,
    config: SchedulerConfig | None = None,
    db: Database | None = None,
    time: FakeTime | None = None,
) -> SchedulerService:
    """Build a scheduler service on the app with a fake pacer clock."""
    config = config or SchedulerConfig()
    ticks = time or FakeTime()
    pacer = Pacer(
        global_per_second=config.global_per_second,
        per_chat_per_second=config.per_chat_per_second,
        clock=ticks,
        sleep=ticks.sleep,
    )
    return SchedulerService(
        db or app.db, app.dispatcher, app.parts, config=config, transport=transport,
        pacer=pacer, holder=holder, use_lease=use_lease, charts=charts,
    )  # fmt: skip
