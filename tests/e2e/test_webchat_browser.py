"""The web chat as a resident uses it, in real headless Chromium (Debian's, driven by Playwright).

Issue 16, points 8-11 and 13: the page never scrolls away, links are links and HTML is text,
the conversation survives a reload, one language state, typing indicator, times, the
2,000-character warning, favicon, and axe-core finds nothing critical or serious. The
desktop and phone screenshots in docs/img are written by these tests.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from bot.app import App, build_app
from bot.core.clock import FixedClock
from bot.core.messages import Address, Delivery, Reply
from bot.runtime import RunOptions, Runtime
from bot.settings import Settings
from bot.web.webchat import RateLimiter
from tests.conftest import DEFAULT_NOW
from tests.e2e.webchat_pages import (
    DOCS_IMG,
    SIZES,
    Site,
    assert_in_view,
    chromium,
    new_page,
    serious_violations,
    serve_site,
    settle,
    touch_scroll,
)

pytestmark = pytest.mark.e2e


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


def en(app: App, key: str, **params: object) -> str:
    """Return an English catalog text."""
    return app.parts.translations.get("en").text(key, **params)


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    """A ward's website on another origin, allowed to frame the chat."""
    async with serve_site() as served:
        yield served


@pytest.fixture
async def web(settings: Settings, clock: FixedClock, site: Site) -> AsyncIterator[Runtime]:
    """The bot serving the web chat alone, framable by the host site, with a loose rate limit."""
    configured = replace(settings, web_port=0, web_frame_ancestors=(site.origin,))
    core = build_app(configured, clock=clock, migrate=False)
    running = Runtime(core, RunOptions(limiter=RateLimiter(limit=1000, window=10.0)))
    await running.start()
    assert running.server is not None
    site.bot = running.server.url
    try:
        yield running
    finally:
        await running.stop()
        core.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with chromium() as launched:
        yield launched


def chat_url(runtime: Runtime, query: str = "") -> str:
    assert runtime.server is not None
    return f"{runtime.server.url}/web/{query}"


async def ask(page: Any, text: str, chat: Any = None) -> int:
    """Type a question and press Enter like a resident; wait for every reply; return how many."""
    from playwright.async_api import expect

    chat = chat or page.main_frame
    bot = chat.locator("#log .msg.bot")
    before = await bot.count()
    box = chat.locator("#message")
    await box.fill(text)
    async with page.expect_response(re.compile(r"/web/api/message$")) as answered:
        await box.press("Enter")
    replies = len((await (await answered.value).json())["replies"])
    assert replies > 0, text
    await expect(bot).to_have_count(before + replies)
    return replies


async def browser_id(page: Any) -> str:
    value = await page.evaluate("localStorage.getItem('tcns-browser-id')")
    assert isinstance(value, str)
    return value


async def center(locator: Any) -> tuple[float, float]:
    box = await locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


# ---------------------------------------------------------------- point 8: geometry


