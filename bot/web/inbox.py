"""Durable webhook acceptance: store the update before answering 200, replay leftovers on start.

Forgetting applied updates is batched: their ids ride along with the next update's insert
(one transaction instead of two per update), or go in groups of APPLIED_BATCH, and at stop.
An applied update still in the inbox after a crash is replayed harmlessly: the dispatcher
has recorded its update id and ignores it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel import Session

from bot.core.clock import Clock
from storage import inbox
from storage.db import Database

logger = logging.getLogger(__name__)
APPLIED_BATCH = 64
Process = Callable[[dict[str, Any], float], Awaitable[object]]


class WebhookInbox:
    """Keeps accepted webhook updates in the database until they are applied."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._applied: list[int] = []

    async def accept(self, channel: str, body: dict[str, Any]) -> int:
        """Store an update; raises when the database is unavailable (answer 5xx then)."""
        now = self.clock.now()
        done, self._applied = self._applied, []

        def work(session: Session) -> int:
            if done:
                inbox.done(session, done)
            return inbox.put(session, channel=channel, body=body, now=now)

        try:
            return await self.db.run_short(work)
        except Exception:
            self._applied.extend(done)
            raise

    async def applied(self, item_id: int) -> None:
        """Note that an update has been applied (forgotten with the next insert or batch)."""
        self._applied.append(item_id)
        if len(self._applied) >= APPLIED_BATCH:
            await self.flush()

    async def flush(self) -> None:
        """Forget every update noted as applied."""
        done, self._applied = self._applied, []
        if not done:
            return
        try:
            await self.db.run_short(lambda s: inbox.done(s, done))
        except Exception:
            self._applied.extend(done)
            raise

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
        await self.flush()
        if replayed:
            logger.info("Replayed %d webhook updates accepted before a restart", replayed)
        return replayed
