"""Telegram through python-telegram-bot 22: translates updates in and replies out, nothing more."""

from __future__ import annotations

import asyncio
import logging
import os
import time
import warnings
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

# Opt in to PTB 22's timedelta retry_after (otherwise every 429 emits a deprecation warning).
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import (
    BotCommand,
    BotCommandScopeDefault,
    InputFile,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot.channels.telegram.request import AiohttpRequest
from bot.channels.text import split_text
from bot.core.channel import ChannelCaps, ChannelEnv, Feed
from bot.core.commands import platform_menu
from bot.core.dispatcher import Dispatcher
from bot.core.i18n import Translations
from bot.core.messages import ChatKey, Delivery, Incoming, Kind, Reply
from bot.settings import SUPPORTED_LOCALES

logger = logging.getLogger(__name__)
# TelegramChannel._post uses do_api_request for sendMessage, which PTB also has typed; PTB suggests the
# typed method each time. Installed once here (a catch_warnings per call is not task-safe).
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning)
CHANNEL = "telegram"
CAPS = ChannelCaps(buttons=True, max_text=4096)
MAX_CALLBACK_BYTES = 64
MAX_ATTEMPTS = 6
# PTB's default is one connection with a 1 s pool wait: under a burst of replies most sends
# then failed with "pool timeout" and backed off (load_webhook: 1,500 retries for 2,000
# updates). Eight connections did best in load_webhook (32 cost more pool bookkeeping).
CONNECTIONS = 8
Sleep = Callable[[float], Awaitable[None]]
# PTB's and httpx's DEBUG output carries the bot token (in URLs) and raw messages: never let it out.
QUIET_LIBRARY_LOGGERS = ("telegram", "httpx", "httpcore")


def to_incoming(update: Update) -> Incoming | None:
    """Translate a PTB update into the neutral model; None for updates the bot ignores."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    key = ChatKey(CHANNEL, str(chat.id), str(user.id))
    common: dict[str, Any] = {
        "key": key,
        "update_id": str(update.update_id),
        "display_name": user.full_name or "",
        "language_code": user.language_code or "",
        "is_group": chat.type != "private",
    }
    if update.callback_query is not None:
        return Incoming(kind=Kind.BUTTON, payload=update.callback_query.data or "", **common)
    message = update.message
    if message is None:
        return None
    common["message_id"] = str(message.message_id)
    if message.text is not None:
        return Incoming(kind=Kind.TEXT, text=message.text, **common)
    kind = next(
        (
            name
            for name in ("photo", "sticker", "document", "voice", "video", "audio", "location")
            if getattr(message, name, None)
        ),
        "other",
    )
    return Incoming(kind=Kind.ATTACHMENT, attachment_kind=kind, **common)


async def accept_update(update: Update) -> Incoming | None:
    """Stop a pressed button's spinner and translate the update (None for ignored updates)."""
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:
            logger.warning("Could not answer callback query %s", update.update_id)
    incoming = to_incoming(update)
    if incoming is None:
        logger.debug("Ignored Telegram update %s", update.update_id)
    return incoming


def keyboard(reply: Reply) -> dict[str, Any] | None:
    """Translate reply buttons into an inline keyboard (payloads must fit Telegram's 64 bytes).

    Built as the Bot API's JSON directly: PTB's InlineKeyboardMarkup objects cost more to
    build and serialise than the rest of the send (measured in benchmarks/log_bench.py).
    """
    if not reply.buttons:
        return None
    rows = []
    for row in reply.buttons:
        cells = []
        for button in row:
            if len(button.payload.encode()) > MAX_CALLBACK_BYTES:
                raise ValueError(f"button payload over 64 bytes: {button.payload!r}")
            cells.append({"text": button.label, "callback_data": button.payload})
        rows.append(cells)
    return {"inline_keyboard": rows}


def build(env: ChannelEnv) -> TelegramChannel:
    """Build the Telegram channel from the running bot's environment (the registry's factory)."""

    def remember(username: str) -> None:
        env.links.telegram_username = env.links.telegram_username or username

    return TelegramChannel(
        token=env.config.token,
        base_url=env.config.api_base_url,
        dispatcher=env.dispatcher,
        translations=env.translations,
        poll_timeout=env.poll_timeout,
        sleep=env.sleep,
        on_username=remember,
        feed=env.feed,
    )