@pytest.mark.parametrize("where", ["standalone", "iframe"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_only_the_conversation_scrolls(
    web: Runtime, site: Site, browser: Any, size: str, where: str
) -> None:
    from playwright.async_api import expect

    page = await new_page(browser, size)
    if where == "standalone":
        await page.goto(chat_url(web))
        chat = page.main_frame
    else:
        width, height = SIZES[size]["width"] - 64, SIZES[size]["height"] - 240
        await page.goto(f"{site.origin}/framing?w={width}&h={height}")
        element = await page.query_selector("iframe.chat")
        chat = await element.content_frame()
    await expect(chat.locator("#log .msg.bot")).to_have_count(1)
    for _ in range(10):  # ten answers
        await ask(page, "/help", chat)
    first = await settle(chat)
    assert_in_view(first)
    assert first["logScrollHeight"] > 3 * first["logClientHeight"], "the conversation overflows"
    newest = first["logScrollTop"]
    assert newest > 0, "the newest answer is in view"

    async def host_top() -> None:
        if where == "iframe":  # the host page may scroll; our frame must stay whole
            await page.evaluate("window.scrollTo(0, 0)")

    x, y = await center(chat.locator("#log"))
    await page.mouse.move(x, y)
    await page.mouse.wheel(0, -2500)
    after_wheel = await settle(chat)
    assert_in_view(after_wheel)
    assert after_wheel["logScrollTop"] < newest, "the wheel scrolls the conversation"

    await touch_scroll(page, x, y, 300)  # finger down: back up through the conversation
    after_touch = await settle(chat)
    assert_in_view(after_touch)
    await touch_scroll(page, x, y, -6000)  # and down to the end, past it
    assert_in_view(await settle(chat))

    for part in ("header", ".composer"):
        await host_top()
        px, py = await center(chat.locator(part).first)
        await page.mouse.move(px, py)
        await page.mouse.wheel(0, 1500)
        assert_in_view(await settle(chat))
        await page.mouse.wheel(0, -1500)
        assert_in_view(await settle(chat))
        await host_top()
        px, py = await center(chat.locator(part).first)
        await touch_scroll(page, px, py, -500)
        assert_in_view(await settle(chat))
        await touch_scroll(page, px, py, 500)
        assert_in_view(await settle(chat))

    await host_top()
    await ask(page, "/help", chat)  # one more answer after all that scrolling
    assert_in_view(await settle(chat))


# ---------------------------------------------------------------- point 9: links, never HTML

HOSTILE = (
    "Thử <img src=x onerror=alert(1)> và <b>chữ đậm</b>\n"
    "Nộp hồ sơ tại https://dichvucong.gov.vn; góp ý: https://gopy.danang.gov.vn.\n"
    "Gọi 1022, 1900 0368 hoặc 0236.383.1022 nhé.\n"
    "Không phải số gọi: 10220, năm 2025, 048190001234, 1.022 người; http://example.com"
)


async def test_answers_show_links_and_hotlines_but_never_html(web: Runtime, browser: Any) -> None:
    from playwright.async_api import expect

    page = await new_page(browser, "desktop")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))

    async def portal(route: Any) -> None:
        await route.fulfill(
            body="<title>Cổng DVC</title><p>Cổng Dịch vụ công</p>", content_type="text/html"
        )

    await page.context.route("https://dichvucong.gov.vn/**", portal)
    await page.goto(chat_url(web, "?poll=1000"))
    bot = page.locator("#log .msg.bot")
    await expect(bot).to_have_count(1)
    relay = Reply(text=HOSTILE)
    await web.core.dispatcher.deliver([Delivery(Address("web", await browser_id(page)), relay)])
    await expect(bot).to_have_count(2)
    answer = bot.last
    await expect(answer).to_contain_text("<img src=x onerror=alert(1)> và <b>chữ đậm</b>")
    assert await page.locator("#log img, #log b, #log script").count() == 0
    links = await answer.locator("a").evaluate_all(
        "(all) => all.map((a) => [a.getAttribute('href'), a.target, a.rel, a.textContent])"
    )
    new_tab = " " + vi(web.core, "web.new_tab")
    assert links == [
        ["https://dichvucong.gov.vn", "_blank", "noopener noreferrer", "https://dichvucong.gov.vn" + new_tab],
        ["https://gopy.danang.gov.vn", "_blank", "noopener noreferrer", "https://gopy.danang.gov.vn" + new_tab],
        ["tel:1022", "", "", "1022"],
        ["tel:19000368", "", "", "1900 0368"],
        ["tel:02363831022", "", "", "0236.383.1022"],
    ]  # fmt: skip
    await expect(answer).to_contain_text(f"https://dichvucong.gov.vn{new_tab}; góp ý")

    async with page.context.expect_page() as opened:
        await answer.get_by_role("link", name=re.compile("dichvucong")).click()
    portal_page = await opened.value
    await portal_page.wait_for_load_state()
    assert portal_page.url == "https://dichvucong.gov.vn/"
    assert await portal_page.evaluate("window.opener === null")

    await ask(page, "<script>alert(2)</script><img src=y onerror=alert(3)>")
    user = page.locator("#log .msg.user").last
    await expect(user).to_contain_text("<script>alert(2)</script><img src=y onerror=alert(3)>")
    assert await page.locator("#log img, #log script").count() == 0
    assert dialogs == []


# ---------------------------------------------------------------- point 10: history, new chat


async def bubble_texts(page: Any) -> list[str]:
    texts: list[str] = await page.locator("#log .msg.user p, #log .msg.bot p").all_inner_texts()
    return texts


