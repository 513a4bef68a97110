"""End to end: the real python-telegram-bot client speaking HTTP to a fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.channels.telegram import TelegramChannel
from bot.core.clock import FixedClock
from bot.core.links import BotLinks
from bot.core.messages import Address, Delivery, Document, Reply
from bot.settings import Settings
from storage import invites, teams
from tests.fakes import FakeTelegram

pytestmark = pytest.mark.e2e
TOKEN = "4242:TEST-token"
ADMIN_ID = 900
ROOT = Path(__file__).resolve().parents[2]


class Sleeps:
    """Records the waits the channel asks for instead of waiting (no sleeps in tests)."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


def start_channel(app: App, fake: FakeTelegram, sleeps: Sleeps) -> TelegramChannel:
    """Build the Telegram channel for an app, pointed at the fake server."""
    links = app.parts.get(BotLinks)
    return TelegramChannel(
        token=TOKEN,
        base_url=fake.base_url,
        dispatcher=app.dispatcher,
        translations=app.parts.translations,
        poll_timeout=1,
        sleep=sleeps,
        on_username=lambda name: setattr(links, "telegram_username", name),
    )


@pytest.fixture
def tg_settings(settings: Settings) -> Settings:
    return replace(settings, admins=frozenset({("telegram", str(ADMIN_ID))})).with_channel(
        "telegram", token=TOKEN, username=""
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, bot_username="tcns_test_bot") as server:
        yield server


@pytest.fixture
async def running(
    tg_settings: Settings, clock: FixedClock, fake: FakeTelegram
) -> AsyncIterator[tuple[App, TelegramChannel, Sleeps]]:
    app = build_app(tg_settings, clock=clock, migrate=False)
    sleeps = Sleeps()
    channel = start_channel(app, fake, sleeps)
    await channel.start_polling()
    try:
        yield app, channel, sleeps
    finally:
        await channel.stop()
        app.close()


def vi(app: App, key: str, **params: object) -> str:
    return app.parts.translations.get("vi").text(key, **params)


def make_invite(app: App, role: str = "volunteer") -> str:
    now = app.parts.clock.now()

    def work(session: object) -> str:
        team = teams.create_team(
            session,
            ward_name="Phường Hải Châu",
            name="Tổ 12",
            areas=[],
            now=now,  # type: ignore[arg-type]
        )
        return invites.create_invite(
            session,
            team_id=team.id or 0,
            role=role,
            now=now,
            ttl=timedelta(days=7),  # type: ignore[arg-type]
        ).code

    return app.db.run_sync(work)


async def test_start_sets_commands_and_joining_by_invite(
    running: tuple[App, TelegramChannel, Sleeps], fake: FakeTelegram
) -> None:
    app, _, _ = running
    assert fake.commands_for(language_code="") and fake.commands_for(language_code="en")
    assert [c["command"] for c in fake.commands_for(language_code="")][:2] == ["start", "help"]
    assert app.parts.get(BotLinks).telegram_username == "tcns_test_bot"
    code = make_invite(app)
    fake.push_text(user_id=111, text=f"/start {code}", first_name="Lan")
    joined = await fake.wait_for("sendMessage", chat_id=111)
    assert (
        vi(app, "invite.joined", team="Tổ 12", role=vi(app, "role.volunteer"))
        in joined.params["text"]
    )


