"""The web chat: its JSON API over HTTP, and the page itself in a real headless Chromium."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import App, build_app
from bot.core.clock import FixedClock
from bot.core.messages import Address, Delivery, Document, Reply
from bot.runtime import RunOptions, Runtime
from bot.settings import Settings
from bot.web.webchat import RateLimiter
from tests.e2e.conftest import Ticks

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER = "Browser_ID-0123456789abcdef"


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


@pytest.fixture
async def web(settings: Settings, clock: FixedClock, ticks: Ticks) -> AsyncIterator[Runtime]:
    """The bot with no platform token: the web chat alone, on a free port."""
    core = build_app(replace(settings, web_port=0), clock=clock, migrate=False)
    limiter = RateLimiter(limit=20, window=10.0, clock=ticks)
    running = Runtime(core, RunOptions(limiter=limiter))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
        core.close()


def base(runtime: Runtime) -> str:
    assert runtime.server is not None
    return runtime.server.url


async def say(
    http: aiohttp.ClientSession, runtime: Runtime, **body: Any
) -> tuple[int, dict[str, Any]]:
    async with http.post(base(runtime) + "/web/api/message", json=body) as response:
        return response.status, await response.json()


async def test_api_answers_with_text_and_buttons(web: Runtime, http: aiohttp.ClientSession) -> None:
    status, data = await say(http, web, browser_id=BROWSER, text="/lang")
    assert status == 200
    [reply] = data["replies"]
    assert reply["text"] == vi(web.core, "lang.choose")
    assert reply["buttons"] == [
        [{"label": "Tiếng Việt", "payload": "lang:vi"}, {"label": "English", "payload": "lang:en"}]
    ]
    status, data = await say(http, web, browser_id=BROWSER, payload="lang:en")
    assert data["replies"][0]["text"] == "Language set to English."


@pytest.mark.parametrize(
    "browser_id", ["short", "x" * 65, "has space in it here", "ümlaut-ümlaut-ümlaut", 12345, None]
)
async def test_bad_browser_ids_are_refused(
    web: Runtime, http: aiohttp.ClientSession, browser_id: object
) -> None:
    status, data = await say(http, web, browser_id=browser_id, text="xin chào")
    assert status == 400 and data["error"] == vi(web.core, "web.bad_request")
    async with http.get(base(web) + "/web/api/poll", params={"browser_id": "bad id"}) as resp:
        assert resp.status == 400


async def test_rate_limit_is_per_browser_and_polite(
    web: Runtime, http: aiohttp.ClientSession, ticks: Ticks
) -> None:
    for _ in range(20):
        status, _data = await say(http, web, browser_id=BROWSER, text="/help")
        assert status == 200
    status, data = await say(http, web, browser_id=BROWSER, text="/help")
    assert status == 429 and data["error"] == vi(web.core, "web.rate_limited")
    status, data = await say(http, web, browser_id=BROWSER, text="/help", lang="en")
    assert status == 429
    assert data["error"] == web.core.parts.translations.get("en").text("web.rate_limited")
    status, _data = await say(http, web, browser_id="another-browser-0001", text="/help")
    assert status == 200
    ticks.now += 10.5
    status, _data = await say(http, web, browser_id=BROWSER, text="/help")
    assert status == 200


async def test_replies_from_elsewhere_wait_in_the_outbox(
    web: Runtime, http: aiohttp.ClientSession
) -> None:
    report = Document("huong-dan.pdf", b"%PDF-1.4 fake", caption="Hướng dẫn VNeID")
    await web.core.dispatcher.deliver(
        [
            Delivery(Address("web", BROWSER), Reply(text="Tình nguyện viên Lan: chị chờ em nhé")),
            Delivery(Address("web", BROWSER), Reply(document=report)),
        ]
    )
    async with http.get(base(web) + "/web/api/poll", params={"browser_id": BROWSER}) as resp:
        replies = (await resp.json())["replies"]
    assert replies[0]["text"] == "Tình nguyện viên Lan: chị chờ em nhé"
    [file] = replies[1]["files"]
    assert (file["name"], file["kind"], file["caption"]) == report_fields(report)
    async with http.get(base(web) + "/web/" + file["url"]) as resp:
        assert resp.status == 200 and await resp.read() == report.content
        assert resp.headers["Content-Disposition"].startswith("attachment")
    async with http.get(base(web) + "/web/api/poll", params={"browser_id": BROWSER}) as resp:
        assert (await resp.json())["replies"] == []


def report_fields(report: Document) -> tuple[str, str, str]:
    return report.filename, "document", report.caption


async def test_page_is_embeddable_and_strings_exist_in_both_languages(
    web: Runtime, http: aiohttp.ClientSession
) -> None:
    async with http.get(base(web) + "/") as resp:
        assert resp.status == 200 and str(resp.url).endswith("/web/")
        assert "X-Frame-Options" not in resp.headers
        assert resp.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")
        page = await resp.text()
    assert '<html lang="vi">' in page and "aria-live" in page and '<label for="message"' in page
    assert "http://" not in page and "https://" not in page, "no external resources"
    keys = []
    for lang in ("vi", "en"):
        async with http.get(base(web) + "/web/api/strings", params={"lang": lang}) as resp:
            keys.append(set((await resp.json())["strings"]))
    assert keys[0] == keys[1] and {"title", "input_label", "send", "rate_limited"} <= keys[0]


def test_run_without_tokens_serves_the_web_chat(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN")
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/bot.db", WEB_PORT="0", PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = ""
        for line in process.stdout:
            if match := re.search(r"(http://127\.0\.0\.1:\d+)/web/", line):
                url = match.group(1)
                break
        assert url, "the web chat URL is printed"
        health = subprocess.run(
            [sys.executable, "-c", f"import urllib.request as u; print(u.urlopen('{url}/healthz').read().decode())"],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        assert '"status": "ok"' in health.stdout
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


# ---------------------------------------------------------------- the page in a real browser


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = "Chromium is not installed (apt-get install chromium)"
    if os.environ.get("REQUIRE_CHROMIUM"):
        pytest.fail(f"{reason}, but REQUIRE_CHROMIUM is set")
    pytest.skip(f"{reason}; set REQUIRE_CHROMIUM=1 to make this a failure")


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    """A page in headless Debian Chromium, driven by Playwright (no downloaded browser)."""
    _need_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 390, "height": 740})
        try:
            yield await context.new_page()
        finally:
            await context.close()
            await browser.close()


async def test_resident_chats_with_the_keyboard_and_buttons(web: Runtime, page: Any) -> None:
    from playwright.async_api import expect

    core = web.core
    await page.goto(base(web) + "/web/?poll=1000")
    log = page.get_by_role("log")
    bot = log.locator(".msg.bot")
    welcome = vi(core, "start.welcome.resident", name=vi(core, "start.friend")).splitlines()[0]
    await expect(bot.first).to_contain_text(welcome)
    await expect(page.get_by_role("heading", level=1)).to_have_text(vi(core, "web.title"))
    box = page.get_by_label(vi(core, "web.input_label"))
    await expect(box).to_be_focused()
    await box.fill("/help")
    await box.press("Enter")
    await expect(log.locator(".msg.user").last).to_contain_text("/help")
    await expect(bot).to_have_count(2)
    await expect(bot.last).to_contain_text(vi(core, "help.intro.resident").splitlines()[0])
    await expect(box).to_have_value("")
    await bot.last.get_by_role("button", name=vi(core, "menu.lang")).click()
    await expect(bot).to_have_count(3)
    await expect(bot.last).to_contain_text(vi(core, "lang.choose"))
    english = bot.last.get_by_role("button", name="English")
    await english.focus()
    await page.keyboard.press("Enter")
    await expect(bot.last).to_have_text(re.compile("Language set to English"))
    browser_id = await page.evaluate("localStorage.getItem('tcns-browser-id')")
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", browser_id)
    relay = Reply(text="Tình nguyện viên Lan: em gọi lại cho bác nhé")
    await core.dispatcher.deliver([Delivery(Address("web", browser_id), relay)])
    await expect(bot.last).to_contain_text("em gọi lại cho bác nhé")


async def test_language_switch_and_rate_limit_notice(web: Runtime, page: Any) -> None:
    from playwright.async_api import expect

    core = web.core
    await page.goto(base(web) + "/web/")
    bot = page.get_by_role("log").locator(".msg.bot")
    await expect(bot).to_have_count(1)
    await page.get_by_role("button", name="English").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        core.parts.translations.get("en").text("web.title")
    )
    await expect(bot.last).to_have_text(re.compile("Language set to English"))
    assert await page.evaluate("document.documentElement.lang") == "en"
    web.options.limiter.limit = 0  # type: ignore[union-attr]
    box = page.get_by_label("Your question")
    await box.fill("xin chào")
    await box.press("Enter")
    notice = page.get_by_role("log").locator(".msg.notice").last
    await expect(notice).to_have_text(core.parts.translations.get("en").text("web.rate_limited"))