async def test_the_conversation_survives_a_reload_and_can_be_cleared(
    web: Runtime, browser: Any
) -> None:
    from playwright.async_api import expect

    core = web.core
    page = await new_page(browser, "phone")
    await page.goto(chat_url(web))
    bot = page.locator("#log .msg.bot")
    await expect(bot).to_have_count(1)
    await ask(page, "/help")
    await ask(page, "tong dai 1022")
    before = await bubble_texts(page)
    answers = await bot.count()
    first_id = await browser_id(page)

    await page.goto("about:blank")  # the resident leaves; a volunteer answers meanwhile
    note = Reply(text="Tình nguyện viên: em gọi lại cho bác lúc 10 giờ nhé")
    await core.dispatcher.deliver([Delivery(Address("web", first_id), note)])
    await page.goto(chat_url(web))
    await expect(bot).to_have_count(answers + 1)
    assert await bubble_texts(page) == [*before, note.text], "history, then the kept reply"
    welcome = vi(core, "start.welcome.resident", name=vi(core, "start.friend")).splitlines()[0]
    await expect(page.locator("#log .msg.bot", has_text=welcome)).to_have_count(1)  # no 2nd /start

    await page.reload()
    await expect(bot).to_have_count(answers + 1)
    assert await bubble_texts(page) == [*before, note.text]

    await page.get_by_role("button", name=vi(core, "web.new_chat")).click()
    await expect(bot).to_have_count(1)
    await expect(bot.first).to_contain_text(welcome)
    assert await page.locator("#log .msg.user").count() == 0
    await expect(page.locator("#log")).to_contain_text(vi(core, "web.new_chat_done"))
    second_id = await browser_id(page)
    assert second_id != first_id, "a shared phone starts as a new, unknown browser"
    await page.reload()
    await expect(bot).to_have_count(1)
    assert await page.locator("#log .msg.user").count() == 0
    assert await browser_id(page) == second_id


async def test_history_keeps_the_last_50_messages(
    web: Runtime, browser: Any, clock: FixedClock
) -> None:
    from playwright.async_api import expect

    page = await new_page(browser, "desktop")
    await page.goto(chat_url(web))
    await expect(page.locator("#log .msg.bot")).to_have_count(1)
    for n in range(1, 27):  # 1 welcome + 26 questions and 26 answers = 53 messages
        clock.advance(timedelta(minutes=1))  # a resident's pace: no flood control
        assert await ask(page, f"/help {n}") == 1
    stored = json.loads(await page.evaluate("localStorage.getItem('tcns-history')"))
    assert len(stored) == 50
    await page.reload()
    messages = page.locator("#log .msg.user, #log .msg.bot")
    await expect(messages).to_have_count(50)
    await expect(messages.first.locator("p")).to_have_text("/help 2")  # the oldest three left
    await expect(page.locator("#log .msg.user").last).to_contain_text("/help 26")


# ---------------------------------------------------------------- point 11: one language state


async def test_one_language_state_both_ways(web: Runtime, browser: Any) -> None:
    from playwright.async_api import expect

    core = web.core
    page = await new_page(browser, "desktop")
    await page.goto(chat_url(web))
    bot = page.locator("#log .msg.bot")
    heading = page.get_by_role("heading", level=1)
    await expect(bot).to_have_count(1)
    await expect(heading).to_have_text(vi(core, "web.title"))

    await ask(page, "/lang")  # the in-chat command and its buttons...
    await bot.last.get_by_role("button", name="English").click()
    await expect(bot).to_have_count(3)
    await expect(bot.last).to_have_text(re.compile(re.escape(en(core, "lang.set"))))
    await expect(heading).to_have_text(en(core, "web.title"))  # ...switch the page too
    assert await page.evaluate("document.documentElement.lang") == "en"
    await expect(page.get_by_label(en(core, "web.input_label"))).to_be_visible()
    await expect(page.locator("#send")).to_have_text(en(core, "web.send"))
    await expect(page.locator("#lang-switch")).to_have_text("Tiếng Việt")
    await ask(page, "/help")
    await expect(bot.last).to_contain_text(en(core, "help.intro.resident").splitlines()[0])

    await page.reload()  # the choice is remembered
    await expect(heading).to_have_text(en(core, "web.title"))
    assert await page.evaluate("document.documentElement.lang") == "en"

    await page.locator("#lang-switch").click()  # and the header switch changes the replies
    await expect(bot).to_have_count(5)
    await expect(bot.last).to_have_text(re.compile(re.escape(vi(core, "lang.set"))))
    await expect(heading).to_have_text(vi(core, "web.title"))
    assert await page.evaluate("document.documentElement.lang") == "vi"
    await ask(page, "/help")
    await expect(bot.last).to_contain_text(vi(core, "help.intro.resident").splitlines()[0])


# ---------------------------------------------------------------- point 13: a modern chat


