"""Four webhook worker processes on one PostgreSQL: every chat's updates applied in order, once.

The test plays the load balancer: each step of a chat goes to a different worker than the
step before, some steps are delivered to two workers at once (a redelivery racing the first
delivery), and at the end every chat sends three updates at the same moment to three
workers. The outcome must be what a single worker produces.

The wards exist before the run: two admins creating the first teams of the same *new* ward
at the same moment still collide on the ward's unique name (storage/teams.py
get_or_create_ward is a select-then-insert), which is a separate issue from ordering.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.clock import SystemClock
from bot.core.i18n import Catalog, default_translations
from storage import teams as team_store
from storage.conversations import all_states
from storage.db import make_engine
from storage.models import Area, ProcessedUpdate, Team, Ward
from tests.fakes import FakeTelegram
from tests.scale.flows import STEPS, newteam_replies, newteam_steps, texts_to, walk
from tests.scale.workers import TOKEN, Worker, post_update, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.e2e]
CHATS = 50
WORKERS = 4
FIRST_ADMIN = 5000
WARDS = (
    "Phường Hải Châu",
    "Phường Thanh Khê",
    "Phường Sơn Trà",
    "Phường Cẩm Lệ",
    "Phường Hòa Khánh",
)
BURST = 3


def ward_of(chat: int) -> str:
    """Return the ward a chat's admin creates a team in (wards are shared by ten chats)."""
    return WARDS[chat % len(WARDS)]


def team_of(chat: int) -> str:
    """Return the name of the team a chat's admin creates."""
    return f"Tổ {chat + 1}"


def duplicated(chat: int, step: int) -> bool:
    """Tell whether this step is delivered to two workers at once (about one step in six)."""
    return (chat * 5 + step) % 6 == 0


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


async def run_chat(
    chat: int, fake: FakeTelegram, http: aiohttp.ClientSession, workers: list[Worker]
) -> None:
    """Walk one admin through /newteam (each step on another worker), then send a burst."""
    user = FIRST_ADMIN + chat

    async def post(step: int, body: dict[str, Any]) -> None:
        first = (chat + step) % len(workers)
        targets = [first, (first + 1) % len(workers)] if duplicated(chat, step) else [first]
        statuses = await asyncio.gather(
            *(post_update(http, workers[t].hook_url, body) for t in targets)
        )
        assert set(statuses) == {200}

    await walk(fake, user, newteam_steps(fake, user, ward_of(chat), team_of(chat)), post)
    bodies = [fake.update(fake.push_text(user, "/newteam")) for _ in range(BURST)]
    await asyncio.gather(
        *(
            post_update(http, workers[(chat + k) % len(workers)].hook_url, body)
            for k, body in enumerate(bodies)
        )
    )
    for _ in range(BURST):
        await fake.wait_for("sendMessage", chat_id=user, timeout=60)


def expected_texts(vi: Catalog, chat: int, team_id: int) -> list[str]:
    """Return the replies a single worker sends this chat, in order."""
    replies = newteam_replies(vi, ward_of(chat), team_of(chat), team_id)
    return replies + [vi.text("team.ask_ward")] * BURST


def create_wards(db_url: str) -> None:
    """Create the wards the admins will name."""
    engine = make_engine(db_url)
    try:
        with Session(engine) as session, session.begin():
            for ward in WARDS:
                team_store.get_or_create_ward(session, name=ward, now=SystemClock().now())
    finally:
        engine.dispose()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_four_workers_apply_every_chat_in_order_exactly_once(
    db_url: str, fake: FakeTelegram, tmp_path: Path
) -> None:
    create_wards(db_url)
    admins = [FIRST_ADMIN + chat for chat in range(CHATS)]
    env = worker_env(db_url, fake.base_url, admins=admins)
    workers = [Worker(env, tmp_path / f"worker{n}.log", tmp_path) for n in range(WORKERS)]
    try:
        await asyncio.gather(*(worker.start() for worker in workers))
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(run_chat(chat, fake, http, workers) for chat in range(CHATS)))
    finally:
        codes = await asyncio.gather(*(worker.terminate() for worker in workers))
    assert codes == [0] * WORKERS, [w.log_tail() for w in workers]

    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(Ward.name, Team.name, Team.id).join(Team, col(Team.ward_id) == col(Ward.id))
            ).all()
            area_counts = dict(
                session.exec(select(Area.team_id, func.count()).group_by(col(Area.team_id))).all()
            )
            processed = session.exec(select(func.count()).select_from(ProcessedUpdate)).one()
            states = {(c.chat_id, c.state) for c in all_states(session)}
    finally:
        engine.dispose()
    teams = {(ward, name): team_id or 0 for ward, name, team_id in rows}
    assert len(rows) == CHATS, "every team created exactly once"
    assert set(teams) == {(ward_of(c), team_of(c)) for c in range(CHATS)}
    assert set(area_counts.values()) == {2} and len(area_counts) == CHATS
    assert processed == CHATS * (STEPS + BURST)
    assert states == {(str(a), "team.ward") for a in admins}

    assert len(fake.calls_of("sendMessage")) == CHATS * (STEPS + BURST)
    vi = default_translations("vi").get("vi")
    for chat, user in enumerate(admins):
        sent = texts_to(fake, user)
        team_id = teams[(ward_of(chat), team_of(chat))]
        assert sent == expected_texts(vi, chat, team_id), f"chat {chat}"
    for worker in workers:
        log = worker.log()
        assert "State conflict" not in log, "the advisory lock serialises each chat"
        assert "Traceback" not in log and "failed" not in log, worker.log_tail()