class TelegramChannel:
    """Runs a PTB Application (long polling or webhook bodies) and sends the dispatcher's replies."""

    def __init__(
        self,
        *,
        token: str,
        base_url: str,
        dispatcher: Dispatcher,
        translations: Translations,
        poll_timeout: float = 30,
        sleep: Sleep = asyncio.sleep,
        on_username: Callable[[str], None] | None = None,
        request: BaseRequest | None = None,
        feed: Feed | None = None,
    ) -> None:
        for name in QUIET_LIBRARY_LOGGERS:
            library_logger = logging.getLogger(name)
            library_logger.setLevel(max(library_logger.getEffectiveLevel(), logging.INFO))
        self.dispatcher = dispatcher
        self._feed: Feed = feed or (lambda incoming, _received: dispatcher.handle(incoming))
        self.translations = translations
        self.poll_timeout = poll_timeout
        self._sleep = sleep
        self._on_username = on_username
        file_url = base_url.rstrip("/")
        file_url = file_url[: -len("/bot")] + "/file/bot" if file_url.endswith("/bot") else file_url
        self.app: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(file_url)
            .concurrent_updates(64)
            .request(request or AiohttpRequest(connections=CONNECTIONS))
            .get_updates_request(AiohttpRequest(connections=1, read_timeout=10.0))
            .build()
        )
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)
        dispatcher.register_channel(CHANNEL, CAPS, self)

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = await accept_update(update)
        if incoming is not None:
            await self._feed(incoming, time.monotonic())

    def is_update(self, body: dict[str, Any]) -> bool:
        """Tell whether a body is a Bot API update: an integer update_id and one object."""
        update_id = body.get("update_id")
        return (
            isinstance(update_id, int)
            and not isinstance(update_id, bool)
            and any(isinstance(v, dict) for k, v in body.items() if k != "update_id")
        )

    async def receive(self, body: dict[str, Any], received: float) -> bool:
        """Turn one webhook body into an update, answer a button press, and feed it."""
        incoming = await accept_update(Update.de_json(body, self.app.bot))
        if incoming is None:
            return False
        await self._feed(incoming, received)
        return True

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("Telegram update failed: %s", context.error, exc_info=context.error)

    async def send(self, delivery: Delivery) -> None:
        """Send one reply: split long text, wait out 429s, skip users who blocked the bot."""
        chat_id = int(delivery.address.chat_id)
        reply = delivery.reply
        bot = self.app.bot
        if reply.document is not None:
            doc = reply.document
            await self._call(
                lambda: bot.send_document(
                    chat_id,
                    InputFile(doc.content, filename=doc.filename),
                    caption=doc.caption[:1024] or None,
                )
            )
        if reply.image is not None:
            image = reply.image
            await self._call(
                lambda: bot.send_photo(
                    chat_id,
                    InputFile(image.content, filename=image.filename),
                    caption=image.caption[:1024] or None,
                )
            )
        if not reply.text:
            return
        chunks = split_text(reply.text, CAPS.max_text)
        markup = keyboard(reply)
        for index, chunk in enumerate(chunks):
            extra = {"reply_markup": markup if index == len(chunks) - 1 else None}
            await self._call(partial(self._post, "sendMessage", chat_id, chunk, extra))

    async def _post(self, method: str, chat_id: int, text: str, extra: dict[str, Any]) -> None:
        """Call a Bot API text method with plain JSON, through PTB's request and error mapping.

        The typed ``bot.send_message`` also builds a Message object from every answer, which
        we never read; this path skips that (about a third of the cost of a send).
        """
        data = {"chat_id": chat_id, "text": text, **extra}
        await self.app.bot.do_api_request(method, api_kwargs=data)

    async def _call(self, request: Callable[[], Awaitable[object]]) -> None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                await request()
                return
            except RetryAfter as exc:
                delay = exc.retry_after
                seconds = delay if isinstance(delay, int | float) else delay.total_seconds()
                logger.warning("Telegram 429, waiting %.1f s (attempt %d)", seconds, attempt)
                await self._sleep(float(seconds))
            except Forbidden:
                logger.info("User blocked the bot; message skipped")
                return
            except BadRequest:
                logger.exception("Telegram refused a message")
                return
            except (TimedOut, NetworkError) as exc:
                logger.warning("Telegram network error (attempt %d): %r", attempt, exc)
                await self._sleep(min(2.0**attempt, 30.0))
        logger.error("Giving up on a Telegram message after %d attempts", MAX_ATTEMPTS)

    async def set_commands(self) -> None:
        """Set the command menu (from the command declarations) in Vietnamese and English."""
        for lang in SUPPORTED_LOCALES:
            catalog = self.translations.get(lang)
            declared = platform_menu(self.dispatcher.router, catalog)
            commands = [BotCommand(name, text[:256]) for name, text in declared]
            await self.app.bot.set_my_commands(
                commands,
                scope=BotCommandScopeDefault(),
                language_code=None if lang == "vi" else lang,
            )

    async def prepare(self) -> None:
        """Initialize the bot (getMe), report its username and set the command menu."""
        await self.app.initialize()
        if self._on_username is not None and self.app.bot.username:
            self._on_username(self.app.bot.username)
        try:
            await self.set_commands()
        except TelegramError:
            logger.warning("Could not set the command menu", exc_info=True)

    async def start_webhook(self) -> None:
        """Prepare the bot; updates arrive through `receive`."""
        await self.prepare()

    async def register_webhook(self, url: str, secret: str) -> None:
        """Point Telegram at our webhook URL with the secret it must send back."""
        await self.app.bot.set_webhook(
            url=url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        logger.info("Telegram webhook registered")

    async def start_polling(self) -> None:
        """Prepare the bot and start long polling."""
        await self.prepare()
        assert self.app.updater is not None
        await self.app.updater.start_polling(
            poll_interval=0, timeout=int(self.poll_timeout), allowed_updates=Update.ALL_TYPES
        )
        await self.app.start()
        logger.info("Telegram polling started as @%s", self.app.bot.username)

    async def stop(self) -> None:
        """Stop polling and shut the application down."""
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