async def test_typing_indicator_while_an_answer_is_on_its_way(web: Runtime, browser: Any) -> None:
    from playwright.async_api import expect

    page = await new_page(browser, "phone")
    await page.goto(chat_url(web))
    bot = page.locator("#log .msg.bot")
    await expect(bot).to_have_count(1)
    typing = page.locator("#typing")
    await expect(typing).to_be_hidden()
    release = asyncio.Event()

    async def hold(route: Any) -> None:
        await release.wait()
        await route.continue_()

    await page.route("**/web/api/message", hold)
    box = page.locator("#message")
    await box.fill("/help")
    await box.press("Enter")
    await expect(typing).to_be_visible()
    await expect(typing).to_have_text(vi(web.core, "web.typing"))
    assert await typing.get_attribute("role") == "status"
    release.set()
    await expect(bot).to_have_count(2)
    await expect(typing).to_be_hidden()


async def test_message_times_are_shown_in_vietnam_time(web: Runtime, browser: Any) -> None:
    from playwright.async_api import expect

    page = await new_page(browser, "desktop")
    await page.clock.set_fixed_time(DEFAULT_NOW)  # the browser's "today" is the bot's
    await page.goto(chat_url(web))
    bot = page.locator("#log .msg.bot")
    await expect(bot).to_have_count(1)
    stamp = bot.first.locator("time")
    await expect(stamp).to_have_text("09:00")  # 02:00 UTC is 09:00 in Asia/Ho_Chi_Minh
    assert await stamp.get_attribute("datetime") == "2026-03-04T02:00:00.000Z"
    await ask(page, "/help")
    await expect(page.locator("#log .msg.user time")).to_have_text("09:00")


async def test_long_messages_are_warned_about_never_cut(
    web: Runtime, browser: Any, http: aiohttp.ClientSession
) -> None:
    from playwright.async_api import expect

    core = web.core
    page = await new_page(browser, "phone")
    await page.goto(chat_url(web))
    await expect(page.locator("#log .msg.bot")).to_have_count(1)
    box, counter = page.locator("#message"), page.locator("#counter")
    await box.fill("a" * 1900)
    await expect(counter).to_have_text(vi(core, "web.chars_left", count=100))
    await box.fill("Bác hỏi: " + "a" * 1992)  # 2,001 characters
    await expect(counter).to_have_text(vi(core, "web.over_limit", count="2.001"))
    assert await box.get_attribute("aria-invalid") == "true"
    await box.press("Enter")
    await page.locator("#send").click()
    assert await page.locator("#log .msg.user").count() == 0, "nothing sent"
    assert len(await box.input_value()) == 2001, "and nothing cut"
    await box.press("End")
    await box.press("Backspace")
    await expect(counter).to_have_text(vi(core, "web.chars_left", count=0))
    async with page.expect_response(re.compile(r"/web/api/message$")):
        await box.press("Enter")
    await expect(page.locator("#log .msg.user")).to_have_count(1)
    await expect(box).to_have_value("")
    await expect(counter).to_be_hidden()

    body = {"browser_id": "Browser_ID-0123456789abcdef", "text": "x" * 2001}
    async with http.post(chat_url(web, "api/message"), json=body) as response:
        assert response.status == 400
        assert (await response.json())["error"] == vi(core, "web.too_long")


async def test_the_page_has_a_favicon(web: Runtime, http: aiohttp.ClientSession) -> None:
    async with http.get(chat_url(web)) as response:
        page = await response.text()
    assert '<link rel="icon" href="static/favicon.svg" type="image/svg+xml">' in page
    async with http.get(chat_url(web, "static/favicon.svg")) as response:
        assert response.status == 200 and response.content_type == "image/svg+xml"
        assert (await response.text()).startswith("<svg")


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_no_serious_accessibility_violations_and_docs_screenshots(
    web: Runtime, browser: Any, size: str
) -> None:
    from playwright.async_api import expect

    core = web.core
    page = await new_page(browser, size)
    await page.clock.set_fixed_time(DEFAULT_NOW)
    await page.goto(chat_url(web))
    await expect(page.locator("#log .msg.bot")).to_have_count(1)
    await ask(page, "dang ky khai sinh online")
    await ask(page, "tong dai 1022 la gi")
    assert await page.locator("#log a[href^='https://']").count() > 0
    assert await page.locator("#log a[href^='tel:']").count() > 0
    assert await serious_violations(page) == []
    await page.locator("#message").fill("Cho mình hỏi cài VNeID trên điện thoại cũ được không?")
    await page.locator("#log").evaluate("(log) => { log.scrollTop = log.scrollHeight; }")
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(DOCS_IMG / f"webchat-{size}.png"))

    await page.locator("#lang-switch").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(en(core, "web.title"))
    await page.locator("#message").fill("x" * 2001)  # the warning, too, must be accessible
    await expect(page.locator("#counter")).not_to_be_empty()
    assert await serious_violations(page) == []
