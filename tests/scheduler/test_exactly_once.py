"""Each digest and reminder reaches each recipient once: crashes, restarts and two schedulers."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.core.clock import FixedClock
from bot.core.messages import Delivery
from bot.settings import Settings
from scheduler.config import SchedulerConfig
from scheduler.sender import SendStats, retry_after_of
from storage import outbox
from storage.db import Database
from storage.schedule_models import Outbox
from tests.reports import world as w
from tests.scheduler.support import FakeTime, Recorder, local, make_service

MONDAY = local(2026, 3, 9, 7, 5)


class Crash(BaseException):
    """The process dies (not an ordinary error: nothing gets a chance to clean up)."""


def _many_leaders(app: App, count: int) -> list[str]:
    """Give Tổ 12 `count` more leaders (user ids 600…) so a digest run has many recipients."""
    now = app.parts.clock.now()
    world = w.build(app)

    def work(session: object) -> list[str]:
        ids = []
        for index in range(count):
            pid = w.person(session, f"6{index:02d}", f"Leader {index}", now)  # type: ignore[arg-type]
            w.join(session, pid, world.team, "leader", now)  # type: ignore[arg-type]
            ids.append(f"6{index:02d}")
        return ids

    return ["200", "400", *app.db.run_sync(work)]  # type: ignore[arg-type]


def _per_chat(deliveries: list[Delivery]) -> Counter[tuple[str, str]]:
    kinds = Counter[tuple[str, str]]()
    for d in deliveries:
        kinds[(d.address.chat_id, "image" if d.reply.image else "text")] += 1
    return kinds


async def test_crash_in_the_middle_of_sending_then_restart(app: App, clock: FixedClock) -> None:
    chats = _many_leaders(app, 10)
    sent = Recorder()
    calls = 0

    def crash_on_the_ninth(delivery: Delivery) -> BaseException | None:
        nonlocal calls
        calls += 1
        return Crash() if calls == 9 else None

    sent.fail = crash_on_the_ninth
    first = make_service(app, sent, holder="first", charts=True)
    clock.set(MONDAY)
    with pytest.raises(Crash):
        await first.run_due(MONDAY)
    states = app.db.run_sync(lambda s: Counter(r.status for r in s.exec(select(Outbox)).all()))
    assert states["sending"] >= 1 and states["sent"] < len(chats)
    assert 8 <= len(sent.sent) < 2 * len(chats)
    sent.fail = None
    second = make_service(app, sent, holder="second", charts=True)
    too_soon = await second.run_due(MONDAY + timedelta(minutes=1))
    assert too_soon.recovered == 0
    report = await second.run_due(MONDAY + timedelta(minutes=11))
    assert report.recovered >= 1 and report.planned.digests == 0
    assert set(_per_chat(sent.sent).values()) == {1}
    assert {chat for chat, _ in _per_chat(sent.sent)} == set(chats)
    assert app.db.run_sync(lambda s: outbox.status_counts(s, kind="digest")) == {"sent": len(chats)}


async def test_a_digest_resumes_after_its_image_was_accepted(app: App, clock: FixedClock) -> None:
    _many_leaders(app, 0)
    sent = Recorder()
    sent.fail = lambda d: Crash() if d.reply.text and d.address.chat_id == "200" else None
    with pytest.raises(Crash):
        await make_service(app, sent, holder="first", charts=True).run_due(MONDAY)
    sent.fail = None
    await make_service(app, sent, holder="second", charts=True).run_due(MONDAY + timedelta(hours=1))
    assert _per_chat(sent.to("200")) == {("200", "image"): 1, ("200", "text"): 1}


@pytest.fixture
def shared_app(db_url: str, clock: FixedClock) -> Iterator[tuple[App, Database]]:
    """The app and a second connection pool on the same database (SQLite and PostgreSQL)."""
    settings = replace(Settings(), database_url=db_url)
    built = build_app(settings, clock=clock, migrate=False)
    other = Database(db_url)
    try:
        yield built, other
    finally:
        other.close()
        built.close()


async def test_two_schedulers_at_once_never_send_twice(shared_app: tuple[App, Database]) -> None:
    app, other_db = shared_app
    chats = _many_leaders(app, 25)
    sent = Recorder()
    config = SchedulerConfig(claim_batch=4)
    one = make_service(app, sent, holder="one", use_lease=False, config=config)
    two = make_service(app, sent, holder="two", use_lease=False, config=config, db=other_db)
    first, second = await asyncio.gather(one.run_due(MONDAY), two.run_due(MONDAY))
    assert first.sent.sent + second.sent.sent == len(chats)
    assert first.planned.digests + second.planned.digests == len(chats)
    assert sorted(d.address.chat_id for d in sent.sent) == sorted(chats)


async def test_only_the_lease_holder_sweeps(app: App) -> None:
    chats = _many_leaders(app, 3)
    sent = Recorder()
    one, two = make_service(app, sent, holder="one"), make_service(app, sent, holder="two")
    report_two_first = await two.run_due(MONDAY)
    report_one = await one.run_due(MONDAY + timedelta(seconds=30))
    assert report_two_first.leader and not report_one.leader
    assert len(sent.sent) == len(chats)
    await two.shutdown()
    taken = await one.run_due(MONDAY + timedelta(minutes=1))
    assert taken.leader and len(sent.sent) == len(chats)


class Throttled(Exception):
    """A 429 with retry_after, as a channel would raise it."""

    def __init__(self, seconds: int) -> None:
        super().__init__("too many requests")
        self.retry_after = timedelta(seconds=seconds)


async def test_retry_after_pauses_sending_and_nothing_is_lost(app: App) -> None:
    chats = _many_leaders(app, 4)
    sent = Recorder()
    ticks = FakeTime()
    throttled = {"200"}

    def once(delivery: Delivery) -> BaseException | None:
        if delivery.address.chat_id in throttled:
            throttled.discard(delivery.address.chat_id)
            return Throttled(7)
        return None

    sent.fail = once
    report = await make_service(app, sent, time=ticks).run_due(MONDAY)
    assert report.sent.throttled == 1 and report.sent.sent == len(chats)
    assert any(wait >= 6.9 for wait in ticks.slept)
    assert sorted(d.address.chat_id for d in sent.sent) == sorted(chats)


async def test_failures_are_retried_with_backoff_then_given_up(app: App, clock: FixedClock) -> None:
    _many_leaders(app, 0)
    sent = Recorder()
    sent.fail = lambda d: RuntimeError("down") if d.address.chat_id == "200" else None
    service = make_service(app, sent, config=SchedulerConfig(max_attempts=2))
    first = await service.run_due(MONDAY)
    assert first.sent.retried == 1 and sent.to("200") == []
    assert (await service.run_due(MONDAY + timedelta(seconds=30))).sent == SendStats()
    second = await service.run_due(MONDAY + timedelta(minutes=2))
    assert second.sent.failed == 1
    assert app.db.run_sync(lambda s: outbox.status_counts(s, kind="digest")) == {
        "sent": 1,
        "failed": 1,
    }


def test_retry_after_is_read_from_seconds_or_timedelta() -> None:
    assert retry_after_of(Throttled(3)) == 3.0
    error = RuntimeError("x")
    error.retry_after = 2  # type: ignore[attr-defined]
    assert retry_after_of(error) == 2.0
    assert retry_after_of(RuntimeError("plain")) is None


async def test_a_leader_of_two_teams_gets_both_digests_once(app: App) -> None:
    world = w.build(app)
    now = app.parts.clock.now()
    app.db.run_sync(lambda s: w.join(s, world.leader, world.sister_team, "leader", now))  # type: ignore[arg-type]
    sent = Recorder()
    await make_service(app, sent).run_due(MONDAY)
    await make_service(app, sent, holder="again").run_due(MONDAY + timedelta(hours=1))
    texts = sent.texts("200")
    assert len(texts) == 2 and any("Tổ 12" in t for t in texts) and any("Tổ 13" in t for t in texts)
