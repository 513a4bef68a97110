"""Prometheus metrics: updates in, replies out, errors, processing lag and the scheduler state."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Enum, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.core.dispatcher import Dispatcher, Sender
from bot.core.messages import Delivery, Incoming

logger = logging.getLogger(__name__)
Feed = Callable[[Incoming, float], Awaitable[list[Delivery]]]
SCHEDULER_STATES = ["absent", "running", "paused", "stopped"]
LAG_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class _CountingSender:
    """Wraps a channel's sender to count replies out and failed sends."""

    def __init__(self, inner: Sender, metrics: Metrics, channel: str) -> None:
        self.inner = inner
        self.metrics = metrics
        self.channel = channel

    async def send(self, delivery: Delivery) -> None:
        """Send through the wrapped sender and count the result."""
        try:
            await self.inner.send(delivery)
        except Exception:
            self.metrics.errors.labels(self.channel, "send").inc()
            raise
        self.metrics.replies_out.labels(self.channel).inc()


class Metrics:
    """One registry per server (never the global one), so several servers can live in one process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.registry = CollectorRegistry()
        self.clock = clock
        self.updates_in = Counter(
            "bot_updates_in", "Updates received, per channel", ["channel"], registry=self.registry
        )
        self.replies_out = Counter(
            "bot_replies_out", "Replies sent, per channel", ["channel"], registry=self.registry
        )
        self.errors = Counter(
            "bot_errors",
            "Errors, per channel and stage (process, send, webhook)",
            ["channel", "stage"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "bot_webhook_rejected",
            "Webhook requests refused (bad secret or body)",
            ["channel", "reason"],
            registry=self.registry,
        )
        self.webchat_refused = Counter(
            "bot_webchat_refused",
            "Web chat messages refused with 429, per limit (browser, address, new_per_address, "
            "new_overall)",
            ["limit"],
            registry=self.registry,
        )
        self.lag = Histogram(
            "bot_processing_lag_seconds",
            "Seconds from receiving an update to having sent its replies",
            ["channel"],
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.scheduler = Enum(
            "bot_scheduler_state",
            "State of the reminder and digest scheduler",
            states=SCHEDULER_STATES,
            registry=self.registry,
        )
        self.scheduler.state("absent")

    def set_scheduler_state(self, state: str) -> None:
        """Record the scheduler state: absent, running, paused or stopped."""
        if state not in SCHEDULER_STATES:
            raise ValueError(f"unknown scheduler state {state!r}; use one of {SCHEDULER_STATES}")
        self.scheduler.state(state)

    def count_senders(self, dispatcher: Dispatcher) -> None:
        """Wrap every registered sender so replies out and failed sends are counted."""
        for name, sender in list(dispatcher.senders.items()):
            if not isinstance(sender, _CountingSender):
                dispatcher.senders[name] = _CountingSender(sender, self, name)

    def feed(self, dispatcher: Dispatcher) -> Feed:
        """Return a function that hands an update to the dispatcher and records its metrics."""

        async def handle(incoming: Incoming, received: float) -> list[Delivery]:
            channel = incoming.key.channel
            self.updates_in.labels(channel).inc()
            try:
                deliveries = await dispatcher.handle(incoming)
            except Exception:
                self.errors.labels(channel, "process").inc()
                raise
            self.lag.labels(channel).observe(max(0.0, self.clock() - received))
            return deliveries

        return handle

    def render(self) -> bytes:
        """Return the metrics in the Prometheus text format."""
        return generate_latest(self.registry)