async def test_button_press_goes_through_callback_query(
    running: tuple[App, TelegramChannel, Sleeps], fake: FakeTelegram
) -> None:
    fake.push_text(user_id=222, text="/lang")
    offer = await fake.wait_for("sendMessage", chat_id=222)
    payloads = [
        b["callback_data"] for row in offer.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert payloads == ["lang:vi", "lang:en"]
    fake.push_callback(user_id=222, data="lang:en")
    await fake.wait_for("answerCallbackQuery")
    done = await fake.wait_for("sendMessage", chat_id=222)
    assert done.params["text"] == "Language set to English."


async def test_same_update_twice_takes_effect_once(
    running: tuple[App, TelegramChannel, Sleeps], fake: FakeTelegram
) -> None:
    app, _, _ = running
    code = make_invite(app)
    update_id = fake.push_text(user_id=333, text=f"/start {code}")
    await fake.wait_for("sendMessage", chat_id=333)
    await fake.wait_for("sendMessage", chat_id=333)
    fake.push_raw_again(update_id)
    fake.push_text(user_id=333, text="/cancel")
    marker = await fake.wait_for("sendMessage", chat_id=333)
    assert marker.params["text"] == vi(app, "cancel.nothing")
    to_user = [c for c in fake.calls_of("sendMessage") if c.params["chat_id"] == 333]
    assert len(to_user) == 3  # joined + welcome, then only the /cancel reply


async def test_forged_callback_and_sticker_get_polite_replies(
    running: tuple[App, TelegramChannel, Sleeps], fake: FakeTelegram
) -> None:
    app, _, _ = running
    fake.push_text(user_id=444, text="/help")
    await fake.wait_for("sendMessage", chat_id=444)
    fake.push_callback(user_id=444, data="admin:delete:all")
    stale = await fake.wait_for("sendMessage", chat_id=444)
    assert stale.params["text"] == vi(app, "error.stale_button")
    fake.push_sticker(user_id=444)
    sticker = await fake.wait_for("sendMessage", chat_id=444)
    assert sticker.params["text"] == vi(app, "error.text_only")


async def test_429_is_waited_out_and_retried(
    running: tuple[App, TelegramChannel, Sleeps], fake: FakeTelegram
) -> None:
    _, _, sleeps = running
    fake.fail_next("sendMessage", error_code=429, retry_after=3)
    fake.push_text(user_id=555, text="/help")
    delivered = await fake.wait_for("sendMessage", chat_id=555, ok=True)
    assert delivered.params["text"]
    assert sleeps.asked == [3.0]
    assert len(fake.calls_of("sendMessage")) == 2


async def test_long_text_is_split_and_documents_are_sent(
    running: tuple[App, TelegramChannel, Sleeps], fake: FakeTelegram
) -> None:
    _, channel, _ = running
    long_text = "\n".join(f"Dòng số {i}: hỗ trợ người dân cài VNeID" for i in range(300))
    await channel.send(Delivery(Address("telegram", "666"), Reply(text=long_text)))
    parts = [c.params["text"] for c in fake.calls_of("sendMessage") if c.params["chat_id"] == 666]
    assert len(parts) >= 3 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == long_text
    report = Document(filename="bao-cao.csv", content=b"service,people\nvneid_level2,3\n")
    await channel.send(Delivery(Address("telegram", "666"), Reply(document=report)))
    sent = await fake.wait_for("sendDocument", chat_id=666)
    file_id = sent.result["document"]["file_id"]
    assert fake.files[file_id].content == report.content
    assert fake.files[file_id].file_name == "bao-cao.csv"


async def test_blocked_user_is_logged_and_skipped(
    running: tuple[App, TelegramChannel, Sleeps], fake: FakeTelegram
) -> None:
    _, channel, _ = running
    fake.block_user(777)
    await channel.send(Delivery(Address("telegram", "777"), Reply(text="Xin chào")))
    refused = await fake.wait_for("sendMessage", chat_id=777)
    assert refused.status == 403
    fake.push_text(user_id=778, text="/help")
    assert await fake.wait_for("sendMessage", chat_id=778, ok=True)


async def test_restart_in_the_middle_of_a_conversation_continues(
    tg_settings: Settings, clock: FixedClock, fake: FakeTelegram
) -> None:
    first = build_app(tg_settings, clock=clock, migrate=False)
    channel = start_channel(first, fake, Sleeps())
    await channel.start_polling()
    fake.push_text(user_id=ADMIN_ID, text="/newteam")
    assert (await fake.wait_for("sendMessage", chat_id=ADMIN_ID)).params["text"] == vi(
        first, "team.ask_ward"
    )
    fake.push_text(user_id=ADMIN_ID, text="Phường Thanh Khê")
    await fake.wait_for("sendMessage", chat_id=ADMIN_ID)
    await channel.stop()
    first.close()

    second = build_app(tg_settings, clock=clock, migrate=False)
    channel = start_channel(second, fake, Sleeps())
    await channel.start_polling()
    try:
        fake.push_text(user_id=ADMIN_ID, text="Tổ 5")
        asked = await fake.wait_for("sendMessage", chat_id=ADMIN_ID)
        assert asked.params["text"] == vi(second, "team.ask_areas")
    finally:
        await channel.stop()
        second.close()


async def test_killed_process_continues_at_the_same_step(
    fake: FakeTelegram, sqlite_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": sqlite_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "BOT_ADMINS": f"telegram:{ADMIN_ID}",
    }

    def spawn() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    process = spawn()
    try:
        fake.push_text(user_id=ADMIN_ID, text="/newteam")
        await fake.wait_for("sendMessage", chat_id=ADMIN_ID, timeout=60)
        fake.push_text(user_id=ADMIN_ID, text="Phường Sơn Trà")
        name_question = await fake.wait_for("sendMessage", chat_id=ADMIN_ID, timeout=30)
        assert "Tổ 12" in name_question.params["text"]  # "Tên tổ là gì? (ví dụ: Tổ 12)"
    finally:
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait, 30)
    process = spawn()
    try:
        fake.push_text(user_id=ADMIN_ID, text="Tổ 3")
        areas = await fake.wait_for("sendMessage", chat_id=ADMIN_ID, timeout=60)
        assert "dấu phẩy" in areas.params["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        # The event loop must keep serving the fake while the bot shuts down.
        assert await asyncio.to_thread(process.wait, 30) == 0
