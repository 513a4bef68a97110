"""A small aiohttp client for "Telegram-shaped" bot APIs: ``{base}/bot{token}/{method}``, POST JSON,
``{ok, result | error_code, description}`` answers, retries. The Zalo Bot Platform speaks it;
a new platform of the same shape subclasses BotApiClient with its own methods.

The token is part of every URL, so no URL and no aiohttp exception text (which may quote the
URL) is ever logged.
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


class BotApiError(Exception):
    """The API answered ok=false (or could not be reached); the message never has the token."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"Bot API error {code}: {description}")
        self.code = code
        self.description = description

    @property
    def retryable(self) -> bool:
        """Tell whether trying again later may help (rate limit, server or network trouble)."""
        return self.code == 429 or self.code >= 500 or self.code == 0


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

    def _url(self, method: str) -> str:
        return f"{self._base}/bot{self._token}/{method}"

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "***")

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
        try:
            async with self._http().post(
                self._url(method),
                json=params,
                timeout=aiohttp.ClientTimeout(total=seconds),
            ) as response:
                status = response.status
                try:
                    body = await response.json(content_type=None)
                except (ValueError, aiohttp.ContentTypeError):
                    body = None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise BotApiError(0, f"network error ({type(exc).__name__})") from None
        if not isinstance(body, dict):
            raise BotApiError(status if status >= 400 else 502, "response is not a JSON object")
        if body.get("ok") is True and status < 400:
            return body.get("result")
        code = body.get("error_code")
        code = code if isinstance(code, int) and code > 0 else (status if status >= 400 else 400)
        raise BotApiError(code, self._redact(str(body.get("description") or "unknown error")))

    async def call(self, method: str, params: JSON | None = None, *, seconds: float = 0) -> Any:
        """Call one API method and return its result; raise BotApiError when it keeps failing."""
        wait = seconds or self.request_timeout
        for attempt in range(1, self.max_attempts + 1):
            try:
                return await self._once(method, dict(params or {}), wait)
            except BotApiError as error:
                if not error.retryable or attempt == self.max_attempts:
                    raise
                delay = min(self.backoff * 2 ** (attempt - 1), RETRY_CAP_SECONDS)
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
