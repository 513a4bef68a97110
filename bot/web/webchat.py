"""The web chat channel: replies kept for a browser's poll and a rate limiter; files it hands out
are kept in the bot's durable file store (bot.core.files), so any worker serves them."""

from __future__ import annotations

import re
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from bot.core.channel import ChannelCaps
from bot.core.dispatcher import Dispatcher
from bot.core.files import FileStore
from bot.core.messages import Delivery
from storage import web_pending

CHANNEL = "web"
CAPS = ChannelCaps(buttons=True, max_text=100_000)
BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_BROWSERS = 10_000


def valid_browser_id(value: object) -> bool:
    """Tell whether a browser id is 16-64 characters of A-Z, a-z, 0-9, _ and -."""
    return isinstance(value, str) and BROWSER_ID.fullmatch(value) is not None


class RateLimiter:
    """At most `limit` events per `window` seconds per key (sliding window, bounded key count)."""

    def __init__(
        self,
        *,
        limit: int = 20,
        window: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_BROWSERS,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        """Record one event for key; False when the key is over its limit (not recorded)."""
        now = self.clock()
        hits = self._hits.pop(key, None) or deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        self._hits[key] = hits
        while len(self._hits) > self.max_keys:
            self._hits.popitem(last=False)
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True


@dataclass
class _Answer:
    """The replies to one browser's request, collected while the dispatcher handles it."""

    browser_id: str
    deliveries: list[Delivery] = field(default_factory=list)


_ANSWERING: ContextVar[_Answer | None] = ContextVar("web_answering", default=None)


class WebChannel:
    """The sender of the web channel.

    Replies to a browser's own request go back in that request's answer; anything else for a
    browser (a volunteer's relayed answer, an escalation notice) waits in the database until
    the browser's next poll, whichever worker serves it.
    """

    def __init__(self, dispatcher: Dispatcher, files: FileStore) -> None:
        self.db = dispatcher.db
        self.clock = dispatcher.parts.clock
        self.settings = dispatcher.parts.settings
        self.files = files
        dispatcher.register_channel(CHANNEL, CAPS, self)

    @contextmanager
    def answering(self, browser_id: str) -> Iterator[list[Delivery]]:
        """Collect what is sent to this browser while its own request is being handled."""
        own = _Answer(browser_id)
        token = _ANSWERING.set(own)
        try:
            yield own.deliveries
        finally:
            _ANSWERING.reset(token)

    async def send(self, delivery: Delivery) -> None:
        """Hand a reply to the request being answered, or keep it for the browser's next poll."""
        browser_id = delivery.address.chat_id
        own = _ANSWERING.get()
        if own is not None and own.browser_id == browser_id:
            own.deliveries.append(delivery)
            return
        reply, now = await self.render(delivery), self.clock.now()
        await self.db.run_short(
            lambda s: web_pending.put(s, browser_id=browser_id, reply=reply, now=now)
        )

    async def take_waiting(self, browser_id: str) -> list[dict[str, Any]]:
        """Remove and return the replies kept for a browser, oldest first."""
        now = self.clock.now()
        return await self.db.run_short(
            lambda s: web_pending.take(s, browser_id=browser_id, now=now)
        )

    async def render(self, delivery: Delivery) -> dict[str, Any]:
        """Return the JSON shape of a reply: text, rows of buttons and downloadable files."""
        reply = delivery.reply
        files: list[dict[str, str]] = []
        for kind, item in (("document", reply.document), ("image", reply.image)):
            if item is None:
                continue
            token = (await self.files.save(item.content, item.filename)).token
            files.append(
                {
                    "kind": kind,
                    "name": item.filename,
                    "caption": item.caption,
                    "url": f"api/file/{token}",
                }
            )
        return {
            "text": reply.text,
            "lang": delivery.locale,
            "at": self.clock.now().isoformat(timespec="seconds"),
            "buttons": [
                [{"label": b.label, "payload": b.payload} for b in row] for row in reply.buttons
            ],
            "files": files,
        }
