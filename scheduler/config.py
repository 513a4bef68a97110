"""Knobs of the scheduler: sweep interval, catch-up window, retries and send rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class SchedulerConfig:
    """How often to sweep, how late to catch up, how to retry and how fast to send.

    The default rates stay under Telegram's limits (about 30 messages per second overall and
    one per second per chat) with a margin.
    """

    tick_seconds: int = 30
    start_delay_seconds: int = 10
    misfire_grace_seconds: int = 6 * 3600
    catch_up: timedelta = timedelta(hours=6)
    lease_ttl: timedelta = timedelta(minutes=2)
    sending_timeout: timedelta = timedelta(minutes=10)
    max_attempts: int = 5
    retry_base: timedelta = timedelta(minutes=1)
    claim_batch: int = 200
    plan_batch: int = 100
    global_per_second: float = 25.0
    per_chat_per_second: float = 0.9
    global_burst: int = 3
    concurrent_sends: int = 16
    retry_after_attempts: int = 5
    keep_sent_days: int = 90
    in_flight: int = 0

    @property
    def max_in_flight(self) -> int:
        """Return how many rows may be sending at once (enough to keep the global rate busy)."""
        if self.in_flight > 0:
            return self.in_flight
        return max(8, int(self.global_per_second / self.per_chat_per_second * 2.5) + 8)
