"""Helpers for the web chat's browser tests: Chromium, a host site on another origin, geometry, axe.

The host site plays a ward's website: it is served from http://localhost:PORT while the bot
listens on http://127.0.0.1:PORT, so the two are different sites, as in production. The same
server reached as http://127.0.0.1:PORT is a site that is *not* allowed to frame the chat.
"""

from __future__ import annotations

import html
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]
DOCS_IMG = ROOT / "docs" / "img"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing leaves the machine: every name but the loopback ones fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
WARD_COLOUR = "#b3261e"
WARD_TITLE = "Phường Hải Châu – Hỏi đáp công nghệ số"


def need_chromium() -> None:
    """Skip (or fail under REQUIRE_CHROMIUM) when Debian's Chromium is missing."""
    if CHROMIUM.exists():
        return
    reason = "Chromium is not installed (apt-get install chromium)"
    if os.environ.get("REQUIRE_CHROMIUM"):
        pytest.fail(f"{reason}, but REQUIRE_CHROMIUM is set")
    pytest.skip(f"{reason}; set REQUIRE_CHROMIUM=1 to make this a failure")


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """Headless Debian Chromium driven by Playwright (no downloaded browser)."""
    need_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def new_page(browser: Any, size: str, **options: Any) -> Any:
    """Open a page at a named size; phones get touch and the mobile viewport."""
    phone = size == "phone"
    context = await browser.new_context(
        viewport=SIZES[size], has_touch=True, is_mobile=phone, device_scale_factor=1, **options
    )
    return await context.new_page()


# ---------------------------------------------------------------- the host site


SITE_CSS = """
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1b1f24; background: #f4f1ea; }
.band { background: #b3261e; color: #fff; padding: 18px 32px; }
.band p { margin: 0; font-size: 14px; letter-spacing: 0.04em; text-transform: uppercase; }
.band h1 { margin: 4px 0 0; font-size: 26px; }
nav { background: #8c1d18; padding: 8px 32px; }
nav a { color: #fff; margin-right: 24px; text-decoration: none; font-weight: 600; }
main { max-width: 960px; margin: 24px auto; padding: 0 32px; }
.card { background: #fff; border-radius: 8px; padding: 16px 20px; margin-bottom: 16px;
        box-shadow: 0 1px 3px rgba(0, 0, 0, 0.15); }
.card h2 { margin: 0 0 6px; font-size: 19px; color: #8c1d18; }
.card p { margin: 0; }
.tall { height: 2000px; }
iframe.chat { display: block; border: 1px solid #c7ced8; width: 100%; height: 560px; }
"""

WARD_NEWS = (
    ("Hướng dẫn kích hoạt tài khoản định danh điện tử mức 2",
     "Người dân mang căn cước đến Trung tâm Phục vụ hành chính công phường để được hỗ trợ."),
    ("Tổ công nghệ số cộng đồng hỗ trợ người dân mỗi sáng thứ Bảy",
     "Tình nguyện viên hướng dẫn cài đặt VNeID, VssID và nộp hồ sơ trực tuyến."),
    ("Cảnh giác với cuộc gọi giả danh công an yêu cầu cài ứng dụng",
     "Không cung cấp mã OTP, mật khẩu cho bất kỳ ai qua điện thoại."),
)  # fmt: skip


