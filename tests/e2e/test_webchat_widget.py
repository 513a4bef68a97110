"""The web chat on a ward's website (issue 16, point 12): widget.js, and who may frame the chat.

The ward's site is served from another origin with a strict Content-Security-Policy of its
own; the widget must work there without a single violation. The widget screenshot in
docs/img is written by these tests.
"""

from __future__ import annotations

import json
import re
from typing import Any

import aiohttp
import pytest

from bot.app import App
from bot.runtime import Runtime
from tests.conftest import DEFAULT_NOW
from tests.e2e.test_webchat_browser import browser, chat_url, site, web
from tests.e2e.webchat_pages import (
    DOCS_IMG,
    WARD_COLOUR,
    WARD_TITLE,
    Site,
    new_page,
    serious_violations,
)

pytestmark = pytest.mark.e2e
__all__ = ["browser", "site", "web"]  # fixtures shared with the page tests

WATCH_POLICY = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


def text(app: App, lang: str, key: str) -> str:
    return app.parts.translations.get(lang).text(key)


def rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_the_widget_opens_the_chat_in_a_panel_under_a_strict_policy(
    web: Runtime, site: Site, browser: Any, size: str
) -> None:
    from playwright.async_api import expect

    core = web.core
    page = await new_page(browser, size)
    await page.clock.set_fixed_time(DEFAULT_NOW)
    await page.add_init_script(WATCH_POLICY)
    await page.goto(f"{site.origin}/ward")
    launcher = page.locator("button.tcns-chat-launcher")
    await expect(launcher).to_be_visible()
    await expect(launcher).to_have_accessible_name(text(core, "vi", "web.widget_open"))
    assert await launcher.evaluate("(b) => getComputedStyle(b).backgroundColor") == rgb(WARD_COLOUR)
    assert await launcher.get_attribute("aria-expanded") == "false"
    panel = page.get_by_role("dialog", name=WARD_TITLE)
    await expect(panel).to_be_hidden()
    assert await page.locator("iframe").count() == 0, "the chat loads only when opened"

    await launcher.click()
    await expect(panel).to_be_visible()
    await expect(panel).to_contain_text(WARD_TITLE)
    chat = page.frame_locator(f"iframe[title='{WARD_TITLE}']")
    bot = chat.locator("#log .msg.bot")
    await expect(bot).to_have_count(1)
    box = chat.get_by_label(text(core, "vi", "web.input_label"))
    await expect(box).to_be_focused()
    await box.fill("tong dai 1022")
    await box.press("Enter")
    await expect(bot.last).to_contain_text("1022")
    frame = page.frame(url=re.compile(r"/web/\?embed=1"))
    assert frame is not None
    assert await frame.evaluate("document.documentElement.classList.contains('embedded')")
    accent = await frame.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    assert accent == WARD_COLOUR, "the chat takes the ward's colour"

    box_of = await panel.bounding_box()
    viewport = page.viewport_size
    assert box_of is not None and viewport is not None
    if size == "phone":  # the whole screen, the launcher out of the way
        assert box_of == {"x": 0, "y": 0, "width": 390, "height": 844}
        await expect(launcher).to_be_hidden()
    else:
        assert box_of["x"] + box_of["width"] <= viewport["width"] - 20
        assert box_of["y"] >= 0 and box_of["y"] + box_of["height"] <= viewport["height"]
        assert await launcher.get_attribute("aria-expanded") == "true"
        await expect(launcher).to_have_accessible_name(text(core, "vi", "web.widget_close"))

    assert await page.evaluate("window.__violations") == [], "not one CSP violation"
    assert await serious_violations(page) == []
    assert await serious_violations(frame) == []
    if size == "desktop":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(DOCS_IMG / "webchat-widget.png"))

    await box.press("Escape")  # Escape inside the chat closes the panel
    await expect(panel).to_be_hidden()
    await expect(launcher).to_be_focused()
    await launcher.click()
    await expect(panel).to_be_visible()
    await expect(bot).to_have_count(2)  # the same conversation, not reloaded
    await panel.get_by_role("button", name=text(core, "vi", "web.widget_close")).click()
    await expect(panel).to_be_hidden()
    assert await page.evaluate("window.__violations") == []


async def test_the_widget_speaks_the_language_of_its_tag(
    web: Runtime, site: Site, browser: Any
) -> None:
    from playwright.async_api import expect

    core = web.core
    page = await new_page(browser, "desktop")
    await page.goto(f"{site.origin}/ward?lang=en")
    await page.get_by_role("button", name=text(core, "en", "web.widget_open")).click()
    chat = page.frame_locator("iframe")
    await expect(chat.locator("#log .msg.bot")).to_have_count(2)  # "Language set", welcome
    await expect(chat.get_by_label(text(core, "en", "web.input_label"))).to_be_visible()
    frame = page.frame(url=re.compile(r"/web/\?embed=1"))
    assert frame is not None and await frame.evaluate("document.documentElement.lang") == "en"


async def test_only_this_site_and_the_listed_sites_may_frame_the_chat(
    web: Runtime, site: Site, browser: Any, http: aiohttp.ClientSession
) -> None:
    from playwright.async_api import expect

    async with http.get(chat_url(web)) as response:
        policy = response.headers["Content-Security-Policy"]
    assert policy.endswith(f"frame-ancestors 'self' {site.origin}")
    async with http.get(chat_url(web, "api/strings")) as response:
        assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]

    page = await new_page(browser, "desktop")
    await page.goto(f"{site.origin}/framing?w=600&h=500")
    listed = page.frame_locator("iframe.chat")
    await expect(listed.locator("#log .msg.bot")).to_have_count(1)

    await page.goto(f"{site.stranger}/framing?w=600&h=500")  # the same page, another site
    element = await page.query_selector("iframe.chat")
    assert element is not None
    refused = await element.content_frame()
    assert refused is not None
    assert await refused.locator("#message").count() == 0, "the browser refused to frame it"


async def test_widget_js_carries_its_texts_and_may_be_used_by_any_site(
    web: Runtime, http: aiohttp.ClientSession
) -> None:
    async with http.get(chat_url(web, "widget.js")) as response:
        assert response.status == 200
        assert response.content_type == "text/javascript"
        assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
        script = await response.text()
    assert "__TCNS_WIDGET_STRINGS__" not in script
    match = re.search(r"const TEXTS = (\{.*?\});\n", script)
    assert match is not None
    texts = json.loads(match.group(1))
    for lang in ("vi", "en"):
        assert texts[lang]["widget_open"] == text(web.core, lang, "web.widget_open")
        assert texts[lang]["widget_close"] == text(web.core, lang, "web.widget_close")
    assert "innerHTML" not in script and 'setAttribute("style"' not in script
    assert "cssText" not in script and 'createElement("style")' not in script
