"""Zalo Bot Platform: translates updates in (polling or webhook) and replies out, nothing more."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.channels.botapi import JSON, BotApiError
from bot.channels.text import split_text
from bot.channels.zalo.client import ZaloClient
from bot.core.channel import ChannelCaps, ChannelEnv, Sleep
from bot.core.dispatcher import Dispatcher
from bot.core.i18n import Translations
from bot.core.messages import ChatKey, Delivery, Incoming, Kind, Reply

logger = logging.getLogger(__name__)
CHANNEL = "zalo"
CAPS = ChannelCaps(buttons=False, max_text=2000)
MAX_ID_CHARS = 64
ATTACHMENT_EVENTS = {
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
    "message.voice.received": "voice",
    "message.unsupported.received": "unsupported",
}
Feed = Callable[[Incoming, float], Awaitable[object]]


def unwrap(body: object) -> JSON | None:
    """Return the ``{event_name, message}`` part of either envelope shape, or None."""
    if not isinstance(body, dict):
        return None
    inner = body.get("result")
    if isinstance(inner, dict) and "message" not in body:
        body = inner
    message = body.get("message")
    return body if isinstance(message, dict) else None


def _text_id(value: object) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) <= MAX_ID_CHARS:
        return text
    return hashlib.sha256(text.encode()).hexdigest()[:MAX_ID_CHARS]


def to_incoming(body: object) -> Incoming | None:
    """Translate a Zalo update (either envelope) into the neutral model; None when ignored."""
    update = unwrap(body)
    if update is None:
        return None
    message: JSON = update["message"]
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    assert isinstance(sender, dict) and isinstance(chat, dict)
    if sender.get("is_bot"):
        return None
    user_id = _text_id(sender.get("id"))
    chat_id = _text_id(chat.get("id")) or user_id
    if not user_id:
        return None
    message_id = _text_id(message.get("message_id"))
    if not message_id:
        raw = json.dumps(update, sort_keys=True, ensure_ascii=False)
        message_id = hashlib.sha256(raw.encode()).hexdigest()[:40]
    common: dict[str, Any] = {
        "key": ChatKey(CHANNEL, chat_id, user_id),
        "update_id": message_id,
        "message_id": message_id,
        "display_name": str(sender.get("display_name") or sender.get("first_name") or "")[:200],
        "is_group": str(chat.get("chat_type", "PRIVATE")).upper() != "PRIVATE",
    }
    event = str(update.get("event_name") or "")
    text = message.get("text")
    if event == "message.text.received" or (not event and isinstance(text, str)):
        return Incoming(kind=Kind.TEXT, text=str(text or ""), **common)
    kind = ATTACHMENT_EVENTS.get(event, "other")
    return Incoming(kind=Kind.ATTACHMENT, attachment_kind=kind, **common)


def _attachments(reply: Reply) -> list[tuple[str, str, str]]:
    """Return (file name, caption, note key) for the files Zalo cannot send."""
    found: list[tuple[str, str, str]] = []
    if reply.document is not None:
        found.append((reply.document.filename, reply.document.caption, "zalo.file_note"))
    if reply.image is not None:
        found.append((reply.image.filename, reply.image.caption, "zalo.image_note"))
    return found


def build(env: ChannelEnv) -> ZaloChannel:
    """Build the Zalo channel from the running bot's environment (the registry's factory)."""
    client = ZaloClient(token=env.config.token, base_url=env.config.api_base_url, sleep=env.sleep)
    return ZaloChannel(
        client=client,
        dispatcher=env.dispatcher,
        translations=env.translations,
        feed=env.feed,
        poll_timeout=int(env.poll_timeout),
        sleep=env.sleep,
        web_url=f"{env.public_url}/web/" if env.public_url else "",
    )


class ZaloChannel:
    """Receives Zalo updates by long polling or from the webhook and sends the replies."""

    def __init__(
        self,
        *,
        client: ZaloClient,
        dispatcher: Dispatcher,
        translations: Translations,
        feed: Feed | None = None,
        poll_timeout: int = 30,
        sleep: Sleep = asyncio.sleep,
        web_url: str = "",
    ) -> None:
        self.client = client
        self.translations = translations
        self.poll_timeout = poll_timeout
        self.web_url = web_url
        self._sleep = sleep
        self._feed: Feed = feed or (lambda incoming, _received: dispatcher.handle(incoming))
        self._poller: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        dispatcher.register_channel(CHANNEL, CAPS, self)

    async def start_webhook(self) -> None:
        """Nothing to prepare: updates arrive through `receive`."""

    async def register_webhook(self, url: str, secret: str) -> None:
        """Register the webhook URL and the secret Zalo sends back."""
        await self.client.set_webhook(url, secret)
        logger.info("Zalo webhook registered")

    async def receive(self, body: object, received: float | None = None) -> bool:
        """Process one raw update; return False when it was ignored."""
        incoming = to_incoming(body)
        if incoming is None:
            logger.debug("Ignored a Zalo update without a usable message")
            return False
        await self._feed(incoming, time.monotonic() if received is None else received)
        return True

    async def send(self, delivery: Delivery) -> None:
        """Send one reply as text chunks of 2000 characters; files become a localized note."""
        catalog = self.translations.get(delivery.locale)
        reply = delivery.reply
        parts: list[str] = []
        for name, caption, key in _attachments(reply):
            parts.append(caption)
            parts.append(catalog.text(key, filename=name))
            if self.web_url:
                parts.append(catalog.text("zalo.web_chat", url=self.web_url))
        parts.append(reply.text)
        text = "\n\n".join(part for part in parts if part.strip())
        if not text:
            return
        for chunk in split_text(text, CAPS.max_text):
            await self.client.send_message(delivery.address.chat_id, chunk)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, update: JSON, received: float) -> None:
        try:
            await self.receive(update, received)
        except Exception:
            logger.exception("Processing a Zalo update failed")

    async def _poll(self) -> None:
        delay = 1.0
        while True:
            try:
                update = await self.client.get_update(self.poll_timeout)
            except BotApiError as error:
                logger.warning("Zalo getUpdates failed (%d), waiting %.0f s", error.code, delay)
                await self._sleep(delay)
                delay = min(delay * 2, 60.0)
                continue
            delay = 1.0
            if update is not None:
                self._spawn(self._process(update, time.monotonic()))

    async def start_polling(self) -> None:
        """Remove any webhook (Zalo refuses getUpdates while one is set) and start long polling."""
        await self.client.delete_webhook()
        self._poller = asyncio.create_task(self._poll(), name="zalo-poller")
        logger.info("Zalo polling started")

    async def stop(self) -> None:
        """Stop polling, let updates in progress finish, and close the HTTP session."""
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.client.close()
