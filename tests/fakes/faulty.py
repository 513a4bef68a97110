"""A fake Bot API that answers a share of calls with 429, 500 or a timeout, reproducibly.

Faults are drawn per (method, chat or callback query, n-th call of that pair) from a seeded
generator, so a run is the same whatever order concurrent chats reach the server. At most
``max_in_a_row`` faults hit the same chat and method in a row, so a client that retries
(as ``TelegramChannel`` does, six times) always gets through. A *timeout* holds the request
longer than PTB's 5 s read timeout and then drops it unprocessed: the message is never
delivered, exactly like a request lost on the way, so a retry cannot show up twice.

Example::

    async with FaultyTelegram(token="123:ABC", rate=0.2, seed=7) as fake:
        ...  # 20% of sendMessage / editMessageText / answerCallbackQuery calls fail
        assert fake.faults["429"] > 0
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, Final

from tests.fakes.fake_telegram import ApiError, FakeTelegram, JSONDict

__all__ = ["FAULT_KINDS", "FaultyTelegram"]

FAULT_KINDS: Final = ("429", "500", "timeout")
FAULTY_METHODS: Final = frozenset(
    {"sendMessage", "editMessageText", "answerCallbackQuery", "sendDocument", "sendPhoto"}
)
#: Longer than PTB's default read timeout (5 s), so the client gives up first.
HANG_SECONDS: Final = 6.0
Handler = Callable[[JSONDict], Awaitable[Any]]


class FaultyTelegram(FakeTelegram):
    """``FakeTelegram`` with random 429 / 500 / timeout answers on the message methods.

    Attributes:
        rate: Share of calls that fail (0 disables the faults).
        faults: How many faults of each kind were served.
    """

    def __init__(
        self,
        *args: Any,
        rate: float = 0.2,
        seed: int = 7,
        kinds: tuple[str, ...] = FAULT_KINDS,
        methods: frozenset[str] = FAULTY_METHODS,
        max_in_a_row: int = 3,
        hang: float = HANG_SECONDS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rate = rate
        self.seed = seed
        self.kinds = kinds
        self.methods = methods
        self.max_in_a_row = max_in_a_row
        self.hang = hang
        self.faults: Counter[str] = Counter()
        self._seen: Counter[tuple[str, str]] = Counter()
        self._streak: Counter[tuple[str, str]] = Counter()

    def draw(self, method: str, params: JSONDict) -> str | None:
        """Decide whether this call fails and how (None: it goes through)."""
        if self.rate <= 0 or method not in self.methods:
            return None
        target = str(params.get("chat_id", params.get("callback_query_id", "")))
        key = (method, target)
        n = self._seen[key]
        self._seen[key] += 1
        rng = random.Random(f"{self.seed}:{method}:{target}:{n}")
        if rng.random() >= self.rate or self._streak[key] >= self.max_in_a_row:
            self._streak[key] = 0
            return None
        self._streak[key] += 1
        return rng.choice(self.kinds)

    async def _dispatch(self, method: str, handler: Handler, params: JSONDict) -> Any:
        kind = self.draw(method, params)
        if kind is not None:
            self.faults[kind] += 1
        if kind == "429":
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        if kind == "500":
            raise ApiError(500)
        if kind == "timeout":
            await asyncio.sleep(self.hang)
            raise ApiError(504, "Gateway Timeout: the client gave up; nothing was delivered")
        return await super()._dispatch(method, handler, params)
