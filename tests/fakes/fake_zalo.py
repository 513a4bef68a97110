"""A fake Zalo Bot Platform API server on loopback, for end-to-end tests of the Zalo channel.

It speaks the shape documented in shared/platforms.md §1: ``POST {base}/bot{token}/{method}``
with a JSON body, answers ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code",
"description"}``, long-polls ``getUpdates`` for ONE update per call (``timeout`` sent as a string;
``error_code 408`` when nothing arrived), refuses ``getUpdates`` while a webhook is set, checks
``sendMessage`` texts and ``sendPhoto`` captions (1-2000, counted in UTF-16 code units as the
platform's text offsets are: an emoji counts twice), takes photos by URL only, accepts the
``typing`` chat action, answers ``getMe`` with the bot's own account, records every call and
can be scripted: fail (429 "Quota exceeded", 403 "Internal server error", 5xx), hold a method
until released (to kill the bot mid-update), or take a call and drop the connection without
answering (the request reached Zalo, the answer was lost). It can also deliver updates to a
webhook with the secret header, and updates that echo the bot's own messages.

Example::

    async with FakeZalo(token="12345:abc") as fake:
        client = ZaloClient(token="12345:abc", base_url=fake.base_url)
        fake.push_text(user_id="u1", text="/start")
        call = await fake.wait_for("sendMessage", chat_id="u1")
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from copy import deepcopy
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Self

import aiohttp
from aiohttp import web

__all__ = ["ApiCall", "FakeZalo", "Hold", "utf16_units"]

JSONDict = dict[str, Any]
MAX_TEXT: Final = 2000
SECRET_HEADER: Final = "X-Bot-Api-Secret-Token"
DESCRIPTIONS: Final = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Internal server error",
    404: "Not found",
    408: "Request timeout",
    429: "Quota exceeded",
}


def utf16_units(text: str) -> int:
    """Return the length of text in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class ApiCall:
    """One recorded request and the fake's answer."""

    method: str
    params: JSONDict
    status: int
    error_code: int | None
    seq: int
    answered: bool = True

    @property
    def ok(self) -> bool:
        """Whether the call took effect (also when its answer was then dropped)."""
        return self.error_code is None


class Hold:
    """Calls of one method wait here until released; `holding` is set when one arrives."""

    def __init__(self) -> None:
        self.holding = asyncio.Event()
        self.released = asyncio.Event()

    def release(self) -> None:
        """Let the held calls (and later ones) through."""
        self.released.set()


