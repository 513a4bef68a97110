"""Send pacing: a global and a per-chat rate (virtual scheduling), with pauses for retry_after."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
PRUNE_AT = 10_000


class Pacer:
    """Spaces sends so that neither the global nor any chat's rate is exceeded.

    Each send reserves the next free global slot once its chat is ready, so waiting chats never
    hold global slots back; `pause` stops every send until a server-given retry_after has passed.
    """

    def __init__(
        self,
        *,
        global_per_second: float,
        per_chat_per_second: float,
        clock: Now = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if global_per_second <= 0 or per_chat_per_second <= 0:
            raise ValueError("rates must be positive")
        self._global_gap = 1.0 / global_per_second
        self._chat_gap = 1.0 / per_chat_per_second
        self._clock = clock
        self._sleep = sleep
        self._global_next = 0.0
        self._chat_next: dict[str, float] = {}
        self._paused_until = 0.0
        self.pauses = 0

    async def acquire(self, chat: str) -> None:
        """Wait until one message may go to this chat."""
        while True:
            now = self._clock()
            ready = max(self._paused_until, self._chat_next.get(chat, 0.0))
            if ready > now:
                await self._sleep(ready - now)
                continue
            slot = max(now, self._global_next)
            self._global_next = slot + self._global_gap
            self._chat_next[chat] = slot + self._chat_gap
            if len(self._chat_next) > PRUNE_AT:
                self._prune(now)
            if slot > now:
                await self._sleep(slot - now)
            return

    def pause(self, seconds: float) -> None:
        """Hold every send for `seconds` (a 429 with retry_after)."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def _prune(self, now: float) -> None:
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
