"""The scheduler service: APScheduler 3.x only triggers sweeps; the database decides what is sent.

One sweep (every `tick_seconds`, and once at start to catch up): take or renew the DB lease,
put rows stuck in 'sending' after a crash back to pending, plan due reminders and digests,
then send every due row. Only the lease holder sweeps; even without the lease, the atomic
claim keeps two processes from sending the same row.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.context import AppParts
from bot.core.dispatcher import Dispatcher
from handlers.faq.escalation import run_escalation
from scheduler.config import SchedulerConfig
from scheduler.pacing import Pacer
from scheduler.planner import Planner, PlanStats
from scheduler.sender import DispatcherTransport, OutboxSender, SendStats, Transport
from storage import files, outbox, retention
from storage.db import Database

logger = logging.getLogger(__name__)
SHUTDOWN_GRACE_SECONDS = 20.0
LEASE = "scheduler"
SWEEP_JOB, CLEANUP_JOB = "tcns.sweep", "tcns.cleanup"
HANDOFF_JOB = "tcns.handoffs"


@dataclass
class TickReport:
    """What one sweep did (leader False: another process holds the lease)."""

    leader: bool = True
    recovered: int = 0
    planned: PlanStats = field(default_factory=PlanStats)
    sent: SendStats = field(default_factory=SendStats)


def default_holder() -> str:
    """Return a name for this process: host, pid and a random suffix."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class SchedulerService:
    """Runs the sweeps of reminders and digests for one process."""

    def __init__(
        self,
        db: Database,
        dispatcher: Dispatcher,
        parts: AppParts,
        *,
        config: SchedulerConfig | None = None,
        transport: Transport | None = None,
        pacer: Pacer | None = None,
        holder: str | None = None,
        use_lease: bool = True,
        charts: bool = True,
        on_state: Callable[[str], None] | None = None,
    ) -> None:
        self.db, self.parts = db, parts
        self.config = config or SchedulerConfig()
        self.holder = holder or default_holder()
        self.use_lease = use_lease
        self.on_state = on_state or (lambda _state: None)
        """Told "running" once started and "stopped" once shut down (the /metrics gauge)."""
        settings = parts.settings
        self.tz = settings.timezone
        self.planner = Planner(
            db=db,
            translations=parts.translations,
            tz=settings.timezone,
            default_locale=settings.default_locale,
            cutoff=settings.report_cutoff_day,
            config=self.config,
            charts=charts,
        )
        self.pacer = pacer or Pacer(
            global_per_second=self.config.global_per_second,
            per_chat_per_second=self.config.per_chat_per_second,
            burst=self.config.global_burst,
        )
        self.sender = OutboxSender(
            db=db,
            transport=transport or DispatcherTransport(dispatcher),
            pacer=self.pacer,
            config=self.config,
            holder=self.holder,
            clock=parts.clock,
        )
        self._scheduler: AsyncIOScheduler | None = None
        self._lock = asyncio.Lock()
        self._current: asyncio.Task[Any] | None = None

    def start(self) -> None:
        """Register the sweep jobs (in memory, explicit ids) and start; the first sweep runs now."""
        if self._scheduler is not None:
            return
        scheduler = AsyncIOScheduler(timezone=self.tz)
        scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=self.config.tick_seconds, timezone=self.tz),
            id=SWEEP_JOB,
            replace_existing=True,
            misfire_grace_time=self.config.misfire_grace_seconds,
            coalesce=True,
            max_instances=1,
            next_run_time=datetime.now(self.tz)
            + timedelta(seconds=self.config.start_delay_seconds),
        )
        scheduler.add_job(
            self._cleanup,
            CronTrigger(hour=3, minute=17, timezone=self.tz),
            id=CLEANUP_JOB,
            replace_existing=True,
            misfire_grace_time=self.config.misfire_grace_seconds,
            coalesce=True,
            max_instances=1,
        )
        scheduler.add_job(
            self._handoffs,
            IntervalTrigger(minutes=1, timezone=self.tz),
            id=HANDOFF_JOB,
            replace_existing=True,
            misfire_grace_time=self.config.misfire_grace_seconds,
            coalesce=True,
            max_instances=1,
        )
        scheduler.start()
        self._scheduler = scheduler
        self.on_state("running")
        logger.info("Scheduler started as %s", self.holder)

    async def shutdown(self) -> None:
        """Finish the sends on their way, start no new ones, stop triggering, release the lease."""
        current = self._current
        if current is not None and not current.done():
            # Telegram may already have accepted the messages on their way: giving their rows
            # back would repeat them. So let them finish before APScheduler's shutdown, whose
            # executor would cancel the running sweep.
            self.sender.stopping = True
            try:
                await asyncio.wait_for(asyncio.shield(current), timeout=SHUTDOWN_GRACE_SECONDS)
            except TimeoutError:
                logger.warning(
                    "Scheduler sweep still running after %ss; cancelling it", SHUTDOWN_GRACE_SECONDS
                )
                current.cancel()
            await asyncio.gather(current, return_exceptions=True)
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
            self.on_state("stopped")
        if self.use_lease:
            now = self.parts.clock.now()
            await self.db.run(
                lambda s: outbox.release_lease(s, name=LEASE, holder=self.holder, now=now)
            )
        self.planner.close()
        logger.info("Scheduler stopped")

    async def _tick(self) -> None:
        try:
            await self.run_due()
        except Exception:
            logger.exception("Scheduler sweep failed")

    async def _handoffs(self) -> None:
        try:
            await run_escalation(self.db, self.parts, self.sender.transport.send)
        except Exception:
            logger.exception("Handoff escalation sweep failed")

    async def _cleanup(self) -> None:
        await self.cleanup()

    async def cleanup(self, now: datetime | None = None) -> dict[str, int]:
        """The daily cleanup: old sent outbox rows, expired files (their links stop working at
        expiry anyway) and what `storage.retention` says must go (old questions, conversation
        state, processed update ids, inbox rows); return how many of each went (-1: failed)."""
        moment = now or self.parts.clock.now()
        cutoff = moment - timedelta(days=self.config.keep_sent_days)
        removed = {"outbox": -1, "files": -1}
        settings = self.parts.settings
        ttl = timedelta(hours=settings.conversation_ttl_hours)
        try:
            purged = await self.db.run(
                lambda s: retention.purge_all(
                    s,
                    now=moment,
                    question_days=settings.question_retention_days,
                    conversation_ttl=ttl,
                )
            )
            removed.update(purged)
            logger.info("Retention cleanup removed %s", purged)
        except Exception:
            logger.exception("Retention cleanup failed")
            removed["questions"] = -1
        try:
            removed["outbox"] = await self.db.run(lambda s: outbox.purge_sent(s, before=cutoff))
            logger.info("Removed %d old sent outbox rows", removed["outbox"])
        except Exception:
            logger.exception("Outbox cleanup failed")
        try:
            removed["files"] = await self.db.run(lambda s: files.purge_expired(s, now=moment))
            logger.info("Removed %d expired files", removed["files"])
        except Exception:
            logger.exception("File cleanup failed")
        return removed

    async def run_due(self, now: datetime | None = None) -> TickReport:
        """Run one sweep at `now` (the injected clock by default): lease, recover, plan, send."""
        async with self._lock:
            self._current = asyncio.current_task()
            try:
                return await self._sweep(now or self.parts.clock.now())
            finally:
                self._current = None

    async def _sweep(self, now: datetime) -> TickReport:
        report = TickReport()
        if not await self._hold_lease(now):
            report.leader = False
            return report
        timeout = self.config.sending_timeout
        report.recovered = await self.db.run(
            lambda s: outbox.recover_stuck(s, now=now, timeout=timeout)
        )
        report.planned = await self.planner.plan(now)

        async def renew() -> bool:
            return await self._hold_lease(max(now, self.parts.clock.now()))

        report.sent = await self.sender.send_due(now, keep_going=renew)
        return report

    async def _hold_lease(self, now: datetime) -> bool:
        if not self.use_lease:
            return True
        ttl = max(self.config.lease_ttl, timedelta(seconds=3 * self.config.tick_seconds))
        held = await self.db.run(
            lambda s: outbox.take_lease(s, name=LEASE, holder=self.holder, now=now, ttl=ttl)
        )
        if not held:
            logger.debug("Another process holds the scheduler lease")
        return held
