"""Durable webhook acceptance: store the update before answering 200, replay leftovers on start."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.clock import Clock
from storage import inbox
from storage.db import Database

logger = logging.getLogger(__name__)
Process = Callable[[dict[str, Any], float], Awaitable[object]]


class WebhookInbox:
    """Keeps accepted webhook updates in the database until they are applied."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def accept(self, channel: str, body: dict[str, Any]) -> int:
        """Store an update; raises when the database is unavailable (answer 5xx then)."""
        now = self.clock.now()
        return await self.db.run_short(lambda s: inbox.put(s, channel=channel, body=body, now=now))

    async def applied(self, item_id: int) -> None:
        """Forget an update that has been applied."""
        await self.db.run_short(lambda s: inbox.done(s, item_id))

    async def replay(self, processors: dict[str, Process], received: float) -> int:
        """Apply updates accepted by an earlier process that died before applying them."""
        now = self.clock.now()
        items = await self.db.run(lambda s: inbox.pending(s, before=now))
        replayed = 0
        for item in items:
            process = processors.get(item.channel)
            if process is None or item.id is None:
                continue
            try:
                await process(dict(item.body), received)
            except Exception:
                logger.exception("Replaying a %s update from the inbox failed", item.channel)
                continue
            await self.applied(item.id)
            replayed += 1
        if replayed:
            logger.info("Replayed %d webhook updates accepted before a restart", replayed)
        return replayed
