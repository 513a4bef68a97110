"""Background work started by web requests, tracked so shutdown can wait for it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)


class BackgroundTasks:
    """A set of running tasks: spawn answers at once; drain waits for everything started."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str = "") -> asyncio.Task[Any]:
        """Start a coroutine in the background; its exception is logged, never lost."""
        task = asyncio.create_task(coro, name=name or None)
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()
        if not task.cancelled() and task.exception() is not None:
            logger.error("Background task %s failed", task.get_name(), exc_info=task.exception())

    async def wait_idle(self) -> None:
        """Wait until no background task is running (tests use it instead of sleeping)."""
        await self._idle.wait()

    async def drain(self, grace: float = 30.0) -> None:
        """Wait for every running task (at most `grace` seconds), then cancel the rest."""
        if not self._tasks:
            return
        pending = list(self._tasks)
        _done, still = await asyncio.wait(pending, timeout=grace)
        for task in still:
            logger.warning("Cancelling background task %s at shutdown", task.get_name())
            task.cancel()
        if still:
            await asyncio.gather(*still, return_exceptions=True)
