"""Durable acceptance: store an update before answering 200, replay leftovers on start.

An update is kept only until it is applied: `applying(item_id)` hands its inbox id to the
dispatcher (bot.core.applying), which deletes the row in the very transaction that applies
the update. Updates the bot ignores (no dispatcher run) are deleted right after. A row is left
only when processing failed or the process died: it is replayed at the next start, and the
daily cleanup removes what could never be applied (storage.retention).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlmodel import Session

from bot.core.applying import InboxTicket, current_ticket
from bot.core.clock import Clock
from storage import inbox
from storage.db import Database

logger = logging.getLogger(__name__)
Process = Callable[[dict[str, Any], float], Awaitable[object]]
Valid = Callable[[dict[str, Any]], bool]


class WebhookInbox:
    """Keeps accepted webhook and polled updates in the database until they are applied."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def accept(self, channel: str, body: dict[str, Any]) -> int:
        """Store an update; raises when the database is unavailable (answer 5xx then)."""
        now = self.clock.now()

        def work(session: Session) -> int:
            return inbox.put(session, channel=channel, body=body, now=now)

        return await self.db.run_short(work)

    @asynccontextmanager
    async def applying(self, item_id: int) -> AsyncIterator[InboxTicket]:
        """Process a stored update inside this block; its row is gone when the block ends
        normally (deleted with the update's own transaction, or here when nothing ran)."""
        ticket = InboxTicket(item_id)
        token = current_ticket.set(ticket)
        try:
            yield ticket
        finally:
            current_ticket.reset(token)
        if item_id and not ticket.consumed and not ticket.keep:
            await self.applied(item_id)

    async def applied(self, item_id: int) -> None:
        """Forget an update that was handled without a dispatcher run (ignored, refused)."""
        await self.db.run_short(lambda s: inbox.done(s, [item_id]))

    async def flush(self) -> None:
        """Nothing waits to be forgotten any more; kept for callers that stop the inbox."""

    async def replay(
        self, processors: dict[str, Process], received: float, valid: dict[str, Valid] | None = None
    ) -> int:
        """Apply updates accepted by an earlier process that died before applying them; a body
        that is not a valid update of its channel is dropped with a log line, never applied."""
        now = self.clock.now()
        items = await self.db.run(lambda s: inbox.pending(s, before=now))
        replayed = 0
        for item in items:
            process = processors.get(item.channel)
            if process is None or item.id is None:
                continue
            check = (valid or {}).get(item.channel)
            if check is not None and not check(dict(item.body)):
                logger.warning("Dropped a stored %s body that is not an update", item.channel)
                await self.applied(item.id)
                continue
            try:
                async with self.applying(item.id):
                    await process(dict(item.body), received)
            except Exception:
                logger.exception("Replaying a %s update from the inbox failed", item.channel)
                continue
            replayed += 1
        if replayed:
            logger.info("Replayed %d webhook updates accepted before a restart", replayed)
        return replayed
