"""A fake Telegram Bot API server on loopback that speaks PTB's wire format, for end-to-end tests.

The real PTB client (``telegram.Bot`` / ``telegram.ext.Application``) is pointed at it with
``base_url=fake.base_url`` and ``base_file_url=fake.base_file_url``. The fake decodes requests the
way PTB's ``HTTPXRequest`` encodes them (form fields: strings as-is, everything else JSON; files as
multipart), answers with the ``{"ok": ..., "result"/"error_code"/"description"/"parameters"}``
envelope, records every call, queues pushed updates for a ``getUpdates`` long poll, and can be
scripted to fail (429 / 500 / 403 / 400), to block users and to enforce flood limits.

Example::

    async with FakeTelegram(token="123:ABC") as fake:
        bot = telegram.Bot("123:ABC", base_url=fake.base_url, base_file_url=fake.base_file_url)
        fake.push_text(user_id=111, text="/start")
        call = await fake.wait_for("sendMessage", chat_id=111)
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import math
import mimetypes
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final, Self

from aiohttp import web

__all__ = ["Call", "FakeTelegram", "UploadedFile"]

JSONDict = dict[str, Any]
Clock = Callable[[], float]
_Handler = Callable[[JSONDict], Awaitable[Any]]

#: Bot API parameters typed ``String``: kept as sent even when they look like JSON ("123", "[x]").
STRING_PARAMS: Final = frozenset(
    {
        "action", "address", "animation", "audio", "business_connection_id", "callback_query_id",
        "caption", "currency", "custom_emoji_id", "data", "description", "document", "emoji",
        "error_message", "explanation", "file_id", "first_name", "foursquare_id", "inline_message_id",
        "inline_query_id", "invite_link", "ip_address", "language_code", "last_name",
        "message_effect_id", "name", "next_offset", "parse_mode", "payload", "phone_number", "photo",
        "pre_checkout_query_id", "provider_token", "query", "question", "secret_token",
        "shipping_query_id", "short_description", "start_parameter", "sticker", "text", "thumbnail",
        "title", "url", "vcard", "video", "video_note", "voice", "web_app_query_id",
    }
)  # fmt: skip

#: Update types delivered when ``allowed_updates`` was never set or set to ``[]`` (Bot API rule).
OPT_IN_UPDATE_TYPES: Final = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)

#: Methods counted by :meth:`FakeTelegram.rate_limit` (message-sending methods).
RATE_LIMITED_METHODS: Final = frozenset({"sendMessage", "sendDocument", "sendPhoto"})

MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_CALLBACK_ANSWER_LENGTH: Final = 200

_DESCRIPTIONS: Final = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup of the specified "
    "message are exactly the same as a message content and reply markup of the current message"
)
_QUERY_INVALID: Final = "query is too old and response timeout expired or query ID is invalid"
_COMMAND_RE: Final = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_BOT_COMMAND_NAME_RE: Final = re.compile(r"[a-z0-9_]{1,32}")
_HTML_TAGS: Final = frozenset(
    {"a", "b", "blockquote", "code", "del", "em", "i", "ins", "pre", "s", "span", "strike",
     "strong", "tg-emoji", "tg-spoiler", "u"}
)  # fmt: skip
_TAG_RE: Final = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>")
_JSON_START: Final = frozenset("{[-0123456789")
_MISSING: Final = object()


@dataclass(frozen=True)
class Call:
    """One recorded Bot API request and the fake's answer to it."""

    method: str
    params: JSONDict
    time: float
    status: int = 200
    result: Any = None
    description: str | None = None
    seq: int = 0

    @property
    def ok(self) -> bool:
        """Whether the fake answered ``{"ok": true}``."""
        return self.status == 200


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded (multipart) or a fake file attached to a pushed update."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str


