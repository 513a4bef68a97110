"""Zalo Bot Platform: translates updates in (polling or webhook) and replies out, nothing more.

In: a text is a text; a photo with a caption is read as its caption (a volunteer's note with a
picture); other media become an attachment (the polite "text only" answer). Updates sent by
the bot itself (Zalo may deliver the bot's own sends back) are dropped whatever `is_bot` says:
the bot's id comes from getMe at start.

Out: texts are split so that no part exceeds 2,000 UTF-16 code units. Zalo takes no uploads,
so a document is kept in the file store and sent as an unguessable, expiring link together
with its caption (the key figures); a picture goes out with sendPhoto by the same kind of
link. Without a public address (PUBLIC_BASE_URL) the message says what the admin must set.

Polling is as durable as the webhook: an update read with getUpdates is stored in the inbox
before it is processed and replayed at the next start if the process dies in between.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels.botapi import JSON, BotApiError
from bot.channels.text import split_text, utf16_length
from bot.channels.zalo.client import ZaloClient
from bot.core.channel import ChannelCaps, ChannelEnv, Inbox, Sleep
from bot.core.dispatcher import Dispatcher
from bot.core.files import FileLink, FileStore
from bot.core.i18n import Catalog, Translations
from bot.core.messages import ChatKey, Delivery, Document, Image, Incoming, Kind
from domain.jsonsafe import TooDeep, clean_json

logger = logging.getLogger(__name__)
CHANNEL = "zalo"
MAX_UNITS = 2000
CAPS = ChannelCaps(buttons=False, max_text=MAX_UNITS)
MAX_ID_CHARS = 64
IMAGE_EVENT = "message.image.received"
ATTACHMENT_EVENTS = {
    IMAGE_EVENT: "photo",
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


def to_incoming(body: object, own_ids: frozenset[str] = frozenset()) -> Incoming | None:
    """Translate a Zalo update (either envelope) into the neutral model; None when ignored.

    own_ids: the bot's own account ids; updates from them are the bot's echo and are ignored.
    """
    update = unwrap(body)
    if update is None:
        return None
    message: JSON = update["message"]
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    assert isinstance(sender, dict) and isinstance(chat, dict)
    user_id = _text_id(sender.get("id"))
    if sender.get("is_bot") or (user_id and user_id in own_ids):
        return None
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
    caption = message.get("caption")
    if event == IMAGE_EVENT and isinstance(caption, str) and caption.strip():
        return Incoming(kind=Kind.TEXT, text=caption.strip(), **common)
    kind = ATTACHMENT_EVENTS.get(event, "other")
    return Incoming(kind=Kind.ATTACHMENT, attachment_kind=kind, **common)


def split_units(text: str) -> list[str]:
    """Split a text into Zalo messages of at most 2,000 UTF-16 code units."""
    return split_text(text, MAX_UNITS, utf16_length)


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
        files=env.files,
        inbox=env.inbox,
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
        files: FileStore | None = None,
        inbox: Inbox | None = None,
    ) -> None:
        self.client = client
        self.translations = translations
        self.poll_timeout = poll_timeout
        self.files = files
        self.inbox = inbox
        self.timezone: ZoneInfo = dispatcher.parts.settings.timezone
        token_id = client.token_id
        self.own_ids: frozenset[str] = frozenset({token_id} if token_id else ())
        self._sleep = sleep
        self._feed: Feed = feed or (lambda incoming, _received: dispatcher.handle(incoming))
        self._poller: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        dispatcher.register_channel(CHANNEL, CAPS, self)

    # ------------------------------------------------------------------ start

    async def introduce(self) -> None:
        """Ask Zalo who the bot is (getMe) so that its own messages are never answered."""
        try:
            me = await self.client.get_me()
        except BotApiError as error:
            logger.warning("Zalo getMe failed (%d); using the id in the token", error.code)
            return
        own = _text_id(me.get("id"))
        if own:
            self.own_ids = self.own_ids | {own}
        logger.info("Zalo bot is %s", str(me.get("account_name") or "?")[:64])

    async def start_webhook(self) -> None:
        """Learn the bot's own id; updates then arrive through `receive`."""
        await self.introduce()

    async def register_webhook(self, url: str, secret: str) -> None:
        """Register the webhook URL and the secret Zalo sends back."""
        await self.client.set_webhook(url, secret)
        logger.info("Zalo webhook registered")

    async def start_polling(self) -> None:
        """Learn the bot's id, remove any webhook (Zalo refuses getUpdates while one is set),
        apply the polled updates a dead process left in the inbox, then start long polling."""
        await self.introduce()
        await self.client.delete_webhook()
        if self.inbox is not None:
            await self.inbox.replay(
                {CHANNEL: self.receive}, time.monotonic(), {CHANNEL: self.is_update}
            )
        self._poller = asyncio.create_task(self._poll(), name="zalo-poller")
        logger.info("Zalo polling started")

    # ------------------------------------------------------------------ in

    def is_update(self, body: dict[str, Any]) -> bool:
        """Tell whether a body is a Zalo update (either envelope, with a message object)."""
        return unwrap(body) is not None

    async def receive(self, body: object, received: float | None = None) -> bool:
        """Process one raw update; return False when it was ignored."""
        incoming = to_incoming(body, self.own_ids)
        if incoming is None:
            logger.debug("Ignored a Zalo update without a usable message or from the bot itself")
            return False
        if not incoming.is_group or incoming.command:
            await self._typing(incoming.key.chat_id)
        await self._feed(incoming, time.monotonic() if received is None else received)
        return True

    async def _typing(self, chat_id: str) -> None:
        """Show "typing…" while the answer is prepared; a failure only costs the indicator."""
        try:
            await self.client.send_typing(chat_id)
        except BotApiError as error:
            logger.debug("Zalo sendChatAction failed (%d)", error.code)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _store(self, update: JSON) -> int:
        """Keep a polled update in the inbox before processing it; 0 when it could not be."""
        if self.inbox is None:
            return 0
        try:
            return await self.inbox.accept(CHANNEL, update)
        except Exception:
            logger.warning("Could not store a polled Zalo update in the inbox")
            return 0

    async def _process(self, update: JSON, received: float, item_id: int) -> None:
        try:
            if self.inbox is not None and item_id:
                async with self.inbox.applying(item_id):
                    await self.receive(update, received)
            else:
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
            if update is not None and not self.is_update(update):
                logger.warning("Dropped a polled Zalo body that is not an update")
            elif update is not None:
                received = time.monotonic()
                try:  # no NUL reaches the inbox (PostgreSQL refuses it), no absurd nesting
                    update = clean_json(update)
                except TooDeep:
                    logger.warning("Dropped a Zalo update nested too deeply")
                    continue
                item_id = await self._store(update)
                self._spawn(self._process(update, received, item_id))

    # ------------------------------------------------------------------ out

    async def send(self, delivery: Delivery) -> None:
        """Send one reply: files as links, pictures by URL, texts in 2,000-unit parts."""
        catalog = self.translations.get(delivery.locale)
        chat_id, reply = delivery.address.chat_id, delivery.reply
        if reply.document is not None:
            await self._send_document(chat_id, reply.document, catalog)
        if reply.image is not None:
            await self._send_image(chat_id, reply.image, catalog)
        if reply.text.strip():
            await self._send_text(chat_id, reply.text)

    async def _send_text(self, chat_id: str, text: str) -> None:
        for part in split_units(text):
            try:
                await self.client.send_message(chat_id, part)
            except BotApiError as error:
                if not error.uncertain:
                    raise
                # Zalo may have delivered it: sending it again could show it twice.
                logger.warning("A Zalo message got no answer (%s); not sent again", error)

    async def _link(self, content: bytes, filename: str) -> FileLink | None:
        """Keep a file for download; None when the bot has no public address for the link."""
        if self.files is None or not self.files.public_base_url:
            return None
        return await self.files.save(content, filename)

    def _link_text(self, catalog: Catalog, link: FileLink, filename: str) -> str:
        local = link.expires_at.astimezone(self.timezone)
        return catalog.text(
            "files.link",
            filename=filename,
            url=link.url,
            time=local.strftime("%H:%M"),
            date=local.strftime("%d/%m/%Y"),
        )

    async def _send_document(self, chat_id: str, document: Document, catalog: Catalog) -> None:
        link = await self._link(document.content, document.filename)
        note = (
            catalog.text("files.no_public_url", filename=document.filename)
            if link is None
            else self._link_text(catalog, link, document.filename)
        )
        await self._send_text(chat_id, "\n\n".join(p for p in (document.caption, note) if p))

    async def _send_image(self, chat_id: str, image: Image, catalog: Catalog) -> None:
        link = await self._link(image.content, image.filename)
        if link is None:
            note = catalog.text("files.no_public_url_image")
            await self._send_text(chat_id, "\n\n".join(p for p in (image.caption, note) if p))
            return
        fits = utf16_length(image.caption) <= MAX_UNITS
        try:
            await self.client.send_photo(chat_id, link.url, image.caption if fits else "")
        except BotApiError as error:
            if error.uncertain:
                logger.warning("A Zalo photo got no answer (%s); not sent again", error)
                return
            logger.warning("Zalo refused a photo (%d); sending its link instead", error.code)
            text = "\n\n".join(
                p for p in (image.caption, self._link_text(catalog, link, image.filename)) if p
            )
            await self._send_text(chat_id, text)
            return
        if not fits:
            await self._send_text(chat_id, image.caption)

    # ------------------------------------------------------------------ stop

    async def stop(self) -> None:
        """Stop polling, let updates in progress finish, and close the HTTP session."""
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.client.close()
