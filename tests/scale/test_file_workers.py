"""Files by link on two worker processes sharing one PostgreSQL: either worker serves a link
the other one made (Zalo's /report and the web chat's download route alike), and the daily
cleanup removes expired files for both.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import aiohttp
import openpyxl
import pytest
from sqlmodel import Session

from bot.app import build_app
from bot.channels.registry import ZALO
from bot.core.clock import FixedClock, SystemClock
from bot.settings import Settings
from storage import people, teams
from storage.db import make_engine
from storage.models import Membership
from tests.fakes.fake_zalo import FakeZalo
from tests.scale.workers import Worker, worker_env
from tests.scheduler.support import Recorder, make_service

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.e2e]
ZALO_TOKEN = "3131:zalo-TEST-token"
ZALO_SECRET = "zalo_secret-456"
LEADER = "7e57ab1e00112233aabb"
PUBLIC = "https://bot.example.org"
LINK = re.compile(re.escape(PUBLIC) + r"/files/([A-Za-z0-9_-]{43})")


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(token=ZALO_TOKEN) as server:
        yield server


def seed_leader(db_url: str) -> None:
    """Create Tổ 12 and its leader, who uses Zalo only."""
    engine = make_engine(db_url)
    now = SystemClock().now()
    try:
        with Session(engine) as session, session.begin():
            team = teams.create_team(
                session, ward_name="Phường Hải Châu", name="Tổ 12", areas=[], now=now
            )
            leader = people.ensure_person(
                session, channel="zalo", user_id=LEADER, chat_id=LEADER, now=now
            )
            assert team.id is not None and leader.id is not None
            session.add(
                Membership(person_id=leader.id, team_id=team.id, role="leader", joined_at=now)
            )
    finally:
        engine.dispose()


def zalo_worker_env(db_url: str, api_base_url: str) -> dict[str, str]:
    """A webhook worker with Zalo only, whose public address is PUBLIC."""
    env = worker_env(db_url, api_base_url)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_WEBHOOK_SECRET"):
        env.pop(name)
    env.update(
        ZALO_BOT_TOKEN=ZALO_TOKEN,
        ZALO_API_BASE_URL=api_base_url,
        ZALO_WEBHOOK_SECRET=ZALO_SECRET,
        PUBLIC_BASE_URL=PUBLIC,
    )
    return env


async def download(http: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with http.get(url) as response:
        return response.status, await response.read()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_a_link_made_by_one_worker_is_served_by_the_other_until_the_cleanup(
    db_url: str, fake: FakeZalo, tmp_path: Path
) -> None:
    seed_leader(db_url)
    env = zalo_worker_env(db_url, fake.base_url)
    workers = [Worker(env, tmp_path / f"worker{n}.log", tmp_path) for n in range(2)]
    http = aiohttp.ClientSession()
    try:
        for worker in workers:
            await worker.start()
        first, second = workers
        update = fake.message_update(LEADER, text="/report xlsx", message_id="report-1")
        status = await fake.deliver_webhook(
            first.url + ZALO.webhook_path, update, secret=ZALO_SECRET
        )
        assert status == 200
        message = await fake.wait_for("sendMessage", chat_id=LEADER, timeout=60)
        [token] = LINK.findall(message.params["text"])
        served = [await download(http, f"{w.url}/files/{token}") for w in (second, first)]
        web_chat = await download(http, f"{second.url}/web/api/file/{token}")
        assert served[0] == served[1] == web_chat and served[0][0] == 200
        book = openpyxl.load_workbook(io.BytesIO(served[0][1]))
        assert book.sheetnames[0] == "1. Theo nội dung" and book.sheetnames[-1] == "Data"

        later = FixedClock(SystemClock().now() + timedelta(days=7, minutes=1))
        core = build_app(replace(Settings(), database_url=db_url), clock=later, migrate=False)
        try:
            removed = await make_service(core, Recorder(), use_lease=False).cleanup()
        finally:
            core.close()
        assert removed["files"] == 1
        gone = [await download(http, f"{w.url}/files/{token}") for w in workers]
        assert gone == [(404, b"Not found")] * 2
    finally:
        await http.close()
        codes = [await worker.terminate() for worker in workers]
    assert codes == [0, 0], [w.log_tail() for w in workers]
    for worker in workers:
        log = worker.log()
        assert token not in log and ZALO_TOKEN.split(":")[1] not in log
        assert "Traceback" not in log, worker.log_tail()
    assert (
        sum("File " in line and " sent (" in line for w in workers for line in w.log().splitlines())
        == 3
    )
