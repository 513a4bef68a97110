"""Bad input at the HTTP edge gets a 4xx, never a 500 (issue 12, point 10).

One running bot serves the Telegram and Zalo webhooks and the web chat, on SQLite and on
PostgreSQL (which refuses NUL characters in text): nesting thousands deep, bodies that are
not objects or not UTF-8, wrong types, and NUL characters inside what people type.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlmodel import col, select

from bot.app import build_app
from bot.channels.registry import TELEGRAM, ZALO
from bot.core.clock import FixedClock
from bot.runtime import RunOptions, Runtime
from bot.settings import Settings
from storage.question_models import ResidentQuestion
from tests.e2e.test_webhooks import telegram_update
from tests.fakes import FakeTelegram
from tests.fakes.fake_zalo import FakeZalo
from tests.scale.flows import texts_to

pytestmark = pytest.mark.e2e
TG_TOKEN, TG_SECRET = "4242:TEST-token", "tg_secret-123"
ZALO_TOKEN, ZALO_SECRET = "3131:zalo-TEST-token", "zalo_secret-456"
BROWSER = "Browser_ID-0123456789abcdef"
DEEP_LIST = b"[" * 100_000 + b"]" * 100_000
QUESTION = "ung dung\x00 zxqv plorb bi loi"


async def no_sleep(seconds: float) -> None:
    """The channels' back-off waits are skipped."""


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeTelegram, FakeZalo]]:
    async with FakeTelegram(token=TG_TOKEN) as tg, FakeZalo(token=ZALO_TOKEN) as zalo:
        yield tg, zalo


@pytest.fixture
async def edge(
    db_url: str, clock: FixedClock, fakes: tuple[FakeTelegram, FakeZalo]
) -> AsyncIterator[Runtime]:
    """Webhooks of both platforms and the web chat, on SQLite or PostgreSQL."""
    tg, zalo = fakes
    settings = (
        Settings(database_url=db_url, web_port=0)
        .with_channel(
            "telegram", token=TG_TOKEN, api_base_url=tg.base_url, webhook_secret=TG_SECRET
        )
        .with_channel(
            "zalo", token=ZALO_TOKEN, api_base_url=zalo.base_url, webhook_secret=ZALO_SECRET
        )
    )
    core = build_app(settings, clock=clock, migrate=False)
    running = Runtime(core, RunOptions(webhook=True, sleep=no_sleep))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
        core.close()


def doors(runtime: Runtime) -> list[tuple[str, dict[str, str]]]:
    """Every door a stranger can post JSON to, with the headers that open it."""
    assert runtime.server is not None
    base = runtime.server.url
    return [
        (base + TELEGRAM.webhook_path, {TELEGRAM.secret_header: TG_SECRET}),
        (base + ZALO.webhook_path, {ZALO.secret_header: ZALO_SECRET}),
        (base + "/web/api/message", {}),
    ]


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


BAD_BODIES: list[tuple[str, bytes]] = [
    ("nested-list", DEEP_LIST),
    ("nested-object", b'{"a":' * 5_000 + b"1" + b"}" * 5_000),
    ("nested-40", json.dumps({"browser_id": BROWSER, "text": _nested(40)}).encode()),
    ("not-utf8", b'{"text": "\xff\xfe"}'),
    ("array", b"[1, 2, 3]"),
    ("string", b'"xin chao"'),
    ("number", b"42"),
    ("empty", b""),
]


@pytest.mark.parametrize(("name", "body"), BAD_BODIES, ids=[n for n, _ in BAD_BODIES])
async def test_malformed_bodies_get_a_4xx_at_every_door(
    edge: Runtime, http: aiohttp.ClientSession, name: str, body: bytes
) -> None:
    for url, headers in doors(edge):
        send = {**headers, "Content-Type": "application/json"}
        async with http.post(url, data=body, headers=send) as response:
            assert 400 <= response.status < 500, (name, url, response.status)
            assert "Traceback" not in await response.text()
    await edge.tasks.wait_idle()
    assert "bot_errors_total{" not in _samples(edge)


WRONG_TYPES: list[dict[str, Any]] = [
    {"browser_id": BROWSER, "text": ["xin chào"]},
    {"browser_id": BROWSER, "payload": {"lang": "vi"}},
    {"browser_id": BROWSER, "text": 12},
    {"browser_id": BROWSER, "text": None, "payload": None},
    {"browser_id": [BROWSER], "text": "xin chào"},
]


@pytest.mark.parametrize("body", WRONG_TYPES)
async def test_web_chat_refuses_wrong_types_politely(
    edge: Runtime, http: aiohttp.ClientSession, body: dict[str, Any]
) -> None:
    assert edge.server is not None
    async with http.post(edge.server.url + "/web/api/message", json=body) as response:
        assert response.status == 400
        answer = await response.json()
    assert answer["error"] == edge.core.parts.translations.get("vi").text("web.bad_request")
    poll = edge.server.url + "/web/api/poll"
    async with http.get(poll, params={"browser_id": BROWSER + "\x00", "lang": "\x00"}) as response:
        assert response.status == 400


async def test_nul_characters_are_removed_at_every_door(
    edge: Runtime, fakes: tuple[FakeTelegram, FakeZalo], http: aiohttp.ClientSession
) -> None:
    """PostgreSQL refuses NUL in text: before the fix each channel answered 'unexpected error'."""
    tg, zalo = fakes
    vi = edge.core.parts.translations.get("vi")
    update = telegram_update(5005, QUESTION, user_id=515)
    update["message"]["from"]["first_name"] = "A\x00n"
    [tg_door, zalo_door, web_door] = doors(edge)
    async with http.post(tg_door[0], json=update, headers=tg_door[1]) as response:
        assert response.status == 200
    zalo_update = zalo.message_update("z-nul-1", text=QUESTION, display_name="Ho\x00a")
    assert await zalo.deliver_webhook(zalo_door[0], zalo_update, secret=ZALO_SECRET) == 200
    async with http.post(web_door[0], json={"browser_id": BROWSER, "text": QUESTION}) as response:
        assert response.status == 200
        web_replies = [reply["text"] for reply in (await response.json())["replies"]]
    await edge.tasks.wait_idle()
    told = [*texts_to(tg, 515), *zalo.texts_to("z-nul-1"), *web_replies]
    assert told and vi.text("error.unexpected") not in told, told
    assert len(texts_to(tg, 515)) == len(zalo.texts_to("z-nul-1")) == len(web_replies)

    def stored(session: Any) -> list[str]:
        rows = session.exec(select(ResidentQuestion).order_by(col(ResidentQuestion.id)))
        return [row.text for row in rows]

    texts = edge.core.db.run_sync(stored)
    assert texts == [QUESTION.replace("\x00", "")] * 3
    assert "bot_errors_total{" not in _samples(edge)


def _samples(runtime: Runtime) -> str:
    """Return the metric lines with a value (counters at zero are not listed by labels)."""
    return runtime.metrics.render().decode()
