"""End to end: our Zalo client and channel against a fake Zalo Bot API, by polling and webhook."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.app import App, build_app
from bot.channels.botapi import BotApiError
from bot.channels.text import split_text
from bot.channels.zalo import ZaloChannel, ZaloClient, to_incoming
from bot.core.clock import FixedClock
from bot.core.messages import Address, Delivery, Document, Image, Kind, Reply
from bot.runtime import RunOptions, Runtime
from bot.settings import Settings
from tests.fakes import FakeTelegram
from tests.fakes.fake_zalo import FakeZalo, utf16_units

pytestmark = pytest.mark.e2e
ZALO_TOKEN = "3131:zalo-TEST-token"
TG_TOKEN = "4242:TEST-token"
USER = "e4ea2cd5189df1c3a88c"


class Sleeps:
    """Records the waits asked for instead of waiting (no sleeps in tests)."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(token=ZALO_TOKEN) as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def zalo(app: App, fake: FakeZalo, sleeps: Sleeps) -> AsyncIterator[ZaloChannel]:
    """The Zalo channel polling the fake with 1-second long polls."""
    client = ZaloClient(token=ZALO_TOKEN, base_url=fake.base_url, sleep=sleeps)
    channel = ZaloChannel(
        client=client,
        dispatcher=app.dispatcher,
        translations=app.parts.translations,
        poll_timeout=1,
        sleep=sleeps,
    )
    await channel.start_polling()
    try:
        yield channel
    finally:
        await channel.stop()


async def test_start_by_polling_gets_numbered_menu(
    app: App, fake: FakeZalo, zalo: ZaloChannel
) -> None:
    fake.push_text(USER, "/start", display_name="Chị Hoa")
    reply = await fake.wait_for("sendMessage", chat_id=USER)
    text = reply.params["text"]
    assert vi(app, "start.welcome.resident", name="Chị Hoa").splitlines()[0] in text
    assert "\n1. " in text and vi(app, "numbered.hint") in text
    assert fake.calls_of("deleteWebhook"), "polling must remove a webhook first"
    assert fake.calls_of("getUpdates")[0].params["timeout"] == "1"


async def test_numbered_options_round_trip_switches_language(
    app: App, fake: FakeZalo, zalo: ZaloChannel
) -> None:
    fake.push_text(USER, "/lang")
    menu = await fake.wait_for("sendMessage", chat_id=USER)
    assert "1. Tiếng Việt" in menu.params["text"] and "2. English" in menu.params["text"]
    fake.push_text(USER, "2")
    done = await fake.wait_for("sendMessage", chat_id=USER)
    english = app.parts.translations.get("en").text("lang.set")
    assert done.params["text"] == english


async def test_same_message_id_twice_has_one_effect(
    app: App, fake: FakeZalo, zalo: ZaloChannel
) -> None:
    first = fake.push_text(USER, "/lang", message_id="dup-0001")
    fake.push(first)
    fake.push_text(USER, "/help")
    menu = await fake.wait_for("sendMessage", chat_id=USER)
    assert menu.params["text"].startswith(vi(app, "lang.choose"))
    help_text = await fake.wait_for("sendMessage", chat_id=USER)
    assert vi(app, "help.intro.resident").splitlines()[0] in help_text.params["text"]
    assert sum(vi(app, "lang.choose") in t for t in fake.texts_to(USER)) == 1


