"""End to end: the Monday digest through real PTB to the fake Bot API, paced under flood limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date

import pytest

from bot.app import App, build_app
from bot.channels.telegram import TelegramChannel
from bot.core.clock import FixedClock
from bot.settings import Settings
from scheduler.config import SchedulerConfig
from scheduler.pacing import Pacer
from scheduler.runner import SchedulerService
from storage import people, team_prefs
from tests.fakes import FakeTelegram
from tests.reports import world as w
from tests.scheduler.support import FakeTime, local

pytestmark = pytest.mark.e2e
TOKEN = "4242:TEST-token"
GROUP = "-100500"


async def _no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, bot_username="tcns_test_bot") as server:
        yield server


@pytest.fixture
async def tg_app(settings: Settings, clock: FixedClock, fake: FakeTelegram) -> AsyncIterator[App]:
    app = build_app(
        replace(settings).with_channel("telegram", token=TOKEN), clock=clock, migrate=False
    )
    channel = TelegramChannel(
        token=TOKEN, base_url=fake.base_url, dispatcher=app.dispatcher,
        translations=app.parts.translations, poll_timeout=1, sleep=_no_sleep,
    )  # fmt: skip
    await channel.app.initialize()
    try:
        yield app
    finally:
        await channel.app.shutdown()
        app.close()


def _team_with_telegram_leaders(app: App) -> list[int]:
    now = app.parts.clock.now()
    world = w.build(app)

    def work(session: object) -> list[int]:
        chats = []
        for user in (111, 112):
            person = people.ensure_person(
                session,
                channel="telegram",
                user_id=str(user),
                chat_id=str(user),
                now=now,  # type: ignore[arg-type]
            )
            w.join(session, person.id or 0, world.team, "leader", now)  # type: ignore[arg-type]
            chats.append(user)
        w.log(
            session,
            person_id=world.volunteers[0],
            team_id=world.team,
            day=date(2026, 3, 3),  # type: ignore[arg-type]
            now=now,
            items=[("vneid_level2", 6, 5, ("otp_not_received",))],
            minutes=75,
        )
        team_prefs.update(
            session, world.team, now=now, group_channel="telegram", group_chat_id=GROUP
        )  # type: ignore[arg-type]
        return chats

    return app.db.run_sync(work)  # type: ignore[arg-type]


async def test_monday_digest_arrives_as_photo_and_text_without_429(
    tg_app: App, fake: FakeTelegram, clock: FixedClock
) -> None:
    chats = _team_with_telegram_leaders(tg_app)
    ticks = FakeTime()
    fake.rate_limit(per_chat_per_second=1, global_per_second=30, clock=ticks)
    config = SchedulerConfig(global_per_second=25, per_chat_per_second=0.9, in_flight=1)
    pacer = Pacer(global_per_second=config.global_per_second,
                  per_chat_per_second=config.per_chat_per_second, clock=ticks, sleep=ticks.sleep)  # fmt: skip
    service = SchedulerService(
        tg_app.db, tg_app.dispatcher, tg_app.parts, pacer=pacer, config=config
    )
    clock.set(local(2026, 3, 9, 7, 0, 30))
    report = await service.run_due()
    assert report.sent.sent == 3 and report.sent.retried == 2  # the 'test' channel has no sender
    for chat in [*chats, int(GROUP)]:
        photo = await fake.wait_for("sendPhoto", chat_id=chat)
        text = await fake.wait_for("sendMessage", chat_id=chat)
        assert photo.ok and text.ok
        assert photo.params["photo"]["content"].startswith(b"\x89PNG")
        assert "02/03–08/03/2026" in text.params["text"] and "Tổ 12" in text.params["text"]
        assert "Hỗ trợ định danh mức 2: 6 lượt người, 5 lượt thành công" in text.params["text"]
    assert all(call.ok for call in fake.calls)
    assert len(fake.calls_of("sendPhoto")) == 3 and len(fake.calls_of("sendMessage")) == 3
    await service.shutdown()
    again = SchedulerService(tg_app.db, tg_app.dispatcher, tg_app.parts, pacer=pacer)
    assert (await again.run_due()).planned.digests == 0
    assert len(fake.calls_of("sendMessage")) == 3
