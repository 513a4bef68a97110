"""HTTP routes of the web chat: the page, its UI strings, sending a message, polling, files."""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlmodel import Session

from bot.core.i18n import Translations
from bot.core.messages import ChatKey, Incoming, Kind
from bot.settings import SUPPORTED_LOCALES
from bot.web.files import FileRoute
from bot.web.flood import Refusal, WebFloodGuard, client_address
from bot.web.jsonbody import BodyProblem, read_json_object
from bot.web.metrics import Feed, Metrics
from bot.web.webchat import CHANNEL, RateLimiter, WebChannel, valid_browser_id
from storage import people

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 32 * 1024
MAX_PAYLOAD_CHARS = 256
MAX_TEXT_CHARS = 2000
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": f"{PAGE_POLICY} 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-DNS-Prefetch-Control": "off",
}
WIDGET_STRINGS = '"__TCNS_WIDGET_STRINGS__"'


def page_policy(frame_ancestors: tuple[str, ...]) -> str:
    """Return the chat page's Content-Security-Policy: framed by itself and the listed sites."""
    return " ".join((PAGE_POLICY, "'self'", *frame_ancestors))


class WebChatApi:
    """Serves the web chat and feeds what residents type to the dispatcher."""

    def __init__(
        self,
        *,
        channel: WebChannel,
        feed: Feed,
        translations: Translations,
        default_locale: str,
        limiter: RateLimiter | None = None,
        flood: WebFloodGuard | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.channel = channel
        self.feed = feed
        self.translations = translations
        self.default_locale = default_locale
        settings = channel.settings
        self.flood = flood or WebFloodGuard(settings, browser=limiter)
        self.limiter = self.flood.browser
        self.metrics = metrics
        self.page_headers = {"Content-Security-Policy": page_policy(settings.web_frame_ancestors)}
        self.timezone = settings.timezone.key
        self.widget_script = _widget_script(translations)
        self.files = FileRoute(channel.files)

    def add_routes(self, app: web.Application) -> None:
        """Register the page, the static files and the JSON API."""
        app.router.add_get("/", self.root)
        app.router.add_get("/web", self.root)
        app.router.add_get("/web/", self.page)
        app.router.add_get("/web/widget.js", self.widget)
        app.router.add_static("/web/static/", STATIC, follow_symlinks=False)
        app.router.add_get("/web/api/strings", self.strings)
        app.router.add_post("/web/api/message", self.message)
        app.router.add_get("/web/api/poll", self.poll)
        app.router.add_get("/web/api/file/{token}", self.files.handle)

    def _lang(self, value: object) -> str:
        return value if value in SUPPORTED_LOCALES else self.default_locale

    def _error(self, status: int, lang: str, key: str, **headers: str) -> web.Response:
        text = self.translations.get(lang).text(key)
        return web.json_response({"error": text}, status=status, headers=headers or None)

    async def root(self, request: web.Request) -> web.StreamResponse:
        """Send visitors to the chat page."""
        raise web.HTTPFound("web/")

    async def page(self, request: web.Request) -> web.StreamResponse:
        """Serve the chat page (in an iframe only on this site and WEB_FRAME_ANCESTORS)."""
        return web.FileResponse(STATIC / "index.html", headers=self.page_headers)

    async def widget(self, request: web.Request) -> web.Response:
        """Serve widget.js, the floating chat button other sites embed, with its texts."""
        return web.Response(
            text=self.widget_script,
            content_type="text/javascript",
            headers={
                "Cache-Control": "public, max-age=3600",
                "Cross-Origin-Resource-Policy": "cross-origin",
            },
        )

    async def strings(self, request: web.Request) -> web.Response:
        """Return the page's UI texts in one language, and the time zone times are shown in."""
        lang = self._lang(request.query.get("lang"))
        texts = _web_texts(self.translations, lang)
        return web.json_response({"lang": lang, "strings": texts, "timezone": self.timezone})

    async def message(self, request: web.Request) -> web.Response:
        """Handle one message or button press and answer with the replies it produced."""
        received = time.monotonic()
        body = await _json_body(request)
        lang = self._lang(body.get("lang") if body else None)
        browser_id = body.get("browser_id") if body else None
        if body is None or not valid_browser_id(browser_id):
            return self._error(400, lang, "web.bad_request")
        assert isinstance(browser_id, str)
        incoming = _incoming(browser_id, body, lang)
        if incoming is None:
            return self._error(400, lang, "web.bad_request")
        if len(incoming.text) > MAX_TEXT_CHARS:
            return self._error(400, lang, "web.too_long")
        address = client_address(
            request.remote, request.headers.get("X-Forwarded-For"), self.flood.trusted
        )
        refusal = await self.flood.check(browser_id, address, self._is_stored)
        if refusal is not None:
            return self._refuse(refusal, lang)
        with self.channel.answering(browser_id) as own:
            await self.feed(incoming, received)
        self.flood.remember(browser_id)
        answer: dict[str, Any] = {"replies": [await self.channel.render(d) for d in own]}
        chosen = incoming.payload.partition(":")[2] if incoming.payload.startswith("lang:") else ""
        if own and chosen in SUPPORTED_LOCALES and own[-1].locale == chosen:
            answer["lang"] = chosen  # the in-chat language buttons switch the page too
        return web.json_response(answer)

    def _refuse(self, refusal: Refusal, lang: str) -> web.Response:
        """Answer 429 politely, count it, and say when to try again."""
        if self.metrics is not None:
            self.metrics.webchat_refused.labels(refusal.value).inc()
        key = "web.rate_limited" if refusal is Refusal.BROWSER else "web.busy_newcomers"
        wait = str(self.flood.retry_after(refusal))
        return self._error(429, lang, key, **{"Retry-After": wait})

    async def _is_stored(self, browser_id: str) -> bool:
        """Tell whether this browser already is a person in the database (a returning visitor)."""

        def find(session: Session) -> bool:
            return people.find_identity(session, channel=CHANNEL, user_id=browser_id) is not None

        return await self.channel.db.run_short(find)

    async def poll(self, request: web.Request) -> web.Response:
        """Return the replies kept for a browser by someone else (e.g. a volunteer)."""
        browser_id = request.query.get("browser_id", "")
        if not valid_browser_id(browser_id):
            return self._error(400, self._lang(request.query.get("lang")), "web.bad_request")
        return web.json_response({"replies": await self.channel.take_waiting(browser_id)})


def _web_texts(translations: Translations, lang: str) -> dict[str, str]:
    messages = translations.get(lang).messages
    return {k.removeprefix("web."): v for k, v in messages.items() if k.startswith("web.")}


def _widget_script(translations: Translations) -> str:
    """Return widget.js with the widget's texts in every language written into it."""
    texts = {
        lang: {k: v for k, v in _web_texts(translations, lang).items() if k.startswith("widget_")}
        for lang in SUPPORTED_LOCALES
    }
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    return source.replace(WIDGET_STRINGS, json.dumps(texts, ensure_ascii=True), 1)


async def _json_body(request: web.Request) -> dict[str, Any] | None:
    body = await read_json_object(request, max_bytes=MAX_BODY_BYTES)
    return None if isinstance(body, BodyProblem) else body


def _update_id(browser_id: str, client_id: object) -> str:
    if valid_browser_id(client_id):
        raw = f"{browser_id}:{client_id}".encode()
        return "w" + hashlib.sha256(raw).hexdigest()[:40]
    return "w" + uuid.uuid4().hex


def _incoming(browser_id: str, body: dict[str, Any], lang: str) -> Incoming | None:
    key = ChatKey(CHANNEL, browser_id, browser_id)
    update_id = _update_id(browser_id, body.get("message_id"))
    payload, text = body.get("payload"), body.get("text")
    if isinstance(payload, str) and payload.strip():
        if len(payload) > MAX_PAYLOAD_CHARS:
            return None
        return Incoming(key, update_id, Kind.BUTTON, payload=payload, language_code=lang)
    if isinstance(text, str) and text.strip():
        return Incoming(key, update_id, Kind.TEXT, text=text.strip(), language_code=lang)
    return None
