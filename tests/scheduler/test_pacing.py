"""The pacer: global and per-chat spacing, bursts, pauses for retry_after (on a fake clock)."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from scheduler.pacing import Pacer
from tests.scheduler.support import FakeTime


def _pacer(ticks: FakeTime, **kw: float) -> Pacer:
    rates = {"global_per_second": 10.0, "per_chat_per_second": 1.0} | kw
    return Pacer(clock=ticks, sleep=ticks.sleep, **rates)  # type: ignore[arg-type]


async def _times(pacer: Pacer, ticks: FakeTime, chats: list[str]) -> list[float]:
    stamps: list[float] = []

    async def one(chat: str) -> None:
        await pacer.acquire(chat)
        stamps.append(ticks())

    await asyncio.gather(*(one(c) for c in chats))
    return sorted(round(s - 1000.0, 6) for s in stamps)


async def test_global_rate_spaces_different_chats() -> None:
    ticks = FakeTime()
    stamps = await _times(_pacer(ticks), ticks, [f"c{i}" for i in range(5)])
    assert stamps == [0.0, 0.1, 0.2, 0.3, 0.4]


async def test_one_chat_waits_a_full_gap_between_messages() -> None:
    ticks = FakeTime()
    pacer = _pacer(ticks)
    await pacer.acquire("a")
    await pacer.acquire("b")
    await pacer.acquire("a")
    assert ticks() - 1000.0 == pytest.approx(1.0)
    pacer.sent("a")
    await pacer.acquire("a")
    assert ticks() - 1000.0 == pytest.approx(2.0)


async def test_burst_lets_a_few_go_early_but_not_more() -> None:
    ticks = FakeTime()
    stamps = await _times(_pacer(ticks, burst=2), ticks, [f"c{i}" for i in range(6)])
    assert stamps[:3] == [0.0, 0.0, 0.0] and stamps[3] == pytest.approx(0.1)
    assert all(b - a >= 0.1 - 1e-9 for a, b in itertools.pairwise(stamps[2:]))


async def test_pause_holds_every_send() -> None:
    ticks = FakeTime()
    pacer = _pacer(ticks)
    await pacer.acquire("a")
    pacer.pause(7)
    await pacer.acquire("b")
    assert ticks() - 1000.0 == pytest.approx(7.0) and pacer.pauses == 1


def test_rates_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Pacer(global_per_second=0, per_chat_per_second=1)
