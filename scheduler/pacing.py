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

    A send first waits until its chat is ready, then queues (first come, first served) for the
    next global slot (GCRA: at most `burst` extra messages may go early to make up for a task
    that woke late), so a busy event loop neither loses much rate nor bursts past the limit. `pause` holds every send until a
    server-given retry_after has passed.
    """

    def __init__(
        self,
        *,
        global_per_second: float,
        per_chat_per_second: float,
        burst: int = 0,
        clock: Now = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if global_per_second <= 0 or per_chat_per_second <= 0 or burst < 0:
            raise ValueError("rates must be positive and the burst not negative")
        self._global_gap = 1.0 / global_per_second
        self._tolerance = burst / global_per_second
        self._chat_gap = 1.0 / per_chat_per_second
        self._clock = clock
        self._sleep = sleep
        self._global_next = 0.0
        self._chat_next: dict[str, float] = {}
        self._paused_until = 0.0
        self._turn = asyncio.Lock()
        self.pauses = 0

    def _chat_wait(self, chat: str) -> float:
        return max(self._paused_until, self._chat_next.get(chat, 0.0)) - self._clock()

    async def chat_ready(self, chat: str) -> None:
        """Wait (without taking a slot) until this chat may get its next message."""
        while (wait := self._chat_wait(chat)) > 0:
            await self._sleep(wait)

    async def acquire(self, chat: str) -> None:
        """Wait until one message may go to this chat."""
        while True:
            wait = self._chat_wait(chat)
            if wait > 0:
                await self._sleep(wait)
                continue
            async with self._turn:
                wait = self._global_next - self._tolerance - self._clock()
                if wait > 0:
                    await self._sleep(wait)
                if self._chat_wait(chat) > 0:
                    continue
                now = self._clock()
                self._global_next = max(self._global_next, now) + self._global_gap
                self._chat_next[chat] = now + self._chat_gap
                if len(self._chat_next) > PRUNE_AT:
                    self._prune(now)
                return

    def sent(self, chat: str) -> None:
        """Note that the server answered a send to this chat: its next one waits a full gap.

        Spacing from the answer, not from when the request left, keeps two messages to one
        chat apart at the server even when the first one was slow to arrive.
        """
        now = self._clock()
        self._chat_next[chat] = max(self._chat_next.get(chat, 0.0), now + self._chat_gap)

    def pause(self, seconds: float) -> None:
        """Hold every send for `seconds` (a 429 with retry_after)."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def _prune(self, now: float) -> None:
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
