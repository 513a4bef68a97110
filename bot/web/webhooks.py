"""Platform webhook endpoints: check the secret, answer 200 at once, process after.

Paths and secret headers come from each channel's spec (bot.channels.registry).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.web.inbox import Valid, WebhookInbox
from bot.web.jsonbody import BodyProblem, read_json_object
from bot.web.metrics import Metrics
from bot.web.tasks import BackgroundTasks

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024
# Updates processed at once per worker; the rest wait (already stored in the inbox). Without
# a bound a burst of thousands of updates competes for the loop, the DB and the HTTP pool,
# and every one of them finishes late (load_webhook: 16 beat 8, 32 and unbounded).
MAX_IN_FLIGHT = 16
Process = Callable[[dict[str, Any], float], Awaitable[object]]


def secret_matches(given: str | None, expected: str) -> bool:
    """Compare a webhook secret in constant time; an unset expected secret never matches."""
    if not expected or given is None:
        return False
    return secrets.compare_digest(given.encode(), expected.encode())


class WebhookEndpoint:
    """One platform's webhook: POST JSON with a secret header, processed in the background."""

    def __init__(
        self,
        *,
        channel: str,
        header: str,
        secret: str,
        process: Process,
        tasks: BackgroundTasks,
        metrics: Metrics,
        inbox: WebhookInbox | None = None,
        slots: asyncio.Semaphore | None = None,
        valid: Valid | None = None,
    ) -> None:
        if not secret:
            raise RuntimeError(f"The {channel} webhook needs a secret; set its *_WEBHOOK_SECRET")
        self.channel = channel
        self.header = header
        self._secret = secret
        self.process = process
        self.tasks = tasks
        self.metrics = metrics
        self.inbox = inbox
        self.slots = slots or asyncio.Semaphore(MAX_IN_FLIGHT)
        self.valid = valid

    async def handle(self, request: web.Request) -> web.Response:
        """Refuse a missing or wrong secret with 403; otherwise accept and process later."""
        received = time.monotonic()
        if not secret_matches(request.headers.get(self.header), self._secret):
            self.metrics.rejected.labels(self.channel, "secret").inc()
            logger.warning("Refused a %s webhook call with a missing or wrong secret", self.channel)
            return web.json_response({"ok": False}, status=403)
        body = await read_json_object(request, max_bytes=MAX_BODY_BYTES)
        if body is BodyProblem.SIZE:
            self.metrics.rejected.labels(self.channel, "size").inc()
            return web.json_response({"ok": False}, status=413)
        if isinstance(body, BodyProblem):
            self.metrics.rejected.labels(self.channel, "body").inc()
            logger.warning(
                "Refused a %s webhook call whose body is not a JSON object", self.channel
            )
            return web.json_response({"ok": False}, status=400)
        if self.valid is not None and not self.valid(body):
            # Not an update of this platform: never stored, never replayed. 200, so that the
            # platform does not send it again and again.
            self.metrics.rejected.labels(self.channel, "not_update").inc()
            logger.warning("Dropped a %s webhook body that is not an update", self.channel)
            return web.json_response({"ok": True})
        item_id = 0
        if self.inbox is not None:
            try:
                item_id = await self.inbox.accept(self.channel, body)
            except Exception:
                # The database is down: keep the update in memory; the dispatcher waits it out.
                self.metrics.errors.labels(self.channel, "inbox").inc()
                logger.warning("Could not store a %s update in the inbox", self.channel)
        self.tasks.spawn(self._run(body, received, item_id), name=f"{self.channel}-update")
        return web.json_response({"ok": True})

    async def _run(self, body: dict[str, Any], received: float, item_id: int) -> None:
        try:
            async with self.slots:
                if self.inbox is not None and item_id:
                    async with self.inbox.applying(item_id):
                        await self.process(body, received)
                else:
                    await self.process(body, received)
        except Exception:
            self.metrics.errors.labels(self.channel, "webhook").inc()
            logger.exception("Processing a %s webhook update failed", self.channel)
