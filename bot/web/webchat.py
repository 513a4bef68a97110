"""The web chat channel: an in-memory outbox per browser, a rate limiter and a small file store."""

from __future__ import annotations

import re
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.core.channel import ChannelCaps
from bot.core.dispatcher import Dispatcher
from bot.core.messages import Delivery

CHANNEL = "web"
CAPS = ChannelCaps(buttons=True, max_text=100_000)
BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_BROWSERS = 10_000
OUTBOX_SIZE = 50


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


@dataclass(frozen=True)
class StoredFile:
    """A document or picture kept in memory for its browser to download."""

    browser_id: str
    filename: str
    content: bytes
    kind: str


class FileStore:
    """The latest files sent to web users, bounded by count and total size."""

    def __init__(self, *, max_files: int = 64, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_files = max_files
        self.max_bytes = max_bytes
        self._files: OrderedDict[str, StoredFile] = OrderedDict()

    def add(self, stored: StoredFile) -> str:
        """Keep a file and return its unguessable token."""
        token = secrets.token_urlsafe(18)
        self._files[token] = stored
        while len(self._files) > self.max_files or (
            len(self._files) > 1
            and sum(len(f.content) for f in self._files.values()) > self.max_bytes
        ):
            self._files.popitem(last=False)
        return token

    def get(self, token: str) -> StoredFile | None:
        """Return a kept file, if it was not evicted."""
        return self._files.get(token)


class Outbox:
    """Deliveries waiting for a browser, at most OUTBOX_SIZE per browser and MAX_BROWSERS ids."""

    def __init__(self) -> None:
        self._boxes: OrderedDict[str, deque[Delivery]] = OrderedDict()

    def put(self, browser_id: str, delivery: Delivery) -> None:
        """Queue a delivery (the oldest is dropped when the box is full)."""
        box = self._boxes.pop(browser_id, None) or deque(maxlen=OUTBOX_SIZE)
        box.append(delivery)
        self._boxes[browser_id] = box
        while len(self._boxes) > MAX_BROWSERS:
            self._boxes.popitem(last=False)

    def take(self, browser_id: str, wanted: Iterable[Delivery]) -> list[Delivery]:
        """Remove and return those of `wanted` still queued for the browser, in queue order."""
        box = self._boxes.get(browser_id)
        if not box:
            return []
        ids = {id(d) for d in wanted}
        taken = [d for d in box if id(d) in ids]
        if taken:
            kept = [d for d in box if id(d) not in ids]
            box.clear()
            box.extend(kept)
        return taken

    def drain(self, browser_id: str) -> list[Delivery]:
        """Remove and return everything queued for the browser."""
        box = self._boxes.pop(browser_id, None)
        return list(box) if box else []


class WebChannel:
    """The sender of the web channel: replies wait in the outbox until a request takes them."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.outbox = Outbox()
        self.files = FileStore()
        dispatcher.register_channel(CHANNEL, CAPS, self)

    async def send(self, delivery: Delivery) -> None:
        """Queue a reply for its browser."""
        self.outbox.put(delivery.address.chat_id, delivery)

    def render(self, delivery: Delivery) -> dict[str, Any]:
        """Return the JSON shape of a reply: text, rows of buttons and downloadable files."""
        reply = delivery.reply
        files: list[dict[str, str]] = []
        browser = delivery.address.chat_id
        for kind, item in (("document", reply.document), ("image", reply.image)):
            if item is None:
                continue
            token = self.files.add(StoredFile(browser, item.filename, item.content, kind))
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
            "buttons": [
                [{"label": b.label, "payload": b.payload} for b in row] for row in reply.buttons
            ],
            "files": files,
        }
