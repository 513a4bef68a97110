"""End to end: a resident asks the FAQ and reaches a volunteer through PTB and a fake Bot API."""

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
from tests.handlers.faq_helpers import add_member, make_team, title, vi

pytestmark = pytest.mark.e2e
RESIDENT, VOLUNTEER = 5151, 6262


@pytest.fixture
def faq_settings(settings: Settings) -> Settings:
    return replace(settings).with_channel("telegram", token=TOKEN, username="")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, bot_username="tcns_test_bot") as server:
        yield server


@pytest.fixture
async def running(
    faq_settings: Settings, clock: FixedClock, fake: FakeTelegram
) -> AsyncIterator[App]:
    app = build_app(faq_settings, clock=clock, migrate=False)
    channel: TelegramChannel = start_channel(app, fake, Sleeps())
    await channel.start_polling()
    try:
        yield app
    finally:
        await channel.stop()
        app.close()


def keyboard(call: Any) -> list[str]:
    """Return the callback payloads of a sent message."""
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


async def test_resident_gets_an_answer_then_a_volunteer(running: App, fake: FakeTelegram) -> None:
    app = running
    team = make_team(app)
    add_member(app, team, str(VOLUNTEER), channel="telegram")
    fake.push_text(user_id=RESIDENT, text="quen mat khau vneid", first_name="Lan")
    answer = await fake.wait_for("sendMessage", chat_id=RESIDENT)
    assert answer.params["text"].startswith(title(app, "vneid_password"))
    assert keyboard(answer) == ["faq:ok:vneid_password", "ho:ask:k:vneid_password"]

    fake.push_callback(user_id=RESIDENT, data="ho:ask:k:vneid_password")
    await fake.wait_for("answerCallbackQuery")
    sent = await fake.wait_for("sendMessage", chat_id=RESIDENT)
    assert sent.params["text"].startswith(
        vi(app, "handoff.sent", team="Tổ 12", ward="Phường Hải Châu")
    )
    privacy = await fake.wait_for("sendMessage", chat_id=RESIDENT)
    assert privacy.params["text"] == vi(app, "privacy.short")
    notice = await fake.wait_for("sendMessage", chat_id=VOLUNTEER)
    [take] = keyboard(notice)
    assert take.startswith("ho:take:") and "Lan" not in notice.params["text"]

    fake.push_callback(user_id=VOLUNTEER, data=take, first_name="Minh")
    joined = await fake.wait_for(
        "sendMessage", chat_id=RESIDENT, where=lambda p: "tình nguyện viên" in p["text"]
    )
    assert joined.params["text"] == vi(app, "handoff.taken_resident")
    await fake.wait_for("sendMessage", chat_id=VOLUNTEER)

    fake.push_text(user_id=RESIDENT, text="Cháu ơi bác quên mật khẩu", first_name="Lan")
    relayed = await fake.wait_for("sendMessage", chat_id=VOLUNTEER)
    assert relayed.params["text"] == vi(
        app, "handoff.from_resident", text="Cháu ơi bác quên mật khẩu"
    )
    fake.push_text(user_id=VOLUNTEER, text="Bác bấm Quên mật khẩu nhé", first_name="Minh")
    back = await fake.wait_for("sendMessage", chat_id=RESIDENT)
    assert back.params["text"] == vi(
        app, "handoff.from_volunteer", text="Bác bấm Quên mật khẩu nhé"
    )
    assert "Minh" not in back.params["text"]
    fake.push_text(user_id=RESIDENT, text="/end")
    assert (await fake.wait_for("sendMessage", chat_id=RESIDENT)).params["text"] == vi(
        app, "handoff.ended_you"
    )
    told = await fake.wait_for("sendMessage", chat_id=VOLUNTEER)
    assert told.params["text"].startswith("Người dân đã kết thúc")
