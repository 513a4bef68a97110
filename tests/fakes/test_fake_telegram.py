"""Self-test of FakeTelegram, driven through the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes import FakeTelegram
from tests.fakes.fake_telegram import decode_value

pytestmark = pytest.mark.e2e

TOKEN = "123:ABC"
USER = 111


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without it PTB 22.x warns (PTBDeprecationWarning) inside RetryAfter.__init__ itself,
    # which filterwarnings=error turns into the exception raised instead of RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, bot_username="tcns_test_bot") as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as client:
        yield client


def keyboard(data: str = "btn:1") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Một", callback_data=data)]])


def test_decode_value_follows_ptb_json_parameters() -> None:
    assert decode_value("chat_id", "111") == 111
    assert decode_value("chat_id", "-1001") == -1001
    assert decode_value("chat_id", "@channel") == "@channel"
    assert decode_value("disable_notification", "true") is True
    assert decode_value("reply_markup", '{"inline_keyboard": []}') == {"inline_keyboard": []}
    assert decode_value("allowed_updates", '["message"]') == ["message"]
    assert decode_value("text", "123") == "123"
    assert decode_value("text", "[1]") == "[1]"
    assert decode_value("caption", "true") == "true"
    assert decode_value("misc", "12 angry men") == "12 angry men"


async def test_get_me(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username, me.first_name) == (
        123,
        True,
        "tcns_test_bot",
        "TCNS Test",
    )
    assert me.can_join_groups is True
    assert me.supports_inline_queries is False
    assert fake.calls_of("getMe")


async def test_send_message_with_inline_keyboard_round_trips(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(USER, "12345", reply_markup=keyboard())
    again = await bot.send_message(USER, "Chào bạn", disable_notification=True)

    call = await fake.wait_for("sendMessage", chat_id=USER)
    assert call.params == {
        "chat_id": USER,
        "text": "12345",
        "reply_markup": {"inline_keyboard": [[{"text": "Một", "callback_data": "btn:1"}]]},
    }
    assert sent.text == "12345"
    assert sent.reply_markup == keyboard()
    assert sent.from_user is not None and sent.from_user.id == 123
    assert sent.chat.type == "private"
    assert again.message_id == sent.message_id + 1
    second = await fake.wait_for("sendmessage", where=lambda p: "Chào" in p["text"])
    assert second.params["disable_notification"] is True


async def test_text_length_and_markup_are_validated(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "x" * 4096)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER, "   ")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER, "hi", reply_markup=keyboard("x" * 65))
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(USER, "1 < 2", parse_mode=ParseMode.HTML)
    html = await bot.send_message(USER, "<b>1 &lt; 2</b>", parse_mode=ParseMode.HTML)
    assert html.text == "1 < 2"
    failed = fake.calls_of("sendMessage")[1]
    assert (failed.ok, failed.status) == (False, 400)


async def test_scripted_failures_surface_as_ptb_errors(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_next("sendMessage", error_code=429, retry_after=1)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    await bot.send_message(USER, "hi")  # only the next call failed

    fake.fail_next("sendMessage", error_code=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(USER, "hi")
    fake.fail_next("sendMessage", error_code=400, description="chat not found")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(USER, "hi")
    assert [c.status for c in fake.calls_of("sendMessage")] == [429, 200, 500, 400]


async def test_blocked_user_gets_forbidden(fake: FakeTelegram, bot: Bot) -> None:
    fake.block_user(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    await bot.send_message(222, "hi")
    fake.unblock_user(USER)
    await bot.send_message(USER, "hi")


async def test_bad_token_and_unknown_method(fake: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("999:WRONG", base_url=fake.base_url):
            pass  # Bot.initialize() calls getMe, which answers 401
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    assert [(c.method, c.status) for c in fake.calls[1:]] == [("getMe", 401), ("noSuchMethod", 404)]


async def test_get_updates_in_order_and_offset_confirms(fake: FakeTelegram, bot: Bot) -> None:
    first = fake.push_text(user_id=USER, text="/start abc")
    second = fake.push_text(user_id=USER, text="hello")
    third = fake.push_sticker(user_id=USER)

    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [first, second, third]
    command = updates[0].message
    assert command is not None and command.text == "/start abc"
    assert command.entities[0].type == "bot_command" and command.entities[0].length == 6
    assert updates[2].message is not None and updates[2].message.sticker is not None

    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first, second, third]
    assert [u.update_id for u in await bot.get_updates(offset=second, limit=1)] == [second]
    assert [u.update_id for u in await bot.get_updates(offset=third + 1)] == []

    fake.push_raw_again(second)  # duplicate delivery of a confirmed update
    assert [u.update_id for u in await bot.get_updates(offset=third + 1)] == [second]
    assert await bot.get_updates(offset=second + 1) == ()


async def test_long_poll_times_out_empty_and_wakes_on_push(fake: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3

    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await fake.wait_for_poller()
    update_id = fake.push_text(user_id=USER, text="wake up")
    updates = await asyncio.wait_for(poll, timeout=3)
    assert [u.update_id for u in updates] == [update_id]


async def test_allowed_updates_filter(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "pick", reply_markup=keyboard())
    fake.push_text(user_id=USER, text="ignored")
    query = fake.push_callback(user_id=USER, data="btn:1")
    updates = await bot.get_updates(allowed_updates=[Update.CALLBACK_QUERY])
    assert [u.update_id for u in updates] == [query]
    callback = updates[0].callback_query
    assert callback is not None and callback.data == "btn:1"
    assert isinstance(callback.message, Message) and callback.message.text == "pick"


async def test_second_poller_conflicts_the_first(fake: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await fake.wait_for_poller()
    # A second bot instance: one Bot's getUpdates connection pool holds a single connection.
    async with Bot(TOKEN, base_url=fake.base_url) as other:
        assert await other.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_send_document_records_upload(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_document(USER, b"a;b\n1;2\n", filename="report.csv", caption="Báo cáo")
    call = await fake.wait_for("sendDocument", chat_id=USER)
    assert call.params["document"]["filename"] == "report.csv"
    assert call.params["document"]["content"] == b"a;b\n1;2\n"
    assert call.params["caption"] == "Báo cáo"
    assert sent.document is not None and sent.document.file_name == "report.csv"
    assert sent.document.file_size == 8
    file = await bot.get_file(sent.document.file_id)
    assert await file.download_as_bytearray() == b"a;b\n1;2\n"

    photo = await bot.send_photo(USER, b"\x89PNG fake", filename="chart.png")
    assert photo.photo[-1].file_size == 9


async def test_commands_per_scope_and_language(fake: FakeTelegram, bot: Bot) -> None:
    commands = [BotCommand("start", "Bắt đầu"), BotCommand("help", "Trợ giúp")]
    await bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(), language_code="vi")
    await bot.set_my_commands([BotCommand("start", "Start")])
    got = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="vi")
    assert [c.command for c in got] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands()] == ["Start"]
    assert fake.commands_for({"type": "all_private_chats"}, "vi")[1]["command"] == "help"
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "bad")])


async def test_edit_and_delete_like_telegram(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(USER, "v1", reply_markup=keyboard())
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("v1", USER, sent.message_id, reply_markup=keyboard())
    edited = await bot.edit_message_text("v2", USER, sent.message_id)
    assert isinstance(edited, type(sent)) and edited.text == "v2"
    assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard("b"))
    assert await bot.delete_message(USER, sent.message_id) is True
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    assert await bot.send_chat_action(USER, "typing") is True

    # A press on a message the fake never saw: it is synthesized as a bot message.
    update_id = fake.push_callback(user_id=USER, data="old", message_id=50)
    query = fake.update(update_id)["callback_query"]
    assert query["message"]["message_id"] == 50 and query["message"]["from"]["is_bot"]
    assert await bot.answer_callback_query(query["id"]) is True
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query["id"])  # answered twice
    assert (await bot.edit_message_text("new", USER, 50)).message_id == 50  # type: ignore[union-attr]
    assert (await bot.send_message(USER, "next")).message_id == 51


async def test_rate_limit_with_injected_clock(fake: FakeTelegram, bot: Bot) -> None:
    now = [100.0]
    fake.rate_limit(per_chat_per_second=1, global_per_second=2, clock=lambda: now[0])
    await bot.send_message(USER, "a")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "b")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    await bot.send_message(222, "c")
    with pytest.raises(RetryAfter):
        await bot.send_message(333, "d")  # global window full
    now[0] += 1.0
    await bot.send_message(USER, "b")
    assert fake.calls_of("sendMessage")[-1].time == 101.0


async def test_wait_for_timeout_lists_calls(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "only this")
    with pytest.raises(TimeoutError, match="only this"):
        await fake.wait_for("sendMessage", timeout=0.05, chat_id=999)


async def test_real_application_polling_round_trip(fake: FakeTelegram) -> None:
    seen: list[int] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            f"start:{' '.join(context.args or [])}", reply_markup=keyboard("btn:go")
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        seen.append(update.update_id)
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("ok")
        await query.edit_message_text(f"pressed {query.data}")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .get_updates_read_timeout(2)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
        await app.start()

        fake.push_text(user_id=USER, text="/start abc", first_name="An", language_code="vi")
        reply = await fake.wait_for("sendMessage", chat_id=USER)
        assert reply.params["text"] == "start:abc"

        fake.push_callback(user_id=USER, data="btn:go", message_id=reply.result["message_id"])
        await fake.wait_for("answerCallbackQuery", text="ok")
        edit = await fake.wait_for("editMessageText", chat_id=USER)
        assert edit.params["text"] == "pressed btn:go" and edit.ok

        update_id = fake.push_text(user_id=USER, text="Xin chào")
        echoed = await fake.wait_for("sendMessage", chat_id=USER)
        assert echoed.params["text"] == "echo: Xin chào"
        assert "reply_parameters" not in echoed.params  # reply_text does not quote in private

        fake.push_raw_again(update_id)
        await fake.wait_for("sendMessage", where=lambda p: p["text"] == "echo: Xin chào")
        after = fake.push_text(user_id=USER, text="sau")
        await fake.wait_for("sendMessage", where=lambda p: p["text"] == "echo: sau")

        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
    assert seen == [update_id, update_id, after]