class _Fail(Exception):
    def __init__(self, code: int, description: str, http_status: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.http_status = http_status if http_status is not None else code


class FakeZalo:
    """In-process fake Zalo Bot API; use as ``async with FakeZalo(...) as fake``."""

    def __init__(
        self, token: str = "12345:zalo-secret", *, bot_name: str = "TCNS Zalo", bot_id: str = ""
    ) -> None:
        self.token = token
        self.bot_id = bot_id or token.split(":", 1)[0]
        self.bot_name = bot_name
        self.calls: list[ApiCall] = []
        self.webhook: JSONDict | None = None
        self._queue: deque[JSONDict] = deque()
        self._failures: dict[str, deque[_Fail]] = {}
        self._drops: dict[str, int] = {}
        self._holds: dict[str, Hold] = {}
        self._cond = asyncio.Condition()
        self._consumed: set[int] = set()
        self._ids = itertools.count(1)
        self._parked = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._http: aiohttp.ClientSession | None = None
        self._wakers: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host="127.0.0.1", port=0).start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing = True
        for hold in self._holds.values():
            hold.release()
        async with self._cond:
            self._cond.notify_all()
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """What ZALO_API_BASE_URL takes (``/bot{token}/{method}`` is appended)."""
        return f"http://127.0.0.1:{self._port}"

    # ------------------------------------------------------------------ updates

    def message_update(
        self,
        user_id: str,
        *,
        event_name: str = "message.text.received",
        text: str | None = None,
        message_id: str | None = None,
        display_name: str = "Chị Hoa",
        chat_type: str = "PRIVATE",
        chat_id: str | None = None,
        extra: JSONDict | None = None,
    ) -> JSONDict:
        """Build an ``{event_name, message}`` update like Zalo sends."""
        message: JSONDict = {
            "message_id": message_id or f"m{next(self._ids):06d}{int(time.time() * 1000)}",
            "date": int(time.time() * 1000),
            "from": {"id": user_id, "display_name": display_name, "is_bot": False},
            "chat": {"id": chat_id or user_id, "chat_type": chat_type},
        }
        if text is not None:
            message["text"] = text
        message.update(extra or {})
        return {"event_name": event_name, "message": message}

    def push(self, update: JSONDict) -> JSONDict:
        """Queue an update for ``getUpdates`` (deep-copied) and return it."""
        self._queue.append(deepcopy(update))
        task = asyncio.get_running_loop().create_task(self._wake())
        self._wakers.add(task)
        task.add_done_callback(self._wakers.discard)
        return update

    def push_text(self, user_id: str, text: str, **kwargs: Any) -> JSONDict:
        """Queue a text message from a user."""
        return self.push(self.message_update(user_id, text=text, **kwargs))

    def push_image(self, user_id: str, caption: str = "", **kwargs: Any) -> JSONDict:
        """Queue a picture from a user, with an optional caption."""
        extra = {"photo_url": "https://example.invalid/p.jpg", "caption": caption}
        return self.push(
            self.message_update(user_id, event_name="message.image.received", extra=extra, **kwargs)
        )

    def push_sticker(self, user_id: str, **kwargs: Any) -> JSONDict:
        """Queue a sticker from a user."""
        extra = {"sticker": "1a2b3c", "url": "https://example.invalid/s.webp"}
        return self.push(
            self.message_update(
                user_id, event_name="message.sticker.received", extra=extra, **kwargs
            )
        )

    def push_own_echo(self, text: str, *, chat_id: str, **kwargs: Any) -> JSONDict:
        """Queue the bot's own message coming back as an update (``is_bot`` not set)."""
        return self.push_text(self.bot_id, text, chat_id=chat_id, display_name=self.bot_name,
                              **kwargs)  # fmt: skip

    async def _wake(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    # ------------------------------------------------------------------ scripting

    def fail_next(
        self, method: str, error_code: int = 429, *, count: int = 1, http_status: int | None = None
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with ``error_code``."""
        failure = _Fail(error_code, DESCRIPTIONS.get(error_code, "Server error"))
        if http_status is not None:
            failure.http_status = http_status
        self._failures.setdefault(method, deque()).extend([failure] * count)

    def drop_next(self, method: str, *, count: int = 1) -> None:
        """Let the next ``count`` calls of ``method`` take effect, then close the connection
        without an answer (what a timeout after the request reached Zalo looks like)."""
        self._drops[method] = self._drops.get(method, 0) + count

    def hold(self, method: str) -> Hold:
        """Hold every call of ``method`` until the returned Hold is released."""
        hold = self._holds[method] = Hold()
        return hold

    def unhold(self, method: str) -> None:
        """Release and forget the hold on ``method``."""
        hold = self._holds.pop(method, None)
        if hold is not None:
            hold.release()

    async def deliver_webhook(
        self, url: str, update: JSONDict, *, secret: str | None, wrapped: bool = True
    ) -> int:
        """POST an update to a webhook as Zalo would; return the HTTP status."""
        body = {"ok": True, "result": update} if wrapped else update
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        if self._http is None:
            self._http = aiohttp.ClientSession()
        async with self._http.post(url, json=body, headers=headers) as response:
            await response.read()
            return response.status

    # ------------------------------------------------------------------ inspecting

    def calls_of(self, method: str) -> list[ApiCall]:
        """Return the recorded calls of one method."""
        return [call for call in self.calls if call.method == method]

    def texts_to(self, chat_id: str) -> list[str]:
        """Return the texts successfully sent to a chat, in order."""
        return [
            str(c.params.get("text"))
            for c in self.calls_of("sendMessage")
            if c.ok and c.params.get("chat_id") == chat_id
        ]

    async def wait_for(
        self,
        method: str,
        timeout: float = 10.0,  # noqa: ASYNC109 - the same API as FakeTelegram.wait_for
        **match: Any,
    ) -> ApiCall:
        """Wait for the first successful, not yet returned call of ``method`` matching params."""

        def find() -> ApiCall | None:
            for call in self.calls:
                if call.seq in self._consumed or call.method != method or not call.ok:
                    continue
                if all(call.params.get(k) == v for k, v in match.items()):
                    return call
            return None

        try:
            async with asyncio.timeout(timeout), self._cond:
                found = await self._cond.wait_for(find)
        except TimeoutError:
            seen = "\n".join(f"  {c.method} {c.params} -> {c.error_code}" for c in self.calls)
            raise TimeoutError(f"no {method} {match} within {timeout}s; calls:\n{seen}") from None
        assert found is not None
        self._consumed.add(found.seq)
        return found

    async def wait_for_poller(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until a ``getUpdates`` long poll is parked on the server."""
        async with asyncio.timeout(timeout), self._cond:
            await self._cond.wait_for(lambda: self._parked > 0)

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params: JSONDict = {}
        hold = self._holds.get(method)
        if hold is not None and not hold.released.is_set():
            hold.holding.set()
            await hold.released.wait()
        try:
            if request.match_info["token"] != self.token:
                raise _Fail(401, "Unauthorized")
            try:
                body = await request.json() if request.body_exists else {}
            except ValueError:
                raise _Fail(400, "Bad Request: body is not JSON") from None
            params = body if isinstance(body, dict) else {}
            failures = self._failures.get(method)
            if failures:
                raise failures.popleft()
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise _Fail(404, "Not Found")
            result = await handler(params)
            status, answer, code = 200, {"ok": True, "result": result}, None
        except _Fail as fail:
            status, code = fail.http_status, fail.code
            answer = {"ok": False, "error_code": fail.code, "description": fail.description}
        drop = code is None and self._drops.get(method, 0) > 0
        if drop:
            self._drops[method] -= 1
        async with self._cond:
            call = ApiCall(method, params, status, code, len(self.calls), answered=not drop)
            self.calls.append(call)
            self._cond.notify_all()
        if drop and request.transport is not None:
            request.transport.close()  # the request took effect; the answer never leaves
            raise web.HTTPInternalServerError()
        return web.json_response(answer, status=status)

    async def _m_getMe(self, params: JSONDict) -> JSONDict:
        return {
            "id": self.bot_id,
            "account_name": self.bot_name,
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _m_getUpdates(self, params: JSONDict) -> JSONDict:
        if self.webhook is not None:
            raise _Fail(400, "Bad Request: webhook is active")
        raw = params.get("timeout", "30")
        if not isinstance(raw, str):
            raise _Fail(400, "Bad Request: timeout must be a string")
        seconds = float(raw)
        async with self._cond:
            if not self._queue and seconds > 0:
                self._parked += 1
                self._cond.notify_all()
                try:
                    async with asyncio.timeout(seconds):
                        await self._cond.wait_for(lambda: bool(self._queue) or self._closing)
                except TimeoutError:
                    pass
                finally:
                    self._parked -= 1
            if not self._queue:
                raise _Fail(408, "Request Timeout", http_status=200)
            return self._queue.popleft()

    def _chat(self, params: JSONDict) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            raise _Fail(400, "Bad Request: chat_id must be a non-empty string")
        return chat_id

    async def _m_sendMessage(self, params: JSONDict) -> JSONDict:
        self._chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= utf16_units(text) <= MAX_TEXT:
            raise _Fail(400, "Bad Request: text must be 1-2000 characters")
        return {"message_id": f"b{next(self._ids)}", "date": int(time.time() * 1000)}

    async def _m_sendPhoto(self, params: JSONDict) -> JSONDict:
        self._chat(params)
        if not str(params.get("photo", "")).startswith(("http://", "https://")):
            raise _Fail(400, "Bad Request: photo must be a URL")
        caption = params.get("caption", "")
        if not isinstance(caption, str) or utf16_units(caption) > MAX_TEXT:
            raise _Fail(400, "Bad Request: caption must be at most 2000 characters")
        return {"message_id": f"b{next(self._ids)}", "date": int(time.time() * 1000)}

    async def _m_sendChatAction(self, params: JSONDict) -> bool:
        self._chat(params)
        if params.get("action") != "typing":
            raise _Fail(400, "Bad Request: action must be typing")
        return True

    def photos_to(self, chat_id: str) -> list[JSONDict]:
        """Return the parameters of the photos successfully sent to a chat, in order."""
        return [
            c.params
            for c in self.calls_of("sendPhoto")
            if c.ok and c.params.get("chat_id") == chat_id
        ]

    async def _m_setWebhook(self, params: JSONDict) -> JSONDict:
        url, secret = str(params.get("url", "")), str(params.get("secret_token", ""))
        if not url.startswith("https://"):
            raise _Fail(400, "Bad Request: url must be https")
        if not 8 <= len(secret) <= 256:
            raise _Fail(400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook = {"url": url, "secret_token": secret}
        return {"url": url, "updated_at": int(time.time() * 1000)}

    async def _m_deleteWebhook(self, params: JSONDict) -> JSONDict:
        self.webhook = None
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def _m_getWebhookInfo(self, params: JSONDict) -> JSONDict:
        return {"url": (self.webhook or {}).get("url", ""), "updated_at": 0}
