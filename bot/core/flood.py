"""Per-user flood control: more than N messages in a window gets one polite notice."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from bot.core.messages import ChatKey


class Verdict(Enum):
    """What to do with a message."""

    ALLOW = "allow"
    NOTICE = "notice"
    DROP = "drop"


@dataclass
class FloodGuard:
    """A sliding window per user; the first message over the limit gets a notice, later ones are dropped."""

    limit: int = 20
    window: timedelta = timedelta(seconds=10)
    _seen: dict[ChatKey, deque[datetime]] = field(default_factory=dict)
    _noticed: dict[ChatKey, datetime] = field(default_factory=dict)

    def check(self, key: ChatKey, now: datetime) -> Verdict:
        """Record a message and tell whether to handle it."""
        times = self._seen.setdefault(key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        times.append(now)
        if len(times) <= self.limit:
            self._noticed.pop(key, None)
            return Verdict.ALLOW
        if key in self._noticed and now - self._noticed[key] < self.window:
            return Verdict.DROP
        self._noticed[key] = now
        return Verdict.NOTICE

    def forget_idle(self, now: datetime) -> None:
        """Drop users whose window is empty (keeps memory bounded)."""
        for key in [k for k, t in self._seen.items() if not t or now - t[-1] >= self.window]:
            self._seen.pop(key, None)
            self._noticed.pop(key, None)