@dataclass
class Site:
    """A ward's website on another origin than the bot; `bot` is set once the bot listens."""

    port: int = 0
    bot: str = ""

    @property
    def origin(self) -> str:
        """Return the site's origin as the browser sees it (allowed to frame the chat)."""
        return f"http://localhost:{self.port}"

    @property
    def stranger(self) -> str:
        """Return the same server under an origin that is not allowed to frame the chat."""
        return f"http://127.0.0.1:{self.port}"

    def page(self, title: str, body: str) -> str:
        """Return a whole host page."""
        return (
            f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(title)}</title><link rel="stylesheet" href="/site.css"></head>'
            f"<body>{body}</body></html>"
        )

    def ward(self, lang: str = "vi") -> str:
        """A ward's home page with the widget snippet, as docs/deploy.md gives it."""
        news = "".join(
            f'<div class="card"><h2>{html.escape(t)}</h2><p>{html.escape(p)}</p></div>'
            for t, p in WARD_NEWS
        )
        snippet = (
            f'<script src="{self.bot}/web/widget.js" async data-title="{html.escape(WARD_TITLE)}"'
            f' data-color="{WARD_COLOUR}" data-lang="{lang}"></script>'
        )
        body = (
            '<header class="band"><p>Cổng thông tin điện tử</p><h1>UBND Phường Hải Châu</h1>'
            '</header><nav><a href="#">Trang chủ</a><a href="#">Thủ tục hành chính</a>'
            '<a href="#">Tin tức</a><a href="#">Liên hệ</a></nav>'
            f"<main>{news}</main>{snippet}"
        )
        return self.page("UBND Phường Hải Châu", body)

    def framing(self, width: str, height: str) -> str:
        """A page that shows the chat in a plain iframe, with more page below it."""
        chat = (
            f'<iframe class="chat" title="Trợ lý Tổ công nghệ số cộng đồng" src="{self.bot}/web/"'
            f' width="{width}" height="{height}"></iframe>'
        )
        body = (
            f'<main><h1>Hỏi đáp</h1><p>Khung trò chuyện:</p>{chat}<div class="tall"></div></main>'
        )
        return self.page("Trang có khung trò chuyện", body)

    def strict_policy(self) -> str:
        """The host's own strict Content-Security-Policy: no inline anything."""
        return (
            f"default-src 'none'; style-src 'self'; img-src 'self'; "
            f"script-src {self.bot}/web/widget.js; frame-src {self.bot}; base-uri 'none'"
        )

    def routes(self) -> web.Application:
        """The site's pages."""
        app = web.Application()

        async def css(request: web.Request) -> web.Response:
            return web.Response(text=SITE_CSS, content_type="text/css")

        async def ward(request: web.Request) -> web.Response:
            lang = "en" if request.query.get("lang") == "en" else "vi"
            page = self.ward(lang)
            headers = {"Content-Security-Policy": self.strict_policy()}
            return web.Response(text=page, content_type="text/html", headers=headers)

        async def framing(request: web.Request) -> web.Response:
            width = str(int(request.query.get("w", "390")))
            height = str(int(request.query.get("h", "700")))
            return web.Response(text=self.framing(width, height), content_type="text/html")

        app.router.add_get("/site.css", css)
        app.router.add_get("/ward", ward)
        app.router.add_get("/framing", framing)
        return app


@asynccontextmanager
async def serve_site() -> AsyncIterator[Site]:
    """Serve the host site on a free loopback port."""
    site = Site()
    runner = web.AppRunner(site.routes())
    await runner.setup()
    tcp = web.TCPSite(runner, host="127.0.0.1", port=0)
    await tcp.start()
    site.port = int(runner.addresses[0][1])
    try:
        yield site
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------- measuring the page

GEOMETRY = """() => {
  const box = (selector) => document.querySelector(selector).getBoundingClientRect().toJSON();
  const log = document.getElementById("log");
  return {
    pageScrollTop: document.scrollingElement.scrollTop,
    scrollY: window.scrollY,
    width: window.innerWidth,
    height: window.innerHeight,
    header: box(".chat-header"),
    composer: box(".composer"),
    input: box("#message"),
    logScrollTop: log.scrollTop,
    logScrollHeight: log.scrollHeight,
    logClientHeight: log.clientHeight,
  };
}"""

NEXT_FRAMES = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)


def assert_in_view(geometry: dict[str, Any]) -> None:
    """The page did not scroll; the header and the composer are wholly inside the viewport."""
    assert geometry["pageScrollTop"] == 0 and geometry["scrollY"] == 0, geometry
    height, width = geometry["height"], geometry["width"]
    for part in ("header", "composer", "input"):
        box = geometry[part]
        assert box["top"] >= 0 and box["bottom"] <= height + 0.5, (part, box, height)
        assert box["left"] >= 0 and box["right"] <= width + 0.5, (part, box, width)
    assert geometry["header"]["top"] == 0, "the header sits at the top"
    assert abs(geometry["composer"]["bottom"] - height) <= 0.5, "the composer sits at the bottom"


async def settle(target: Any, rounds: int = 30) -> dict[str, Any]:
    """Wait until the log stops moving (smooth scrolling), then return the geometry."""
    last: dict[str, Any] = await target.evaluate(GEOMETRY)
    for _ in range(rounds):
        await target.evaluate(NEXT_FRAMES)
        now: dict[str, Any] = await target.evaluate(GEOMETRY)
        if now == last:
            return now
        last = now
    return last


async def touch_scroll(page: Any, x: float, y: float, distance: float) -> None:
    """Drag a finger over the page (positive distance: the content moves down, i.e. scroll up)."""
    cdp = await page.context.new_cdp_session(page)
    try:
        await cdp.send(
            "Input.synthesizeScrollGesture",
            {"x": x, "y": y, "yDistance": distance, "gestureSourceType": "touch", "speed": 3000},
        )
    finally:
        await cdp.detach()


# ---------------------------------------------------------------- accessibility


async def serious_violations(target: Any) -> list[str]:
    """Run axe-core (from the axe-playwright-python package) in a page or frame.

    Returns the critical and serious violations, one line each. Frames are checked on their
    own (axe is injected per document), so the run does not descend into iframes.
    """
    from axe_playwright_python.base import AXE_SCRIPT

    await target.evaluate(AXE_SCRIPT)
    result = await target.evaluate(
        "(options) => axe.run(document, options)",
        {"resultTypes": ["violations"], "iframes": False},
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("critical", "serious")
    ]
