"""The anonymous web chat cannot flood people or storage (issue 12, points 5 and 12).

One machine invents 5,000 browser ids: at most WEB_NEW_CHATS_PER_ADDRESS of them become
people (and store questions); the volunteers' phones ring at most BOT_HANDOFFS_PER_TEAM_HOUR
times, later requests wait in the queue and are sent as the hour moves on. Behind a trusted
proxy each client address counts on its own, but never more than WEB_NEW_CHATS_PER_MINUTE
newcomers a minute overall; X-Forwarded-For from anyone else is ignored. Every 429 is counted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from ipaddress import ip_network
from typing import Any

import aiohttp
import pytest
from sqlmodel import Session, col, func, select

from bot.app import build_app
from bot.core.clock import FixedClock
from bot.runtime import RunOptions, Runtime
from bot.settings import Settings
from bot.web.flood import client_address
from bot.web.webchat import RateLimiter
from handlers.faq.escalation import escalate_handoffs
from storage import web_pending
from storage.handoff import Handoff, Status
from storage.models import Person
from storage.question_models import ResidentQuestion
from tests.e2e.conftest import Ticks
from tests.factories import add_member, make_team

pytestmark = pytest.mark.e2e
VOLUNTEER = "volunteer-browser-000000001"
PER_ADDRESS, PER_MINUTE, TEAM_CAP = 10, 40, 3
QUESTION = "ung dung zxqv plorb bi loi"


@pytest.fixture
async def web(settings: Settings, clock: FixedClock, ticks: Ticks) -> AsyncIterator[Runtime]:
    """The web chat alone, one team with one volunteer (who reads on the web chat too)."""
    limited = replace(
        settings,
        web_port=0,
        web_messages_per_address=100_000,
        web_new_chats_per_address=PER_ADDRESS,
        web_new_chats_per_minute=PER_MINUTE,
        handoffs_per_team_hour=TEAM_CAP,
        web_trusted_proxies=(ip_network("127.0.0.1/32"),),
    )
    core = build_app(limited, clock=clock, migrate=False)
    add_member(core, make_team(core), VOLUNTEER, channel="web")
    running = Runtime(core, RunOptions(limiter=RateLimiter(clock=ticks), flood_clock=ticks))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
        core.close()


async def post(
    http: aiohttp.ClientSession, web: Runtime, body: dict[str, Any], via: str | None = None
) -> tuple[int, dict[str, Any]]:
    assert web.server is not None
    headers = {"X-Forwarded-For": via} if via else {}
    async with http.post(web.server.url + "/web/api/message", json=body, headers=headers) as resp:
        return resp.status, await resp.json()


async def ask_for_a_volunteer(http: aiohttp.ClientSession, web: Runtime, browser: str) -> str:
    """Walk the resident's way to a volunteer (first button each time); return the last text."""
    status, data = await post(http, web, {"browser_id": browser, "text": QUESTION})
    assert status == 200
    payloads = [b["payload"] for r in data["replies"][0]["buttons"] for b in r]
    payload = next(p for p in payloads if p.startswith("ho:ask:"))
    for _step in range(5):
        status, data = await post(http, web, {"browser_id": browser, "payload": payload})
        assert status == 200, data
        reply = data["replies"][0]
        if not reply["buttons"] or reply["text"].startswith("✅"):
            return str(reply["text"])
        payload = reply["buttons"][0][0]["payload"]
    raise AssertionError(f"no end to the handoff flow: {data}")


def count(web: Runtime, model: Any) -> int:
    def work(session: Session) -> int:
        return int(session.exec(select(func.count()).select_from(model)).one())

    return web.core.db.run_sync(work)


def notices_to_volunteer(web: Runtime) -> list[dict[str, Any]]:
    def work(session: Session) -> list[dict[str, Any]]:
        return web_pending.take(session, browser_id=VOLUNTEER, now=web.core.parts.clock.now())

    return web.core.db.run_sync(work)


