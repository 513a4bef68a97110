"""A small aiohttp client for "Telegram-shaped" bot APIs: ``{base}/bot{token}/{method}``, POST JSON,
``{ok, result | error_code, description}`` answers, retries. The Zalo Bot Platform speaks it;
a new platform of the same shape subclasses BotApiClient with its own methods.

The token is part of every URL, so no URL and no aiohttp exception text (which may quote the
URL) is ever logged.

Retries and doubles. A method that changes something on the platform (sending a message) is
called with ``repeatable=False``. It is retried when the platform answered an error (the
platform refused it: 429, 5xx, and whatever a subclass counts as such) or when the request
certainly never left (the connection could not be made). It is NOT retried when the request
may have reached the platform and no answer came back (a read timeout, a dropped
connection): the platform may have delivered it, and these APIs take no idempotency key
that would let a second request be recognised. A message that went missing is asked for
again by the person; a message that arrived twice cannot be taken back. Such a failure is
raised with ``uncertain=True`` and logged by the caller as "may have been delivered".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]
JSON = dict[str, Any]
RETRY_CAP_SECONDS = 30.0
CONNECT_SECONDS = 10.0


class BotApiError(Exception):
    """The API answered ok=false (or could not be reached); the message never has the token.

    code 0 is a network failure; ``uncertain`` means the request may have reached the platform
    (no answer came back); ``retry_after`` is the wait a 429 asked for, when it said one.
    """

    def __init__(
        self,
        code: int,
        description: str,
        *,
        uncertain: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"Bot API error {code}: {description}")
        self.code = code
        self.description = description
        self.uncertain = uncertain
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Tell whether trying again later may help (rate limit, server or network trouble)."""
        return self.code == 429 or self.code >= 500 or self.code == 0


def _retry_after(body: dict[str, Any]) -> float | None:
    """Return ``parameters.retry_after`` of an error answer (seconds), when there is one."""
    parameters = body.get("parameters")
    value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


class BotApiClient:
    """Calls bot API methods through one aiohttp session; retries 429, 5xx and network errors."""

    def __init__(
        self,
        *,
        token: str,
        base_url: str,
        sleep: Sleep = asyncio.sleep,
        max_attempts: int = 5,
        request_timeout: float = 15.0,
        backoff: float = 1.0,
    ) -> None:
        if not token:
            raise RuntimeError(f"{type(self).__name__} needs a token (its *_BOT_TOKEN setting)")
        self._token = token
        self._base = base_url.rstrip("/")
        self._sleep = sleep
        self.max_attempts = max(1, max_attempts)
        self.request_timeout = request_timeout
        self.backoff = backoff
        self._session: aiohttp.ClientSession | None = None

    @property
    def token_id(self) -> str:
        """Return the bot id part of a ``{bot_id}:{secret}`` token."""
        return self._token.split(":", 1)[0]

    def _url(self, method: str) -> str:
        return f"{self._base}/bot{self._token}/{method}"

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "***")

    def is_retryable(self, error: BotApiError) -> bool:
        """Tell whether trying again may help; platforms add their own transient codes."""
        return error.retryable

    async def close(self) -> None:
        """Close the HTTP session (the client can be used again afterwards)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> BotApiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={"User-Agent": "tcns-bot"}, raise_for_status=False
            )
        return self._session

    async def _once(self, method: str, params: JSON, seconds: float) -> Any:
        timeout = aiohttp.ClientTimeout(total=seconds, connect=min(seconds, CONNECT_SECONDS))
        try:
            async with self._http().post(
                self._url(method), json=params, timeout=timeout, allow_redirects=False
            ) as response:  # never follow a redirect: the token is in the URL
                status = response.status
                try:
                    body = await response.json(content_type=None)
                except (ValueError, aiohttp.ContentTypeError):
                    body = None
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            # The connection was never made: the request did not leave.
            raise BotApiError(0, f"network error ({type(exc).__name__})") from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            # Sent, or partly sent, and no answer read: the platform may have acted on it.
            name = type(exc).__name__
            raise BotApiError(0, f"no answer ({name})", uncertain=True) from None
        if not isinstance(body, dict):
            raise BotApiError(status if status >= 400 else 502, "response is not a JSON object")
        if body.get("ok") is True and status < 400:
            return body.get("result")
        code = body.get("error_code")
        code = code if isinstance(code, int) and code > 0 else (status if status >= 400 else 400)
        description = self._redact(str(body.get("description") or "unknown error"))
        raise BotApiError(code, description, retry_after=_retry_after(body))

    async def call(
        self,
        method: str,
        params: JSON | None = None,
        *,
        seconds: float = 0,
        repeatable: bool = True,
        attempts: int = 0,
    ) -> Any:
        """Call one API method and return its result; raise BotApiError when it keeps failing.

        repeatable=False: the call changes something on the platform, so it is not repeated
        after a failure that may have reached the platform (see the module docstring).
        attempts: at most this many tries (0: the client's max_attempts).
        """
        wait = seconds or self.request_timeout
        tries = attempts or self.max_attempts
        for attempt in range(1, tries + 1):
            try:
                return await self._once(method, dict(params or {}), wait)
            except BotApiError as error:
                if attempt == tries or not self.is_retryable(error):
                    raise
                if error.uncertain and not repeatable:
                    raise
                if error.retry_after is not None and error.retry_after > RETRY_CAP_SECONDS:
                    raise  # a long wait is the caller's to schedule (the outbox pauses)
                delay = min(self.backoff * 2 ** (attempt - 1), RETRY_CAP_SECONDS)
                delay = max(delay, error.retry_after or 0.0)
                logger.warning(
                    "%s %s failed with %d, retrying in %.1f s (attempt %d)",
                    type(self).__name__,
                    method,
                    error.code,
                    delay,
                    attempt,
                )
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