class ApiError(Exception):
    """An error answer of the fake: ``{"ok": false, "error_code", "description"[, "parameters"]}``."""

    def __init__(
        self, code: int, description: str | None = None, parameters: JSONDict | None = None
    ) -> None:
        self.code = code
        self.description = description or _DESCRIPTIONS.get(code, "Error")
        self.parameters = parameters
        super().__init__(f"{code} {self.description}")

    def body(self) -> JSONDict:
        """Return the JSON envelope Telegram sends for this error."""
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _too_many(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def decode_value(key: str, value: str) -> Any:
    """Decode one form value the way PTB encoded it (non-strings were JSON-dumped)."""
    if key in STRING_PARAMS:
        return value
    if value[:1] in _JSON_START or value in ("true", "false", "null"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def read_params(request: web.Request) -> JSONDict:
    """Decode query string plus urlencoded / multipart / JSON body into one parameter dict."""
    params: JSONDict = {k: decode_value(k, v) for k, v in request.query.items()}
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            raise _bad("can't parse JSON encoded request body") from None
        if not isinstance(body, dict):
            raise _bad("request body must be a JSON object")
        params.update(body)
        return params
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            with value.file:
                content = value.file.read()
            params[key] = {
                "filename": value.filename,
                "content": content,
                "content_type": value.content_type,
            }
        else:
            text = value if isinstance(value, str) else bytes(value).decode()
            params[key] = decode_value(key, text)
    return params


def html_visible_text(text: str) -> str:
    """Validate Telegram-HTML markup and return the text the user sees (tags stripped)."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while (lt := text.find("<", pos)) >= 0:
        out.append(text[pos:lt])
        offset = len(text[:lt].encode())
        match = _TAG_RE.match(text, lt)
        if match is None or match.group(2).lower() not in _HTML_TAGS:
            name = match.group(2) if match else ""
            raise _bad(
                f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {offset}'
            )
        name = match.group(2).lower()
        if match.group(1):
            if not stack or stack[-1] != name:
                expected = f'expected "</{stack[-1]}>", ' if stack else ""
                raise _bad(
                    f"can't parse entities: Unmatched end tag at byte offset {offset}, "
                    f'{expected}found "</{name}>"'
                )
            stack.pop()
        else:
            stack.append(name)
        pos = match.end()
    if stack:
        raise _bad(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    out.append(text[pos:])
    return html.unescape("".join(out))


def validate_reply_markup(markup: Any) -> JSONDict | None:
    """Validate ``reply_markup``; return it if it is an inline keyboard (echoed in the Message)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None  # ReplyKeyboardMarkup / ReplyKeyboardRemove / ForceReply: not echoed
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad('can\'t parse inline keyboard button: field "inline_keyboard" must be an Array')
    for button in itertools.chain.from_iterable(rows):
        if not isinstance(button, dict) or not button.get("text"):
            raise _bad("can't parse inline keyboard button: Text must be non-empty")
        if "callback_data" in button:
            size = len(str(button["callback_data"]).encode())
            if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                raise _bad("BUTTON_DATA_INVALID")
        elif len(button) == 1:
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
            )
    return markup


def _visible(params: JSONDict, key: str, limit: int, empty: str, too_long: str) -> str | None:
    raw = params.get(key)
    if raw is None:
        return None
    text = str(raw)
    if str(params.get("parse_mode", "")).upper() == "HTML":
        text = html_visible_text(text)
    if not text.strip():
        raise _bad(empty)
    if len(text) > limit:
        raise _bad(too_long)
    return text


@dataclass
class _Window:
    """Sliding-window flood limit: at most ``limit`` accepted sends per ``period`` seconds."""

    limit: int
    period: float
    stamps: deque[float] = field(default_factory=deque)

    @classmethod
    def per_second(cls, rate: float) -> _Window:
        limit = max(1, math.floor(rate))
        return cls(limit=limit, period=limit / rate)

    def wait(self, now: float) -> float:
        while self.stamps and self.stamps[0] <= now - self.period:
            self.stamps.popleft()
        return self.stamps[0] + self.period - now if len(self.stamps) >= self.limit else 0.0


@dataclass
class _Pending:
    update: JSONDict
    redelivery: bool = False
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def kind(self) -> str:
        return next((k for k in self.update if k != "update_id"), "")


class FakeTelegram:
    """In-process fake Bot API server; use as ``async with FakeTelegram(...) as fake``.

    Attributes:
        token: The only token accepted; others get 401 Unauthorized.
        bot_id: ``int`` of the token part before ``:``.
        calls: Every request, in completion order (including failed ones).
        files: Uploaded and pushed files by ``file_id``.
        my_commands: ``setMyCommands`` lists keyed by ``(scope JSON, language_code)``.
        webhook: The last ``setWebhook`` parameters, or ``None``.
        clock: Time source for ``Call.time`` and the rate limiter (default ``time.monotonic``).
    """

    def __init__(
        self,
        token: str = "123:ABC",
        bot_username: str = "tcns_test_bot",
        *,
        bot_first_name: str = "TCNS Test",
        clock: Clock | None = None,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: JSONDict = {
            "id": self.bot_id, "is_bot": True, "first_name": bot_first_name,
            "username": bot_username,
        }  # fmt: skip
        self.clock: Clock = clock or time.monotonic
        self.calls: list[Call] = []
        self.files: dict[str, UploadedFile] = {}
        self.my_commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.webhook: JSONDict | None = None
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._closing = False
        self._calls_cond = asyncio.Condition()
        self._updates_cond = asyncio.Condition()
        self._background: set[asyncio.Task[None]] = set()
        self._consumed: set[int] = set()
        self._queue: list[_Pending] = []
        self._pushed: dict[int, JSONDict] = {}
        self._next_update_id = 10_001
        self._allowed: frozenset[str] | None = None
        self._poll_generation = 0
        self._parked = 0
        self._users: dict[int, JSONDict] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._last_message_id: dict[int, int] = {}
        self._open_queries: set[str] = set()
        self._failures: dict[str, deque[ApiError]] = {}
        self._blocked: set[int] = set()
        self._chat_window: Callable[[], _Window] | None = None
        self._chat_windows: dict[Any, _Window] = {}
        self._global_window: _Window | None = None
        self._ids = itertools.count(1)
        self._methods: dict[str, tuple[str, _Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._true,
                "close": self._true,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "sendChatAction": self._send_chat_action,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setChatMenuButton": self._set_chat_menu_button,
                "getChatMenuButton": self._get_chat_menu_button,
                "getFile": self._get_file,
            }.items()
        }

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
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
        async with self._updates_cond:
            self._updates_cond.notify_all()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        """The bound loopback port."""
        return self._port

    @property
    def base_url(self) -> str:
        """What ``Bot(base_url=...)`` / ``ApplicationBuilder.base_url()`` take (token appended)."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """What ``Bot(base_file_url=...)`` / ``ApplicationBuilder.base_file_url()`` take."""
        return f"http://127.0.0.1:{self._port}/file/bot"

    # ------------------------------------------------------------------ pushing updates

    def push_update(self, update: Mapping[str, Any]) -> int:
        """Queue a raw update (deep-copied) for ``getUpdates``; assign ``update_id`` if missing."""
        raw = deepcopy(dict(update))
        if "update_id" not in raw:
            raw["update_id"] = self._next_update_id
        update_id = int(raw["update_id"])
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._pushed[update_id] = raw
        self._queue.append(_Pending(raw))
        self._wake_pollers()
        return update_id

    def push_raw_again(self, update_id: int) -> int:
        """Deliver an already pushed update once more (even if confirmed), like a duplicate."""
        raw = self._pushed[update_id]
        self._queue.append(_Pending(deepcopy(raw), redelivery=True))
        self._wake_pollers()
        return update_id

    def update(self, update_id: int) -> JSONDict:
        """Return the raw dict of a pushed update (e.g. to read the pushed ``message_id``)."""
        return self._pushed[update_id]

    def push_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        *,
        first_name: str = "An",
        language_code: str | None = "vi",
        username: str | None = None,
    ) -> int:
        """Push a text message from a user (private chat unless ``chat_id`` is given)."""
        extra: JSONDict = {"text": text}
        if match := _COMMAND_RE.match(text):
            length = len(match.group().encode("utf-16-le")) // 2
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._push_message(user_id, chat_id, first_name, language_code, username, extra)

    def push_sticker(
        self,
        user_id: int,
        chat_id: int | None = None,
        *,
        emoji: str = "👍",
        first_name: str = "An",
        language_code: str | None = "vi",
    ) -> int:
        """Push a sticker message from a user."""
        file = self._store_file(b"RIFF-fake-webp", "sticker.webp", "image/webp", "stickers")
        sticker = {
            "file_id": file.file_id, "file_unique_id": file.file_unique_id, "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False,
            "emoji": emoji, "file_size": len(file.content),
        }  # fmt: skip
        return self._push_message(
            user_id, chat_id, first_name, language_code, None, {"sticker": sticker}
        )

    def push_photo(
        self,
        user_id: int,
        chat_id: int | None = None,
        *,
        caption: str | None = None,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        first_name: str = "An",
        language_code: str | None = "vi",
    ) -> int:
        """Push a photo message (two sizes, optional caption) from a user."""
        file = self._store_file(content, "photo.jpg", "image/jpeg", "photos")
        extra: JSONDict = {"photo": self._photo_sizes(file)}
        if caption is not None:
            extra["caption"] = caption
        return self._push_message(user_id, chat_id, first_name, language_code, None, extra)

    def push_callback(
        self,
        user_id: int,
        data: str,
        message_id: int | None = None,
        chat_id: int | None = None,
        *,
        first_name: str = "An",
        language_code: str | None = "vi",
    ) -> int:
        """Push a button press on a bot message (default: the bot's latest message in the chat)."""
        chat = user_id if chat_id is None else chat_id
        user = self._remember_user(user_id, first_name, language_code, None)
        if message_id is None:
            own = [mid for (cid, mid), m in self._messages.items() if cid == chat and _by_bot(m)]
            if not own:
                raise ValueError(f"no bot message in chat {chat}; pass message_id explicitly")
            message_id = max(own)
        message = self._messages.get((chat, message_id))
        if message is None:  # a message sent before this fake existed: synthesize it
            message = self._new_message(chat, self.bot_user, {"text": "…"}, message_id)
        query_id = str(4_000_000_000_000_000_000 + next(self._ids))
        self._open_queries.add(query_id)
        query = {
            "id": query_id, "from": user, "chat_instance": str(-(10**15) - chat),
            "data": data, "message": deepcopy(message),
        }  # fmt: skip
        return self.push_update({"callback_query": query})

    # ------------------------------------------------------------------ scripting

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        retry_after: int = 1,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with ``error_code``.

        429 carries ``parameters.retry_after``; 400 descriptions get the ``Bad Request: `` prefix.
        """
        canonical = self._canonical(method)
        if error_code == 429:
            error = _too_many(retry_after)
        elif error_code == 400:
            error = _bad(description or "bad request")
            if description and description.startswith("Bad Request"):
                error = ApiError(400, description)
        else:
            error = ApiError(error_code, description)
        self._failures.setdefault(canonical, deque()).extend([error] * count)

    def block_user(self, user_id: int) -> None:
        """Answer 403 "bot was blocked by the user" to every request aimed at that chat."""
        self._blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        """Undo :meth:`block_user`."""
        self._blocked.discard(user_id)

    def rate_limit(
        self,
        per_chat_per_second: float | None = None,
        global_per_second: float | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Enforce flood limits on sends (``None`` disables); excess sends get 429 + retry_after."""
        if clock is not None:
            self.clock = clock
        self._chat_windows.clear()
        self._chat_window = None
        if per_chat_per_second is not None:
            rate = per_chat_per_second
            self._chat_window = lambda: _Window.per_second(rate)
        self._global_window = (
            None if global_per_second is None else _Window.per_second(global_per_second)
        )

    # ------------------------------------------------------------------ inspecting calls

    def calls_of(self, method: str) -> list[Call]:
        """Return the recorded calls of one method, in order."""
        canonical = self._canonical(method, strict=False)
        return [call for call in self.calls if call.method == canonical]

    def commands_for(
        self, scope: JSONDict | None = None, language_code: str = ""
    ) -> list[JSONDict]:
        """Return the commands set for a scope (default scope if ``None``) and language."""
        return self.my_commands.get(_commands_key(scope, language_code), [])

    async def wait_for(
        self,
        method: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - the documented fake API
        *,
        where: Callable[[JSONDict], bool] | None = None,
        ok: bool | None = None,
        **match: Any,
    ) -> Call:
        """Wait for the first not-yet-returned call of ``method`` whose params match.

        Each call is returned by at most one ``wait_for``, so calls made before waiting still
        count. ``match`` compares params by equality; ``where`` is a predicate on the params;
        ``ok`` filters on success.

        Raises:
            TimeoutError: With the recorded calls listed, if no such call came in time.
        """
        canonical = self._canonical(method, strict=False)

        def find() -> Call | None:
            for call in self.calls:
                if call.seq in self._consumed or call.method != canonical:
                    continue
                if ok is not None and call.ok != ok:
                    continue
                if any(call.params.get(k, _MISSING) != v for k, v in match.items()):
                    continue
                if where is None or where(call.params):
                    return call
            return None

        try:
            async with asyncio.timeout(timeout), self._calls_cond:
                found: Call | None = await self._calls_cond.wait_for(find)
                assert found is not None
                self._consumed.add(found.seq)
        except TimeoutError:
            raise TimeoutError(
                f"no {canonical} call matching {match or ''}{' + where' if where else ''} "
                f"within {timeout}s; recorded calls:\n{self.describe_calls()}"
            ) from None
        return found

    async def wait_for_poller(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until a ``getUpdates`` long poll is parked on the server (the bot is polling)."""
        async with asyncio.timeout(timeout), self._calls_cond:
            await self._calls_cond.wait_for(lambda: self._parked > 0)

    def describe_calls(self) -> str:
        """Summarise the recorded calls (getUpdates collapsed) for failure messages."""
        lines = []
        polls = 0
        for call in self.calls:
            if call.method == "getUpdates" and call.ok and not call.result:
                polls += 1
                continue
            shown = {k: (v if not isinstance(v, str) or len(v) < 80 else v[:77] + "...")
                     for k, v in call.params.items()}  # fmt: skip
            status = "" if call.ok else f" -> {call.status} {call.description}"
            lines.append(f"  #{call.seq} {call.method} {shown}{status}")
        if polls:
            lines.append(f"  ({polls} empty getUpdates polls omitted)")
        return "\n".join(lines) or "  (none)"

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle(self, request: web.Request) -> web.Response:
        started = self.clock()
        name = request.match_info["method"]
        params: JSONDict = {}
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401)
            canonical, handler = self._methods.get(name.lower(), (name, None))
            if handler is None:
                raise ApiError(404)
            params = await read_params(request)
            result = await self._dispatch(canonical, handler, params)
            status, body = 200, {"ok": True, "result": result}
            description = None
        except ApiError as err:
            canonical = self._canonical(name, strict=False)
            status, body, description, result = err.code, err.body(), err.description, None
        async with self._calls_cond:
            seq = len(self.calls)
            self.calls.append(Call(canonical, params, started, status, result, description, seq))
            self._calls_cond.notify_all()
        return web.json_response(body, status=status)

    async def _dispatch(self, method: str, handler: _Handler, params: JSONDict) -> Any:
        failures = self._failures.get(method)
        if failures:
            raise failures.popleft()
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and chat_id in self._blocked:
            raise ApiError(403)
        if method in RATE_LIMITED_METHODS:
            self._check_rate(chat_id)
        return await handler(params)

    def _check_rate(self, chat_id: Any) -> None:
        now = self.clock()
        windows = [self._global_window] if self._global_window else []
        if self._chat_window is not None:
            windows.append(self._chat_windows.setdefault(chat_id, self._chat_window()))
        wait = max((w.wait(now) for w in windows), default=0.0)
        if wait > 0:
            raise _too_many(max(1, math.ceil(wait)))
        for window in windows:
            window.stamps.append(now)

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            raise web.HTTPUnauthorized()
        path = request.match_info["path"]
        for file in self.files.values():
            if file.file_path == path:
                return web.Response(body=file.content, content_type=file.mime_type)
        raise web.HTTPNotFound()

    def _canonical(self, method: str, *, strict: bool = True) -> str:
        entry = self._methods.get(method.lower())
        if entry is None and strict:
            raise ValueError(f"FakeTelegram does not implement {method!r}")
        return entry[0] if entry else method

    def _wake_pollers(self) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop yet: the next getUpdates sees the queue anyway
        self._spawn(self._notify(self._updates_cond))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    async def _notify(condition: asyncio.Condition) -> None:
        async with condition:
            condition.notify_all()

    # ------------------------------------------------------------------ chats, messages, files

    def _remember_user(
        self, user_id: int, first_name: str, language_code: str | None, username: str | None
    ) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def _chat(self, chat_id: int) -> JSONDict:
        if chat_id < 0:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            return {"id": chat_id, "type": kind, "title": "Test group"}
        user = self._users.get(chat_id, {})
        chat = {"id": chat_id, "type": "private", "first_name": user.get("first_name", "User")}
        if "username" in user:
            chat["username"] = user["username"]
        return chat

    def _new_message(
        self, chat_id: int, sender: JSONDict, extra: JSONDict, message_id: int | None = None
    ) -> JSONDict:
        if message_id is None:
            message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = max(self._last_message_id.get(chat_id, 0), message_id)
        message = {
            "message_id": message_id, "from": sender, "chat": self._chat(chat_id),
            "date": int(time.time()), **extra,
        }  # fmt: skip
        self._messages[(chat_id, message_id)] = message
        return message

    def _push_message(
        self,
        user_id: int,
        chat_id: int | None,
        first_name: str,
        language_code: str | None,
        username: str | None,
        extra: JSONDict,
    ) -> int:
        user = self._remember_user(user_id, first_name, language_code, username)
        message = self._new_message(user_id if chat_id is None else chat_id, user, extra)
        return self.push_update({"message": deepcopy(message)})

    def _store_file(
        self, content: bytes, file_name: str | None, mime_type: str | None, folder: str
    ) -> UploadedFile:
        n = next(self._ids)
        suffix = mimetypes.guess_extension(mime_type or "") or ".bin"
        file = UploadedFile(
            file_id=f"BQACAgUAAxkBAAIB{n:08d}", file_unique_id=f"AgADu{n:06d}", content=content,
            file_name=file_name, mime_type=mime_type, file_path=f"{folder}/file_{n}{suffix}",
        )  # fmt: skip
        self.files[file.file_id] = file
        return file

    def _photo_sizes(self, file: UploadedFile) -> list[JSONDict]:
        base = {"file_id": file.file_id, "file_unique_id": file.file_unique_id}
        return [
            {**base, "width": 90, "height": 68, "file_size": max(1, len(file.content) // 10)},
            {**base, "width": 800, "height": 600, "file_size": len(file.content)},
        ]

    def _file_param(self, params: JSONDict, key: str, default_mime: str) -> UploadedFile:
        value = params.get(key)
        if isinstance(value, dict) and "content" in value:
            name = value.get("filename")
            mime = value.get("content_type") or mimetypes.guess_type(name or "")[0] or default_mime
            return self._store_file(value["content"], name, mime, f"{key}s")
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if isinstance(value, str) and value:  # a URL or unknown file_id: Telegram fetches it
            return self._store_file(b"", value.rsplit("/", 1)[-1], default_mime, f"{key}s")
        raise _bad(f"there is no {key} in the request")

    def _target(self, params: JSONDict) -> int:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise _bad("chat not found")
        return chat_id

    def _outgoing(self, params: JSONDict, chat_id: int, extra: JSONDict) -> JSONDict:
        markup = validate_reply_markup(params.get("reply_markup"))
        if markup is not None:
            extra["reply_markup"] = markup
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            target = self._messages.get((chat_id, int(reply.get("message_id", 0))))
            if target is not None:
                extra["reply_to_message"] = deepcopy(target)
            elif not reply.get("allow_sending_without_reply"):
                raise _bad("message to be replied not found")
        return self._new_message(chat_id, self.bot_user, extra)

    def _stored(self, params: JSONDict, action: str) -> JSONDict:
        chat_id = self._target(params)
        message = self._messages.get((chat_id, int(params.get("message_id") or 0)))
        if message is None:
            raise _bad(f"message to {action} not found")
        return message

    # ------------------------------------------------------------------ Bot API methods

    async def _true(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False,
            "has_main_web_app": False,
        }  # fmt: skip

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        if "allowed_updates" in params:
            self._allowed = frozenset(params["allowed_updates"]) or None
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        async with self._updates_cond:
            self._updates_cond.notify_all()  # an older long poll ends with 409 Conflict

            def done() -> bool:
                return self._closing or generation != self._poll_generation or self._ready()

            if timeout > 0 and not done():
                self._parked += 1
                self._spawn(self._notify(self._calls_cond))
                try:
                    async with asyncio.timeout(timeout):
                        await self._updates_cond.wait_for(done)
                except TimeoutError:
                    pass
                finally:
                    self._parked -= 1
        if generation != self._poll_generation:
            raise ApiError(409)
        self._ready()  # prune updates excluded by allowed_updates
        batch = [p for p in self._queue if p.redelivery and not p.delivered]
        batch += [p for p in self._queue if not p.redelivery]
        batch = batch[:limit]
        for pending in batch:
            pending.delivered = True
        return [deepcopy(p.update) for p in batch]

    def _confirm(self, offset: int) -> None:
        """Drop confirmed updates (``id < offset``) and delivered duplicates, like Telegram."""
        if offset < 0:
            normal = [p for p in self._queue if not p.redelivery]
            self._queue = normal[offset:]
        elif offset > 0:
            self._queue = [
                p for p in self._queue
                if (p.redelivery and not p.delivered) or (not p.redelivery and p.update_id >= offset)
            ]  # fmt: skip

    def _ready(self) -> bool:
        allowed = self._allowed
        self._queue = [
            p for p in self._queue
            if (p.kind in allowed if allowed is not None else p.kind not in OPT_IN_UPDATE_TYPES)
        ]  # fmt: skip
        return any(not p.delivered or not p.redelivery for p in self._queue)

    async def _set_webhook(self, params: JSONDict) -> bool:
        if not params.get("url"):
            return await self._delete_webhook(params)
        self.webhook = dict(params)
        if params.get("drop_pending_updates"):
            self._queue.clear()
        if "allowed_updates" in params:
            self._allowed = frozenset(params["allowed_updates"]) or None
        return True

    async def _delete_webhook(self, params: JSONDict) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }  # fmt: skip
        if self.webhook and "max_connections" in self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
        return info

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._target(params)
        text = _visible(
            params, "text", MAX_TEXT_LENGTH, "message text is empty", "message is too long"
        )
        if text is None:
            raise _bad("message text is empty")
        return self._outgoing(params, chat_id, {"text": text})

    async def _send_media(self, params: JSONDict, key: str, mime: str) -> JSONDict:
        chat_id = self._target(params)
        caption = _visible(
            params, "caption", MAX_CAPTION_LENGTH, "message caption is empty",
            "message caption is too long",
        )  # fmt: skip
        file = self._file_param(params, key, mime)
        extra: JSONDict = {}
        if key == "photo":
            extra["photo"] = self._photo_sizes(file)
        else:
            extra[key] = {
                "file_id": file.file_id, "file_unique_id": file.file_unique_id,
                "file_name": file.file_name, "mime_type": file.mime_type,
                "file_size": len(file.content),
            }  # fmt: skip
        if caption is not None:
            extra["caption"] = caption
        return self._outgoing(params, chat_id, extra)

    async def _send_document(self, params: JSONDict) -> JSONDict:
        return await self._send_media(params, "document", "application/octet-stream")

    async def _send_photo(self, params: JSONDict) -> JSONDict:
        return await self._send_media(params, "photo", "image/jpeg")

    async def _send_chat_action(self, params: JSONDict) -> bool:
        self._target(params)
        if not params.get("action"):
            raise _bad("action is empty")
        return True

    async def _edit(self, params: JSONDict, text: str | None) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        message = self._stored(params, "edit")
        if not _by_bot(message):
            raise _bad("message can't be edited")
        markup = validate_reply_markup(params.get("reply_markup"))
        new_text = message.get("text") if text is None else text
        if new_text == message.get("text") and markup == message.get("reply_markup"):
            raise _bad(_NOT_MODIFIED)
        if text is not None:
            message["text"] = text
        message.pop("reply_markup", None)  # an edit without reply_markup removes the keyboard
        if markup is not None:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        return deepcopy(message)

    async def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        text = _visible(
            params, "text", MAX_TEXT_LENGTH, "message text is empty", "message is too long"
        )
        if text is None:
            raise _bad("message text is empty")
        return await self._edit(params, text)

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        return await self._edit(params, None)

    async def _delete_message(self, params: JSONDict) -> bool:
        message = self._stored(params, "delete")
        del self._messages[(message["chat"]["id"], message["message_id"])]
        return True

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self._open_queries:
            raise _bad(_QUERY_INVALID)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        return True

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _BOT_COMMAND_NAME_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _commands_key(params.get("scope"), params.get("language_code", ""))
        self.my_commands[key] = commands
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return self.commands_for(params.get("scope"), params.get("language_code", ""))

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        self.my_commands.pop(
            _commands_key(params.get("scope"), params.get("language_code", "")), None
        )
        return True

    async def _set_chat_menu_button(self, params: JSONDict) -> bool:
        self.menu_buttons[params.get("chat_id")] = params.get("menu_button") or {"type": "default"}
        return True

    async def _get_chat_menu_button(self, params: JSONDict) -> JSONDict:
        return self.menu_buttons.get(params.get("chat_id"), {"type": "commands"})

    async def _get_file(self, params: JSONDict) -> JSONDict:
        file = self.files.get(str(params.get("file_id", "")))
        if file is None:
            raise _bad("invalid file_id")
        return {
            "file_id": file.file_id, "file_unique_id": file.file_unique_id,
            "file_size": len(file.content), "file_path": file.file_path,
        }  # fmt: skip


def _by_bot(message: JSONDict) -> bool:
    return bool(message.get("from", {}).get("is_bot"))


def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), str(language_code or "")
