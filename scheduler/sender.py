"""Sends claimed outbox rows through the channels, paced, marking each row sent only when accepted.

The dispatcher's `deliver` logs and swallows channel errors, so this module calls the channel
senders the dispatcher registered directly: a failed send must leave the row unsent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import Session

from bot.channels.registry import channel_names
from bot.core.clock import Clock
from bot.core.dispatcher import Dispatcher
from bot.core.messages import Address, Delivery, Image, Reply
from handlers.faq.contacts import private_address
from scheduler.config import SchedulerConfig
from scheduler.pacing import Pacer
from storage import links, outbox
from storage.db import Database
from storage.outbox import OutboxItem

logger = logging.getLogger(__name__)


class ChannelUnavailable(RuntimeError):
    """No sender is registered for the recipient's channel (yet)."""


class Transport(Protocol):
    """Delivers one message and raises when the channel did not accept it."""

    async def send(self, delivery: Delivery) -> None: ...


class DispatcherTransport:
    """Sends through the channel senders registered on the dispatcher, surfacing failures."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher

    async def send(self, delivery: Delivery) -> None:
        """Send one delivery; raise ChannelUnavailable when its channel has no sender."""
        sender = self.dispatcher.senders.get(delivery.address.channel)
        if sender is None:
            raise ChannelUnavailable(f"no sender for channel {delivery.address.channel}")
        await sender.send(delivery)


@dataclass
class SendStats:
    """What one sending run did."""

    sent: int = 0
    parts: int = 0
    retried: int = 0
    failed: int = 0
    throttled: int = 0


def retry_after_of(error: BaseException) -> float | None:
    """Return the server's retry_after in seconds when the error carries one (a 429)."""
    value = getattr(error, "retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def resolve(session: Session, items: list[OutboxItem]) -> dict[int, Address]:
    """Return where each row goes: the person's chosen channel, or the linked group chat."""
    found: dict[int, Address] = {}
    contacts = links.contact_identities(
        session, sorted({i.person_id for i in items if i.person_id is not None}), channel_names()
    )
    for item in items:
        kind, _, rest = item.recipient.partition("#")[0].partition(":")
        if kind == "g":
            channel, _, chat = rest.partition(":")
            found[item.id] = Address(channel, chat)
        elif item.person_id is not None and item.person_id in contacts:
            found[item.id] = private_address(contacts[item.person_id])
    return found


def parts_of(item: OutboxItem) -> list[Reply]:
    """Return the messages of a row, one API call each: the image first, then the texts."""
    replies: list[Reply] = []
    if item.image:
        caption = str(item.payload.get("caption", ""))
        replies.append(Reply(image=Image(item.image, caption=caption, filename="digest.png")))
    replies += [Reply(text=str(text)) for text in item.payload.get("texts", []) if text]
    return replies


class OutboxSender:
    """Claims due rows and sends them concurrently within the pacer's limits."""

    def __init__(
        self,
        *,
        db: Database,
        transport: Transport,
        pacer: Pacer,
        config: SchedulerConfig,
        holder: str,
        clock: Clock,
    ) -> None:
        self.db, self.transport, self.pacer = db, transport, pacer
        self.config, self.holder, self.clock = config, holder, clock
        self._sweep_now = clock.now()
        self._sending = asyncio.Semaphore(config.concurrent_sends)
        self.stopping = False

    def _moment(self) -> datetime:
        """Return now, never earlier than the sweep's own `now` (tests may pass a later one)."""
        return max(self._sweep_now, self.clock.now())

    async def send_due(
        self, now: datetime, *, keep_going: Callable[[], Awaitable[bool]] | None = None
    ) -> SendStats:
        """Send every row due at `now`; `keep_going` is asked before each batch (lease renewal)."""
        stats = SendStats()
        self._sweep_now = now
        slots = asyncio.Semaphore(self.config.max_in_flight)
        running: set[asyncio.Task[None]] = set()
        fatal: list[BaseException] = []

        def finished(task: asyncio.Task[None]) -> None:
            running.discard(task)
            slots.release()
            error = None if task.cancelled() else task.exception()
            if isinstance(error, Exception):
                logger.error("Outbox send task failed", exc_info=error)
            elif error is not None:
                fatal.append(error)

        try:
            while not fatal and not self.stopping and (keep_going is None or await keep_going()):
                batch = await self.db.run(
                    lambda s: outbox.claim_due(
                        s, now=now, holder=self.holder, limit=self.config.claim_batch
                    )
                )
                if not batch:
                    break
                addresses = await self.db.run(lambda s, b=batch: resolve(s, b))  # type: ignore[misc]
                for position, item in enumerate(batch):
                    await slots.acquire()
                    if fatal or self.stopping:
                        slots.release()
                        await self._give_back_unsent(batch[position:], stats)
                        break
                    task = asyncio.create_task(self._send_row(item, addresses.get(item.id), stats))
                    running.add(task)
                    task.add_done_callback(finished)
            while running and not fatal:
                await asyncio.wait(set(running), return_when=asyncio.FIRST_EXCEPTION)
        finally:
            left = list(running)
            for task in left:
                task.cancel()
            await asyncio.gather(*left, return_exceptions=True)
        if fatal:
            raise fatal[0]
        return stats

    async def _give_back_unsent(self, items: list[OutboxItem], stats: SendStats) -> None:
        """Return claimed rows that were never started (stopping): they go out on the next run."""
        for item in items:
            await self._give_back(item, "stopped", stats=stats, max_attempts=10**9, delay=False)

    async def _persist(self, work: Callable[[Session], bool]) -> bool:
        """Record a send in the database; when stopping, still finish the write before leaving."""
        future = asyncio.ensure_future(self.db.run(work))
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            await future
            raise

    async def _send_row(self, item: OutboxItem, address: Address | None, stats: SendStats) -> None:
        if address is None:
            await self._give_back(item, "no address", stats=stats, max_attempts=item.attempts)
            return
        parts = parts_of(item)
        locale = str(item.payload.get("locale", "vi"))
        index, throttles = item.parts_sent, 0
        chat = f"{address.channel}:{address.chat_id}"
        try:
            while index < len(parts):
                await self.pacer.chat_ready(chat)
                try:
                    async with self._sending:
                        await self.pacer.acquire(chat)
                        await self.transport.send(Delivery(address, parts[index], locale))
                    self.pacer.sent(chat)
                except Exception as exc:
                    wait = retry_after_of(exc)
                    if wait is not None and throttles < self.config.retry_after_attempts:
                        throttles += 1
                        stats.throttled += 1
                        self.pacer.pause(wait)
                        continue
                    logger.warning("Sending outbox row %s failed: %s", item.id, exc)
                    await self._give_back(item, f"{type(exc).__name__}: {exc}", stats=stats)
                    return
                index += 1
                stats.parts += 1
                if index < len(parts):
                    await self._persist(
                        lambda s, n=index: outbox.mark_part_sent(  # type: ignore[misc]
                            s, outbox_id=item.id, parts_sent=n, holder=self.holder
                        )
                    )
            done = await self._persist(
                lambda s: outbox.mark_sent(
                    s, outbox_id=item.id, now=self._moment(), holder=self.holder
                )
            )
            stats.sent += int(done)
        except asyncio.CancelledError:
            stopped = self._give_back(item, "stopped", stats=stats, max_attempts=10**9, delay=False)
            await asyncio.shield(stopped)
            raise

    async def _give_back(
        self,
        item: OutboxItem,
        error: str,
        *,
        stats: SendStats,
        max_attempts: int | None = None,
        delay: bool = True,
    ) -> None:
        backoff = (
            self.config.retry_base * (2 ** max(0, item.attempts - 1)) if delay else timedelta()
        )
        limit = self.config.max_attempts if max_attempts is None else max_attempts
        status = await self.db.run(
            lambda s: outbox.release(
                s,
                outbox_id=item.id,
                holder=self.holder,
                error=error,
                retry_at=self._moment() + backoff,
                max_attempts=limit,
            )
        )
        if status == outbox.FAILED:
            stats.failed += 1
        else:
            stats.retried += 1
