"""End to end: the guided /log through the real python-telegram-bot client and a fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from bot.app import App, build_app
from bot.channels.telegram import TelegramChannel
from bot.core.clock import FixedClock
from bot.settings import Settings
from tests.e2e.test_telegram import TOKEN, Sleeps, start_channel
from tests.fakes import FakeTelegram
from tests.handlers.log_helpers import add_member, make_team, records, vi

pytestmark = pytest.mark.e2e
USER = 4321


@pytest.fixture
def log_settings(settings: Settings) -> Settings:
    return replace(settings).with_channel("telegram", token=TOKEN, username="")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, bot_username="tcns_test_bot") as server:
        yield server


def keyboard(call: Any) -> list[str]:
    """Return the callback payloads of a sent message."""
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


async def tap(fake: FakeTelegram, payload: str, offered: Any) -> Any:
    """Press a button of the last message and return the bot's next message."""
    assert payload in keyboard(offered), (payload, keyboard(offered))
    fake.push_callback(user_id=USER, data=payload)
    await fake.wait_for("answerCallbackQuery")
    return await fake.wait_for("sendMessage", chat_id=USER)


async def test_guided_log_through_telegram_buttons(
    log_settings: Settings, clock: FixedClock, fake: FakeTelegram
) -> None:
    app: App = build_app(log_settings, clock=clock, migrate=False)
    team = make_team(app)
    add_member(app, team, str(USER), channel="telegram")
    channel: TelegramChannel = start_channel(app, fake, Sleeps())
    await channel.start_polling()
    try:
        fake.push_text(user_id=USER, text="/log")
        message = await fake.wait_for("sendMessage", chat_id=USER)
        assert message.params["text"] == vi(app, "log.ask.services")
        assert all(len(p.encode()) <= 64 for p in keyboard(message))
        # one failure: one reason goes on, no «Tiếp»
        for payload in ("lg:s:vneid_level2", "lg:n:0:2", "lg:k:0:1", "lg:r:0:phone_no_nfc",
                        "lg:m:30"):  # fmt: skip
            message = await tap(fake, payload, message)
        message = await tap(fake, keyboard(message)[0], message)
        assert "Hỗ trợ định danh mức 2: 2 người, 1 làm được" in message.params["text"]
        fake.push_text(user_id=USER, text="gọi 0905123456 không được")
        message = await fake.wait_for("sendMessage", chat_id=USER)
        assert vi(app, "log.redacted", kinds=vi(app, "log.kind.phone")) in message.params["text"]
        message = await tap(fake, "lg:save", message)
        assert message.params["text"] == vi(app, "log.saved", id=1)
        [record] = records(app)
        assert record.channel == "telegram" and record.note == "gọi [đã ẩn] không được"
        assert record.items[0].reasons == ("phone_no_nfc",)
        fake.push_callback(user_id=USER, data="lg:n:0:5")
        stale = await fake.wait_for("sendMessage", chat_id=USER)
        assert stale.params["text"] == vi(app, "error.stale_button")
    finally:
        await channel.stop()
        app.close()