async def test_429_403_and_5xx_are_retried_with_backoff_and_no_token_in_logs(
    app: App, fake: FakeZalo, zalo: ZaloChannel, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.fail_next("sendMessage", 429)
    fake.fail_next("sendMessage", 403)  # "Internal server error" in Zalo's error table
    fake.fail_next("sendMessage", 502)
    fake.push_text(USER, "/help")
    sent = await fake.wait_for("sendMessage", chat_id=USER)
    assert vi(app, "help.intro.resident").splitlines()[0] in sent.params["text"]
    codes = [c.error_code for c in fake.calls_of("sendMessage")]
    assert codes == [429, 403, 502, None]
    assert [c.params["action"] for c in fake.calls_of("sendChatAction")] == ["typing"]
    assert sleeps.asked[:3] == [1.0, 2.0, 4.0]
    assert ZALO_TOKEN not in caplog.text and ZALO_TOKEN.split(":")[1] not in caplog.text


async def test_long_text_is_split_at_2000_characters(
    app: App, fake: FakeZalo, zalo: ZaloChannel
) -> None:
    text = "\n".join(f"Dòng {i}: hướng dẫn cài đặt VNeID bước {i}" for i in range(200))
    assert len(text) > 4000
    await app.dispatcher.deliver([Delivery(Address("zalo", USER), Reply(text=text))])
    chunks = fake.texts_to(USER)
    assert len(chunks) >= 3 and all(len(chunk) <= 2000 for chunk in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())


async def test_emoji_heavy_text_is_split_in_utf16_units_at_line_breaks(
    app: App, fake: FakeZalo, zalo: ZaloChannel
) -> None:
    lines = [f"{'🎉👍📱' * 8} Bước {i}: mở VNeID ✅" for i in range(60)]
    text = "\n".join(lines) + "\n" + "👨‍👩‍👧" * 400  # and one line of family emoji (ZWJ)
    by_characters = split_text(text, 2000)
    assert max(utf16_units(part) for part in by_characters) > 2000, "Zalo would refuse these"
    await app.dispatcher.deliver([Delivery(Address("zalo", USER), Reply(text=text))])
    parts = fake.texts_to(USER)
    assert [c.error_code for c in fake.calls_of("sendMessage")] == [None] * len(parts)
    assert all(utf16_units(part) <= 2000 for part in parts) and len(parts) >= 3
    assert "".join("".join(parts).split()) == "".join(text.split())
    for part in parts:  # whole lines where a line fits; ZWJ sequences never cut
        assert part.split("\n")[0] in lines or part.startswith("👨‍👩‍👧")
        assert not part.startswith("\u200d") and not part.endswith("\u200d")


async def test_a_send_whose_answer_was_lost_is_not_repeated(
    app: App, fake: FakeZalo, zalo: ZaloChannel, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    fake.drop_next("sendMessage")  # Zalo took the message, then the connection broke
    delivery = Delivery(Address("zalo", USER), Reply(text="Tổ 12: 5 buổi hỗ trợ tuần này"))
    await zalo.send(delivery)
    [call] = fake.calls_of("sendMessage")
    assert call.ok and not call.answered
    assert fake.texts_to(USER) == ["Tổ 12: 5 buổi hỗ trợ tuần này"], "delivered once, not twice"
    assert sleeps.asked == []
    assert "not sent again" in caplog.text


async def test_a_timed_out_send_is_not_repeated_but_a_refused_connection_is_retried(
    fake: FakeZalo, sleeps: Sleeps
) -> None:
    hold = fake.hold("sendMessage")
    client = ZaloClient(token=ZALO_TOKEN, base_url=fake.base_url, sleep=sleeps, request_timeout=0.3)
    with pytest.raises(BotApiError) as timed_out:
        await client.send_message(USER, "Xin chào")
    assert timed_out.value.uncertain and sleeps.asked == []
    hold.release()
    await fake.wait_for("sendMessage", chat_id=USER)  # it did reach Zalo
    await client.close()
    with socket.socket() as probe:  # a port nobody listens on: the request never leaves
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    refused = ZaloClient(token=ZALO_TOKEN, base_url=closed, sleep=sleeps, max_attempts=3)
    with pytest.raises(BotApiError) as failed:
        await refused.send_message(USER, "Xin chào")
    await refused.close()
    assert failed.value.code == 0 and not failed.value.uncertain
    assert sleeps.asked == [1.0, 2.0]
    assert len(fake.calls_of("sendMessage")) == 1


async def test_media_get_the_text_only_reply_and_a_captioned_photo_is_read_as_its_caption(
    app: App, fake: FakeZalo, zalo: ZaloChannel
) -> None:
    fake.push_image(USER)
    answer = await fake.wait_for("sendMessage", chat_id=USER)
    assert answer.params["text"] == vi(app, "error.text_only")
    fake.push_sticker(USER)
    answer = await fake.wait_for("sendMessage", chat_id=USER)
    assert answer.params["text"] == vi(app, "error.text_only")
    fake.push_image(USER, caption="  /lang  ")  # a note sent together with a picture
    menu = await fake.wait_for("sendMessage", chat_id=USER)
    assert menu.params["text"].startswith(vi(app, "lang.choose"))


async def test_without_a_public_address_a_file_says_what_the_admin_must_set(
    app: App, fake: FakeZalo, zalo: ZaloChannel
) -> None:
    report = Reply(document=Document("bao-cao-thang-3.xlsx", b"PK..", caption="Báo cáo tháng 3"))
    chart = Reply(image=Image(b"\x89PNG", caption="Tổ 12: 8 tuần gần đây"))
    await app.dispatcher.deliver([Delivery(Address("zalo", USER), report, locale="vi")])
    await app.dispatcher.deliver([Delivery(Address("zalo", USER), chart, locale="vi")])
    file_note, image_note = fake.texts_to(USER)
    assert file_note == "Báo cáo tháng 3\n\n" + vi(
        app, "files.no_public_url", filename="bao-cao-thang-3.xlsx"
    )
    assert image_note == "Tổ 12: 8 tuần gần đây\n\n" + vi(app, "files.no_public_url_image")
    for note in (file_note, image_note):
        assert "PUBLIC_BASE_URL" in note and "web" not in note.replace("máy chủ web", "")
    assert not fake.calls_of("sendPhoto") and not fake.calls_of("sendDocument")


async def test_own_messages_coming_back_are_never_answered(app: App, sleeps: Sleeps) -> None:
    async with FakeZalo(token=ZALO_TOKEN, bot_id="b07e1d5aa0c9") as fake:
        client = ZaloClient(token=ZALO_TOKEN, base_url=fake.base_url, sleep=sleeps)
        channel = ZaloChannel(
            client=client,
            dispatcher=app.dispatcher,
            translations=app.parts.translations,
            poll_timeout=1,
            sleep=sleeps,
        )
        await channel.start_polling()
        try:
            assert fake.calls_of("getMe"), "the bot asks who it is at start"
            assert "b07e1d5aa0c9" in channel.own_ids
            fake.push_own_echo("/help", chat_id=USER)  # from.is_bot is False on this echo
            fake.push_text(USER, "/lang")
            menu = await fake.wait_for("sendMessage", chat_id=USER)
        finally:
            await channel.stop()
    assert menu.params["text"].startswith(vi(app, "lang.choose"))
    assert fake.texts_to(USER) == [menu.params["text"]]
    assert not [c for c in fake.calls if c.params.get("chat_id") == "b07e1d5aa0c9"]


def test_updates_map_to_the_neutral_model() -> None:
    fake = FakeZalo()
    text = fake.message_update("u1", text="xin chào", message_id="m1", chat_type="GROUP")
    incoming = to_incoming({"ok": True, "result": text})
    assert incoming is not None and incoming.kind is Kind.TEXT and incoming.is_group
    assert (incoming.update_id, incoming.key.channel, incoming.text) == ("m1", "zalo", "xin chào")
    assert to_incoming(text) == incoming
    odd = fake.message_update("u1", event_name="message.unsupported.received", message_id="m2")
    unsupported = to_incoming(odd)
    assert unsupported is not None and unsupported.kind is Kind.ATTACHMENT
    assert unsupported.attachment_kind == "unsupported"
    assert to_incoming({"ok": True, "result": {}}) is None
    assert to_incoming({"event_name": "message.text.received"}) is None
    echo = fake.message_update(fake.bot_id, text="/help", message_id="m3", chat_id="u1")
    assert echo["message"]["from"]["is_bot"] is False
    assert to_incoming(echo) is not None
    assert to_incoming(echo, frozenset({fake.bot_id})) is None, "the bot's own echo"
    photo = fake.message_update(
        "u1", event_name="message.image.received", message_id="m4",
        extra={"photo_url": "https://example.invalid/p.jpg", "caption": "Ghi chú: 3 người"},
    )  # fmt: skip
    noted = to_incoming(photo)
    assert noted is not None and (noted.kind, noted.text) == (Kind.TEXT, "Ghi chú: 3 người")


@pytest.fixture
async def telegram_fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TG_TOKEN) as server:
        yield server


async def test_polling_both_platforms_and_linking_one_person(
    settings: Settings, clock: FixedClock, fake: FakeZalo, telegram_fake: FakeTelegram
) -> None:
    both = (
        replace(settings)
        .with_channel("telegram", token=TG_TOKEN, api_base_url=telegram_fake.base_url)
        .with_channel("zalo", token=ZALO_TOKEN, api_base_url=fake.base_url)
    )
    core = build_app(both, clock=clock, migrate=False)
    options = RunOptions(telegram_poll_timeout=1, zalo_poll_timeout=1, sleep=Sleeps())
    runtime = Runtime(core, options)
    await runtime.start()
    try:
        assert runtime.server is None, "polling mode needs no web server"
        telegram_fake.push_text(user_id=555, text="/link")
        code_message = await telegram_fake.wait_for("sendMessage", chat_id=555)
        code = code_message.params["text"].split("/link ", 1)[1].split()[0]
        fake.push_text(USER, f"/link {code.lower()}")
        asked = await fake.wait_for("sendMessage", chat_id=USER)
        assert "Telegram" in asked.params["text"] and "2. " in asked.params["text"]
        fake.push_text(USER, "2")  # "Yes, my Telegram account" (1 is No)
        linked = await fake.wait_for("sendMessage", chat_id=USER)
        assert linked.params["text"] == vi(core, "link.done", channel="Zalo")
        fake.push_text(USER, "/notify zalo")
        chosen = await fake.wait_for("sendMessage", chat_id=USER)
        assert chosen.params["text"] == vi(core, "notify.set", channel="Zalo")
    finally:
        await runtime.stop()
        core.close()