def refused(web: Runtime, limit: str) -> float:
    value = web.metrics.registry.get_sample_value("bot_webchat_refused_total", {"limit": limit})
    return value or 0.0


async def test_five_thousand_fresh_browser_ids_from_one_address(
    web: Runtime, http: aiohttp.ClientSession, clock: FixedClock
) -> None:
    vi = web.core.parts.translations.get("vi")
    accepted: list[str] = []
    for n in range(5_000):
        browser = f"fresh-browser-{n:010d}"
        status, data = await post(http, web, {"browser_id": browser, "text": QUESTION})
        if status == 429:
            assert data["error"] == vi.text("web.busy_newcomers")
            continue
        assert status == 200
        accepted.append(browser)
    assert len(accepted) == PER_ADDRESS
    assert count(web, Person) == PER_ADDRESS + 1  # and the volunteer
    assert count(web, ResidentQuestion) == PER_ADDRESS
    assert refused(web, "new_per_address") == 5_000 - PER_ADDRESS

    told = [await ask_for_a_volunteer(http, web, browser) for browser in accepted]
    queued = [text for text in told if text.startswith("⏳")]
    assert len(told) - len(queued) == TEAM_CAP
    assert queued[0] == vi.text("handoff.queued", team="Tổ 12", ward="Phường Hải Châu")
    notices = notices_to_volunteer(web)
    assert len(notices) == TEAM_CAP, "the volunteer's phone rang only up to the cap"
    assert count(web, ResidentQuestion) == 2 * PER_ADDRESS, "the accepted came back and asked"

    # Half an hour on, the hour is not over: nothing more. After it, the next three go out.
    for minutes, expected in ((30, 0), (31, TEAM_CAP)):
        clock.advance(timedelta(minutes=minutes))
        deliveries = web.core.db.run_sync(
            lambda s: escalate_handoffs(s, now=clock.now(), parts=web.core.parts)
        )
        await web.core.dispatcher.deliver(deliveries)
        assert len(notices_to_volunteer(web)) == expected, minutes

    def statuses(session: Session) -> list[str]:
        return list(session.exec(select(Handoff.status).order_by(col(Handoff.id))).all())

    states = web.core.db.run_sync(statuses)
    assert states.count(Status.QUEUED.value) == PER_ADDRESS - 2 * TEAM_CAP


async def test_behind_a_trusted_proxy_newcomers_are_capped_per_minute_overall(
    web: Runtime, http: aiohttp.ClientSession, ticks: Ticks
) -> None:
    accepted = 0
    for n in range(500):
        address = f"203.0.{n // 250}.{n % 250 + 1}"
        body = {"browser_id": f"proxied-browser-{n:08d}", "text": "/help"}
        status, _data = await post(http, web, body, via=f"6.6.6.6, {address}")
        accepted += status == 200
    assert accepted == PER_MINUTE
    assert refused(web, "new_overall") == 500 - PER_MINUTE
    ticks.now += 61  # a minute later, newcomers are welcome again
    status, _data = await post(
        http, web, {"browser_id": "late-browser-0000000001", "text": "/help"}, via="198.51.100.7"
    )
    assert status == 200


def test_x_forwarded_for_counts_only_from_trusted_proxies() -> None:
    proxies = (ip_network("10.0.0.0/8"),)
    assert client_address("198.51.100.7", "1.2.3.4", proxies) == "198.51.100.7"
    assert client_address("10.0.0.2", "1.2.3.4", proxies) == "1.2.3.4"
    assert client_address("10.0.0.2", "9.9.9.9, 1.2.3.4, 10.0.0.9", proxies) == "1.2.3.4"
    assert client_address("10.0.0.2", "not-an-ip, 10.0.0.3", proxies) == "10.0.0.3"
    assert client_address("10.0.0.2", "", proxies) == "10.0.0.2"
    assert client_address(None, "1.2.3.4", proxies) == "unknown"
