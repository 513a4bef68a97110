"""A small aiohttp client for the Zalo Bot Platform API: POST JSON, {ok, result} envelope, retries.

URL form: ``{base}/bot{token}/{method}``. The token is part of every URL, so no URL and no
aiohttp exception text (which may quote the URL) is ever logged.
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
POLL_TIMEOUT_CODE = 408
RETRY_CAP_SECONDS = 30.0


class ZaloError(Exception):
    """The Zalo API answered ok=false (or could not be reached); the message never has the token."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"Zalo API error {code}: {description}")
        self.code = code
        self.description = description

    @property
    def retryable(self) -> bool:
        """Tell whether trying again later may help (rate limit, server or network trouble)."""
        return self.code == 429 or self.code >= 500 or self.code == 0


class ZaloClient:
    """Calls Zalo Bot API methods through one aiohttp session; retries 429, 5xx and network errors."""

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
            raise RuntimeError("ZaloClient needs a token; set ZALO_BOT_TOKEN")
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

    async def __aenter__(self) -> ZaloClient:
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
            raise ZaloError(0, f"network error ({type(exc).__name__})") from None
        if not isinstance(body, dict):
            raise ZaloError(status if status >= 400 else 502, "response is not a JSON object")
        if body.get("ok") is True and status < 400:
            return body.get("result")
        code = body.get("error_code")
        code = code if isinstance(code, int) and code > 0 else (status if status >= 400 else 400)
        raise ZaloError(code, self._redact(str(body.get("description") or "unknown error")))

    async def call(self, method: str, params: JSON | None = None, *, seconds: float = 0) -> Any:
        """Call one API method and return its result; raise ZaloError when it keeps failing."""
        wait = seconds or self.request_timeout
        for attempt in range(1, self.max_attempts + 1):
            try:
                return await self._once(method, dict(params or {}), wait)
            except ZaloError as error:
                if not error.retryable or attempt == self.max_attempts:
                    raise
                delay = min(self.backoff * 2 ** (attempt - 1), RETRY_CAP_SECONDS)
                logger.warning(
                    "Zalo %s failed with %d, retrying in %.1f s (attempt %d)",
                    method,
                    error.code,
                    delay,
                    attempt,
                )
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def get_update(self, poll_seconds: int) -> JSON | None:
        """Long-poll for ONE update; None when nothing arrived in the window (error 408)."""
        try:
            result = await self.call(
                "getUpdates",
                {"timeout": str(poll_seconds)},
                seconds=poll_seconds + self.request_timeout,
            )
        except ZaloError as error:
            if error.code == POLL_TIMEOUT_CODE:
                return None
            raise
        return result if isinstance(result, dict) and result else None

    async def send_message(self, chat_id: str, text: str) -> JSON:
        """Send a text (at most 2000 characters) to a chat."""
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return result if isinstance(result, dict) else {}

    async def set_webhook(self, url: str, secret_token: str) -> JSON:
        """Register the webhook URL and the secret Zalo sends back in X-Bot-Api-Secret-Token."""
        result = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return result if isinstance(result, dict) else {}

    async def delete_webhook(self) -> None:
        """Remove the webhook (needed before long polling)."""
        await self.call("deleteWebhook")
